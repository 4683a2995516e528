import { describe, expect, it } from 'vitest';
import {
  conv2d,
  conv2dBackwardWeights,
  conv2dMaxPool2d,
  conv2dMaxPool2dBackwardWeights,
  maxPool2d,
  maxPool2dBackward,
} from '../src/ops/index.js';
import { ShapeError } from '../src/shape.js';
import { IntTensor, Tensor } from '../src/tensor.js';
import { expectClose, rand, useTestBackend } from './helpers.js';

useTestBackend();

const T = Tensor.fromArray;

describe('conv2dMaxPool2d with argmax (a training forward)', () => {
  // the simple-cnn block (im2col GEMM), LeNet's first layer (the direct forward), a layer with odd
  // convolution outputs (a row and a column in no window)
  for (const [name, xs, ws, pad] of [
    ['1 → 32 channels 3×3 pad 1, 28×28', [3, 1, 28, 28], [32, 1, 3, 3], 1],
    ['1 → 6 channels 5×5 pad 2, 12×12', [2, 1, 12, 12], [6, 1, 5, 5], 2],
    ['2 → 5 channels 3×3, 9×11', [3, 2, 9, 11], [5, 2, 3, 3], 0],
  ] as const) {
    it(`${name}: conv2d then maxPool2d, to the bit`, () => {
      const x = rand(xs, 1);
      const w = rand(ws, 2);
      const b = rand([ws[0]], 3);
      const h = conv2d(x, w, b, { padding: pad });
      const ref = maxPool2d(h, { kernelSize: 2, relu: true });
      const argmax = new IntTensor(ref.argmax.shape);
      const y = conv2dMaxPool2d(x, w, b, { padding: pad, relu: true, argmax });
      expect(Array.from(y.data)).toEqual(Array.from(ref.output.data));
      expect(Array.from(argmax.data)).toEqual(Array.from(ref.argmax.data));
    });
  }

  it('an argmax of the wrong shape names the op and both shapes', () => {
    const x = rand([2, 1, 8, 8], 1);
    expect(() =>
      conv2dMaxPool2d(x, rand([4, 1, 3, 3], 2), null, { padding: 1, argmax: new IntTensor([2, 4, 4, 3]) }),
    ).toThrow(new ShapeError('conv2dMaxPool2d: argmax has shape [2, 4, 4, 3], expected [2, 4, 4, 4]'));
  });
});

describe('conv2dMaxPool2dBackwardWeights', () => {
  it('hand-worked: one 1×1 filter, a 2×2 pool over a 2×4 plane', () => {
    // conv output = 2·x; the two windows choose x = 4 (index 5) and x = 8 (index 7)
    const x = T([1, 2, 3, 0, 0, 4, 5, 8], [1, 1, 2, 4]);
    const w = T([2], [1, 1, 1, 1]);
    const { argmax } = maxPool2d(conv2d(x, w), { kernelSize: 2 });
    expect(Array.from(argmax.data)).toEqual([5, 7]);
    const dy = T([0.5, -1], [1, 1, 1, 2]);
    const { dw, db } = conv2dMaxPool2dBackwardWeights(x, dy, argmax, [1, 1, 1, 1]);
    // dW = 0.5·4 − 1·8, db = 0.5 − 1
    expect(Array.from(dw.data)).toEqual([-6]);
    expect(Array.from((db as Tensor).data)).toEqual([-0.5]);
  });

  // The simple-cnn block, a 2-channel one, LeNet's 5×5 first layer (the wasm kernel's two forms) and a
  // 3×5 filter (its general path), each with and without the ReLU.
  for (const [name, xs, ws, pad] of [
    ['1 → 32 channels 3×3 pad 1, 28×28', [4, 1, 28, 28], [32, 1, 3, 3], 1],
    ['2 → 5 channels 3×3, 9×11', [3, 2, 9, 11], [5, 2, 3, 3], 0],
    ['1 → 6 channels 5×5 pad 2, 12×12', [2, 1, 12, 12], [6, 1, 5, 5], 2],
    ['1 → 4 channels 3×5, 8×11', [2, 1, 8, 11], [4, 1, 3, 5], 0],
  ] as const) {
    for (const relu of [true, false]) {
      it(`${name}${relu ? ', ReLU' : ''}: maxPool2dBackward then conv2dBackwardWeights, within rounding`, () => {
        const x = rand(xs, 1);
        const w = rand(ws, 2);
        const b = rand([ws[0]], 3);
        const h = conv2d(x, w, b, { padding: pad });
        const { output: y, argmax } = maxPool2d(h, { kernelSize: 2, relu });
        const dy = rand(y.shape, 4);
        const mask = relu ? y : undefined;
        const dh = maxPool2dBackward(dy, argmax, h.shape, { kernelSize: 2, mask });
        const old = conv2dBackwardWeights(x, dh, ws, { padding: pad });
        // accumulating onto given gradients, as a layer without overwrite does
        const dw = rand(ws, 5);
        const db = rand([ws[0]], 6);
        const dw0 = Array.from(dw.data);
        const db0 = Array.from(db.data);
        conv2dMaxPool2dBackwardWeights(x, dy, argmax, ws, { padding: pad, mask, dw, db });
        expectClose(
          Array.from(dw.data, (v, i) => v - dw0[i]),
          old.dw.data,
          1e-5,
          1e-4,
        );
        expectClose(
          Array.from(db.data, (v, i) => v - db0[i]),
          (old.db as Tensor).data,
          1e-5,
          1e-4,
        );
        // overwriting gives the same gradients to the bit as zeros plus them
        const fresh = conv2dMaxPool2dBackwardWeights(x, dy, argmax, ws, { padding: pad, mask });
        conv2dMaxPool2dBackwardWeights(x, dy, argmax, ws, { padding: pad, mask, dw, db, accumulate: false });
        expect(Array.from(dw.data)).toEqual(Array.from(fresh.dw.data));
        expect(Array.from(db.data)).toEqual(Array.from((fresh.db as Tensor).data));
      });
    }
  }

  it('an argmax outside its plane is a RangeError', () => {
    const x = rand([1, 1, 4, 4], 1);
    const argmax = new IntTensor([1, 2, 2, 2]);
    argmax.data.set([0, 1, 4, 5, 2, 3, 16, 7]);
    expect(() =>
      conv2dMaxPool2dBackwardWeights(x, rand([1, 2, 2, 2], 2), argmax, [2, 1, 3, 3], { padding: 1 }),
    ).toThrow(/argmax\[6\] = 16 is outside the 4×4 plane/);
  });

  it('wrong shapes name the op and both shapes', () => {
    const x = rand([2, 1, 8, 8], 1);
    const argmax = new IntTensor([2, 4, 4, 4]);
    expect(() =>
      conv2dMaxPool2dBackwardWeights(x, rand([2, 4, 4, 3], 2), argmax, [4, 1, 3, 3], { padding: 1 }),
    ).toThrow(
      new ShapeError(
        "conv2dMaxPool2dBackwardWeights: dy has shape [2, 4, 4, 3], but pooling the convolution's output [2, 4, 8, 8] gives [2, 4, 4, 4]",
      ),
    );
    expect(() =>
      conv2dMaxPool2dBackwardWeights(x, rand([2, 4, 4, 4], 2), argmax, [4, 1, 3, 3], {
        padding: 1,
        dw: rand([4, 1, 3, 2], 3),
      }),
    ).toThrow(/conv2dMaxPool2dBackwardWeights: dw has shape \[4, 1, 3, 2\], expected \[4, 1, 3, 3\]/);
  });
});
