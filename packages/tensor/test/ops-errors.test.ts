/** Every remaining error path of the ops, and empty-ish edges (zero batch, zero-size tensors). */
import { describe, expect, it } from 'vitest';
import {
  add,
  avgPool2d,
  col2im,
  conv2d,
  conv2dBackwardWeights,
  im2col,
  matmul,
  maxPool2d,
  softmax,
  sum,
  sumToShape,
} from '../src/ops/index.js';
import { IntTensor, Tensor } from '../src/tensor.js';
import { useTestBackend } from './helpers.js';

useTestBackend();

const t = (...shape: number[]) => new Tensor(shape).fill(1);

describe('shape errors name the op and the shapes', () => {
  it.each([
    [() => sumToShape(t(2, 3), [3], t(2)), 'sumToShape: out has shape [2], expected [3]'],
    [() => softmax(t(2, 3), { out: t(3, 2) }), 'softmax: out has shape [3, 2], expected [2, 3]'],
    [() => matmul(t(2, 3), t(3, 4), t(4, 2)), 'matmul: out has shape [4, 2], expected [2, 4]'],
    [() => avgPool2d(t(2, 2), { kernelSize: 2 }), 'avgPool2d: input must be [N, C, H, W], got [2, 2]'],
    [
      () => maxPool2d(t(1, 1, 4, 4), { kernelSize: 2, argmax: new IntTensor([1, 1, 4, 4]) }),
      'maxPool2d: argmax has shape [1, 1, 4, 4], expected [1, 1, 2, 2]',
    ],
    [
      () => maxPool2d(t(1, 1, 4, 4), { kernelSize: 2, out: t(1, 1, 4, 4) }),
      'maxPool2d: out has shape [1, 1, 4, 4], expected [1, 1, 2, 2]',
    ],
    [
      () => conv2dBackwardWeights(t(1, 1, 5, 5), t(1, 2, 3, 3), [2, 1, 3, 3], { db: t(3) }),
      'conv2dBackwardWeights: db has shape [3], expected [2]',
    ],
    [
      () => col2im(t(1, 9, 9), [1, 1, 5], { kernelSize: 3 }),
      'col2im: outputShape must be 4 non-negative integers, got [1, 1, 5]',
    ],
    [
      () => im2col(t(1, 1, 5, 5), { kernelSize: 3, out: t(1, 9, 8) }),
      'im2col: out has shape [1, 9, 8], expected [1, 9, 9]',
    ],
    [
      () => conv2d(t(1, 1, 5, 5), t(1, 1, 3, 3), null, { padding: -1 }),
      'conv2d: padding must be ≥ 0, got -1',
    ],
    [() => conv2d(t(1, 1, 5, 5), t(1, 1, 0, 3)), 'conv2d: kernel height must be ≥ 1, got 0'],
  ])('%#', (f, message) => {
    expect(f).toThrow(message);
  });

  it('non-tensor operands give a TypeError naming the op', () => {
    expect(() => conv2d(new IntTensor([1, 1, 3, 3]) as unknown as Tensor, t(1, 1, 3, 3))).toThrow(
      new TypeError('conv2d: x must be a Tensor'),
    );
    expect(() => sum([1, 2] as unknown as Tensor)).toThrow('sum: x must be a Tensor');
    expect(() => add(t(2), t(2), new IntTensor([2]) as unknown as Tensor)).toThrow(
      'add: out must be a Tensor',
    );
  });
});

describe('empty-ish edges', () => {
  it('a zero batch flows through convolution and pooling', () => {
    const y = conv2d(new Tensor([0, 2, 5, 5]), t(3, 2, 3, 3), t(3), { padding: 1 });
    expect(y.shape).toEqual([0, 3, 5, 5]);
    const { output, argmax } = maxPool2d(y, { kernelSize: 2 });
    expect(output.shape).toEqual([0, 3, 2, 2]);
    expect(argmax.size).toBe(0);
    const { dw, db } = conv2dBackwardWeights(new Tensor([0, 2, 5, 5]), y, [3, 2, 3, 3], { padding: 1 });
    expect(Array.from(dw.data).every((v) => v === 0)).toBe(true);
    expect(Array.from(db?.data ?? [])).toEqual([0, 0, 0]);
  });

  it('zero-size elementwise and matmul with an empty inner dimension', () => {
    expect(add(new Tensor([0, 3]), t(3)).shape).toEqual([0, 3]);
    const m = matmul(new Tensor([2, 0]), new Tensor([0, 3]));
    expect(m.toArray()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(softmax(new Tensor([0, 4])).shape).toEqual([0, 4]);
  });

  it('1×1 images and kernels', () => {
    const y = conv2d(Tensor.fromArray([3], [1, 1, 1, 1]), Tensor.fromArray([2, -1], [2, 1, 1, 1]));
    expect(Array.from(y.data)).toEqual([6, -3]);
    expect(maxPool2d(Tensor.fromArray([5], [1, 1, 1, 1]), { kernelSize: 1 }).output.item()).toBe(5);
  });
});
