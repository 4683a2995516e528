import { describe, expect, it } from 'vitest';
import { avgPool2d, avgPool2dBackward, maxPool2d, maxPool2dBackward } from '../src/ops/index.js';
import { IntTensor, Tensor } from '../src/tensor.js';
import { expectClose, rand, useTestBackend } from './helpers.js';

useTestBackend();

const T = Tensor.fromArray;

describe('maxPool2d', () => {
  it('takes window maxima and records h·W + w of each (hand-worked)', () => {
    const x = T(
      [
        [1, 3, 2, 0],
        [4, 2, 9, 1],
        [0, 0, 5, 6],
        [7, 1, 6, 5],
      ].flat(),
      [1, 1, 4, 4],
    );
    const { output, argmax } = maxPool2d(x, { kernelSize: 2 });
    expect(output.toArray()).toEqual([
      [
        [
          [4, 9],
          [7, 6],
        ],
      ],
    ]);
    expect(argmax.toArray()).toEqual([
      [
        [
          [4, 6],
          [12, 11],
        ],
      ],
    ]);
  });

  it('ties go to the first maximum in row-major window order', () => {
    const x = new Tensor([1, 1, 2, 2]).fill(3);
    expect(maxPool2d(x, { kernelSize: 2 }).argmax.item()).toBe(0);
    const y = T([1, 5, 5, 5], [1, 1, 2, 2]);
    expect(maxPool2d(y, { kernelSize: 2 }).argmax.item()).toBe(1);
  });

  it('padding never wins, even when every input is negative', () => {
    const x = new Tensor([1, 1, 3, 3]).fill(-5);
    x.data[4] = -1;
    const { output, argmax } = maxPool2d(x, { kernelSize: 3, stride: 1, padding: 1 });
    expect(Array.from(output.data)).toEqual(new Array(9).fill(-1));
    expect(Array.from(argmax.data)).toEqual(new Array(9).fill(4));
    const corner = maxPool2d(new Tensor([1, 1, 2, 2]).fill(-2), { kernelSize: 2, stride: 2, padding: 1 });
    expect(Array.from(corner.output.data)).toEqual([-2, -2, -2, -2]);
    expect(Array.from(corner.argmax.data)).toEqual([0, 1, 2, 3]);
  });

  it('backward routes dy to the argmax and sums overlapping windows', () => {
    const x = T([1, 2, 3, 4, 9, 6, 7, 8, 5], [1, 1, 3, 3]);
    const { output, argmax } = maxPool2d(x, { kernelSize: 2, stride: 1 });
    expect(Array.from(output.data)).toEqual([9, 9, 9, 9]);
    const dx = maxPool2dBackward(T([1, 2, 3, 4], [1, 1, 2, 2]), argmax, x.shape, {
      kernelSize: 2,
      stride: 1,
    });
    expect(Array.from(dx.data)).toEqual([0, 0, 0, 0, 10, 0, 0, 0, 0]);
  });

  it('per plane, over batch and channels, with odd sizes and stride 2 (vs a direct loop)', () => {
    const x = rand([2, 3, 7, 5], 8);
    const { output, argmax } = maxPool2d(x, { kernelSize: 3, stride: 2 });
    expect(output.shape).toEqual([2, 3, 3, 2]);
    for (let p = 0; p < 6; p++)
      for (let oh = 0; oh < 3; oh++)
        for (let ow = 0; ow < 2; ow++) {
          let best = Number.NEGATIVE_INFINITY;
          for (let i = 0; i < 3; i++)
            for (let j = 0; j < 3; j++) best = Math.max(best, x.data[p * 35 + (oh * 2 + i) * 5 + ow * 2 + j]);
          const o = (p * 3 + oh) * 2 + ow;
          expect(output.data[o]).toBe(best);
          expect(x.data[p * 35 + argmax.data[o]]).toBe(best);
        }
  });

  it('validates shapes and indices', () => {
    expect(() => maxPool2d(new Tensor([1, 4, 4]), { kernelSize: 2 })).toThrow(
      'maxPool2d: input must be [N, C, H, W], got [1, 4, 4]',
    );
    expect(() => maxPool2d(new Tensor([1, 1, 4, 4]), { kernelSize: 2, padding: 2 })).toThrow(
      'maxPool2d: padding (2, 2) must be at most half the kernel (2, 2)',
    );
    expect(() => maxPool2d(new Tensor([1, 1, 1, 4]), { kernelSize: 2 })).toThrow(
      'maxPool2d: a 2-wide window with padding 0 does not fit an input height of 1',
    );
    const am = new IntTensor([1, 1, 2, 2]).fill(0);
    expect(() => maxPool2dBackward(new Tensor([1, 1, 3, 2]), am, [1, 1, 4, 4], { kernelSize: 2 })).toThrow(
      'maxPool2dBackward: dy has shape [1, 1, 3, 2], but the pooling output is [1, 1, 2, 2]',
    );
    expect(() =>
      maxPool2dBackward(new Tensor([1, 1, 2, 2]), new IntTensor([1, 2, 2]), [1, 1, 4, 4], { kernelSize: 2 }),
    ).toThrow('maxPool2dBackward: argmax has shape [1, 2, 2], but dy has shape [1, 1, 2, 2]');
    am.data[3] = 16;
    expect(() => maxPool2dBackward(new Tensor([1, 1, 2, 2]), am, [1, 1, 4, 4], { kernelSize: 2 })).toThrow(
      'maxPool2dBackward: argmax[3] = 16 is outside the 4×4 plane',
    );
    // Past the first SIMD block of the wasm scan, and the first of two bad indices is named.
    const big = new IntTensor([1, 2, 8, 8]).fill(5);
    big.data[37] = -1;
    big.data[90] = 300;
    expect(() => maxPool2dBackward(new Tensor([1, 2, 8, 8]), big, [1, 2, 16, 16], { kernelSize: 2 })).toThrow(
      'maxPool2dBackward: argmax[37] = -1 is outside the 16×16 plane',
    );
    big.data[37] = 255;
    expect(() => maxPool2dBackward(new Tensor([1, 2, 8, 8]), big, [1, 2, 16, 16], { kernelSize: 2 })).toThrow(
      'maxPool2dBackward: argmax[90] = 300 is outside the 16×16 plane',
    );
    big.data[90] = 0;
    expect(maxPool2dBackward(new Tensor([1, 2, 8, 8]), big, [1, 2, 16, 16], { kernelSize: 2 }).shape).toEqual(
      [1, 2, 16, 16],
    );
  });
});

describe('avgPool2d', () => {
  const x = T([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 1, 3, 3]);

  it('averages windows (hand-worked)', () => {
    expect(avgPool2d(x, { kernelSize: 2, stride: 1 }).toArray()).toEqual([
      [
        [
          [3, 4],
          [6, 7],
        ],
      ],
    ]);
  });

  it('countIncludePad: true divides by the full window, false by its in-image part', () => {
    const incl = avgPool2d(x, { kernelSize: 3, stride: 1, padding: 1 });
    const excl = avgPool2d(x, { kernelSize: 3, stride: 1, padding: 1, countIncludePad: false });
    // Top-left window covers 1, 2, 4, 5; the centre covers everything.
    expectClose(
      [incl.data[0], incl.data[4], excl.data[0], excl.data[4], excl.data[1]],
      [12 / 9, 45 / 9, 12 / 4, 45 / 9, 21 / 6],
    );
  });

  for (const countIncludePad of [true, false]) {
    it(`backward is the adjoint of forward (countIncludePad ${countIncludePad})`, () => {
      const opts = { kernelSize: 3, stride: 2, padding: 1, countIncludePad };
      const xi = rand([2, 2, 5, 6], 1);
      const y = avgPool2d(xi, opts);
      const r = rand(y.shape, 2);
      const dx = avgPool2dBackward(r, xi.shape, opts);
      let lhs = 0;
      let rhs = 0;
      for (let i = 0; i < y.size; i++) lhs += y.data[i] * r.data[i];
      for (let i = 0; i < xi.size; i++) rhs += xi.data[i] * dx.data[i];
      expect(lhs).toBeCloseTo(rhs, 4);
    });
  }

  it('backward spreads each gradient evenly (hand-worked)', () => {
    const dx = avgPool2dBackward(T([4], [1, 1, 1, 1]), [1, 1, 2, 2], { kernelSize: 2 });
    expect(Array.from(dx.data)).toEqual([1, 1, 1, 1]);
    expect(() => avgPool2dBackward(T([4], [1, 1, 1, 1]), [1, 1, 4, 4], { kernelSize: 2 })).toThrow(
      'avgPool2dBackward: dy has shape [1, 1, 1, 1], but the pooling output is [1, 1, 2, 2]',
    );
  });
});
