/**
 * The reference training kernels: activations and their backward, bias (per-channel scale-shift and
 * sum), axpby, the dropout mask, and the small utilities (copy, fill, sumSquares, countCorrect).
 * Batch normalisation and the optimizer updates are composed of these in @scratchnet/layers and
 * @scratchnet/optimizers, and tested there.
 */
import { describe, expect, it } from 'vitest';
import type { ActivationOp } from '../src/backend.js';
import { Random } from '../src/random.js';
import { IntTensor, Tensor } from '../src/tensor.js';
import { expectClose, rand } from './helpers.js';
import { on, reference } from './positional.js';

const js = on(reference);
const T = Tensor.fromArray;

describe('activations', () => {
  const x = T([-2, -0.5, 0, 0.5, 3]);
  const acts: [ActivationOp, (v: number) => number][] = [
    ['relu', (v) => Math.max(v, 0)],
    ['leakyRelu', (v) => (v > 0 ? v : 0.1 * v)],
    ['sigmoid', (v) => 1 / (1 + Math.exp(-v))],
    ['tanh', Math.tanh],
  ];
  for (const [op, f] of acts) {
    it(`${op}: forward matches the formula, backward matches finite differences`, () => {
      const y = new Tensor(x.shape);
      js.activation(op, x, y, 0.1);
      expectClose(y.data, Array.from(x.data, f), 1e-6);
      const dy = T([1, 2, 3, 4, 5]);
      const dx = new Tensor(x.shape);
      js.activationBackward(op, x, y, dy, dx, 0.1);
      const h = 1e-4;
      for (let i = 0; i < x.size; i++) {
        if (x.data[i] === 0 && (op === 'relu' || op === 'leakyRelu')) continue; // kink
        const fd = ((f(x.data[i] + h) - f(x.data[i] - h)) / (2 * h)) * dy.data[i];
        expect(dx.data[i]).toBeCloseTo(fd, 4);
      }
      // in place: dx aliasing dy
      js.activationBackward(op, x, y, dy, dy, 0.1);
      expectClose(dy.data, dx.data);
    });
  }

  it('relu and leakyRelu give 0 / α·dy at exactly 0 (the subgradient PyTorch uses)', () => {
    const z = T([0]);
    const d = new Tensor([1]);
    js.activationBackward('relu', z, z, T([5]), d, 0);
    expect(d.data[0]).toBe(0);
    js.activationBackward('leakyRelu', z, z, T([5]), d, 0.2);
    expect(d.data[0]).toBeCloseTo(1, 6);
  });
});

describe('bias, axpby, copy, fill, sumSquares, countCorrect', () => {
  it('addBias adds along axis 1 for [N, C] and [N, C, H, W]', () => {
    const y = new Tensor([2, 3]).fill(1);
    js.addBias(y, T([1, 2, 3]));
    expect(y.toArray()).toEqual([
      [2, 3, 4],
      [2, 3, 4],
    ]);
    const z = new Tensor([2, 2, 1, 2]).fill(0);
    js.addBias(z, T([10, 20]));
    expect(Array.from(z.data)).toEqual([10, 10, 20, 20, 10, 10, 20, 20]);
  });

  it('biasGrad accumulates Σ over every axis but 1', () => {
    const db = T([1, 1]);
    js.biasGrad(T([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]), db);
    expect(Array.from(db.data)).toEqual([1 + 1 + 2 + 5 + 6, 1 + 3 + 4 + 7 + 8]);
    const dense = T([0, 0, 0]);
    js.biasGrad(
      T([
        [1, 2, 3],
        [4, 5, 6],
      ]),
      dense,
    );
    expect(Array.from(dense.data)).toEqual([5, 7, 9]);
  });

  it('axpby, with β = 0 ignoring NaN', () => {
    const y = T([1, 2]);
    js.axpby(2, T([3, 4]), 0.5, y);
    expect(Array.from(y.data)).toEqual([6.5, 9]);
    js.axpby(1, T([3, 4]), 1, y);
    expect(Array.from(y.data)).toEqual([9.5, 13]);
    const n = T([Number.NaN, Number.NaN]);
    js.axpby(-1, T([3, 4]), 0, n);
    expect(Array.from(n.data)).toEqual([-3, -4]);
  });

  it('copy, fill, sumSquares, countCorrect', () => {
    const a = T([1.5, -2]);
    const b = new Tensor([2]);
    js.copy(a, b);
    expect(Array.from(b.data)).toEqual([1.5, -2]);
    const i = new IntTensor([2]);
    js.copy(IntTensor.fromArray([7, -3]), i);
    expect(Array.from(i.data)).toEqual([7, -3]);
    js.fill(b, 4);
    expect(Array.from(b.data)).toEqual([4, 4]);
    expect(js.sumSquares(T([3, 4, 12]))).toBe(169);
    const scores = T([
      [0.1, 0.9, 0],
      [0.5, 0.5, 0.2], // tie: the first maximum (0) counts
      [0, 0, 1],
    ]);
    expect(js.countCorrect(scores, IntTensor.fromArray([1, 0, 1]))).toBe(2);
    expect(js.countCorrect(scores, IntTensor.fromArray([1, 1, 2]))).toBe(2);
  });
});

describe('dropout', () => {
  it('draws one uniform per element in order; drops where the draw < p and scales the rest', () => {
    const x = rand([1000], 1);
    const mask = new Tensor([1000]);
    const y = new Tensor([1000]);
    js.dropout(x, mask, y, 0.3, new Random(77));
    const r = new Random(77);
    let dropped = 0;
    for (let i = 0; i < 1000; i++) {
      const keep = r.uniform() >= 0.3;
      expect(mask.data[i]).toBe(keep ? Math.fround(1 / 0.7) : 0);
      expect(y.data[i]).toBe(Math.fround(x.data[i] * mask.data[i]));
      if (!keep) dropped++;
    }
    expect(dropped).toBeGreaterThan(250);
    expect(dropped).toBeLessThan(350);
  });

  it('p = 0 is the identity and p = 1 zeroes, both without drawing', () => {
    const x = T([1, 2]);
    const mask = new Tensor([2]);
    const y = new Tensor([2]);
    const rng = new Random(1);
    const before = rng.getState();
    js.dropout(x, mask, y, 0, rng);
    expect(Array.from(y.data)).toEqual([1, 2]);
    js.dropout(x, mask, y, 1, rng);
    expect(Array.from(y.data)).toEqual([0, 0]);
    expect(rng.getState()).toEqual(before);
  });
});
