/** The per-channel ops and dropout: hand-worked values, and the dropout mask against the generator. */
import { describe, expect, it } from 'vitest';
import { channelCombine, channelDot, channelScaleShift, channelSum, dropout } from '../src/ops/index.js';
import { Random } from '../src/random.js';
import { Tensor } from '../src/tensor.js';
import { expectClose, rand, useTestBackend } from './helpers.js';

useTestBackend();

const T = Tensor.fromArray;

// x [2, 2, 2]: channel 0 holds 1, 2, 5, 8 (mean 4), channel 1 holds 3, 4, 6, 7 (mean 5).
const x = T([
  [
    [1, 2],
    [3, 4],
  ],
  [
    [5, 8],
    [6, 7],
  ],
]);
const mean = T([4, 5]);

describe('per-channel reductions', () => {
  it('channelSum and the squared deviations Σ (x − μ)²', () => {
    expect(Array.from(channelSum(x).data)).toEqual([16, 20]);
    // channel 0: 9 + 4 + 1 + 16 = 30; channel 1: 4 + 1 + 1 + 4 = 10
    expect(Array.from(channelDot(x, x, { aCenter: mean, bCenter: mean }).data)).toEqual([30, 10]);
    expect(Array.from(channelDot(x, x).data)).toEqual([94, 110]);
  });

  it('Σ dy·(x − μ) and Σ dy from one pass, overwriting or accumulating', () => {
    const dy = T([
      [
        [1, -1],
        [2, 0],
      ],
      [
        [0.5, 1],
        [-2, 3],
      ],
    ]);
    const sum = T([100, 100]);
    const out = channelDot(dy, x, { bCenter: mean, sum });
    // channel 0: 1·(−3) − 1·(−2) + 0.5·1 + 1·4 = 3.5, Σ dy = 1.5; channel 1: 2·(−2) + 0 − 2·1 + 3·2 = 0, Σ dy = 3
    expect(Array.from(out.data)).toEqual([3.5, 0]);
    expect(Array.from(sum.data)).toEqual([1.5, 3]);
    channelDot(dy, x, { bCenter: mean, sum, out, accumulate: true });
    expect(Array.from(out.data)).toEqual([7, 0]);
    expect(Array.from(sum.data)).toEqual([3, 6]);
  });

  it('agree with float64 sums on a large tensor with a large mean (f32 lanes, f64 totals)', () => {
    const big = rand([64, 6, 13, 11], 3);
    for (let i = 0; i < big.size; i++) big.data[i] = big.data[i] + 1000;
    const inner = 13 * 11;
    const s = new Array<number>(6).fill(0);
    for (let i = 0; i < big.size; i++) s[Math.floor(i / inner) % 6] += big.data[i];
    const m = Tensor.fromArray(s.map((v) => v / (64 * inner)));
    const ss = new Array<number>(6).fill(0);
    for (let i = 0; i < big.size; i++) {
      const c = Math.floor(i / inner) % 6;
      ss[c] += (big.data[i] - m.data[c]) ** 2;
    }
    expectClose(channelSum(big).data, s, 0, 1e-6);
    expectClose(channelDot(big, big, { aCenter: m, bCenter: m }).data, ss, 0, 1e-5);
  });

  it('refuse a sum that overlaps out, or centres of the wrong size', () => {
    const out = new Tensor([2]);
    expect(() => channelDot(x, x, { out, sum: out })).toThrow('channelDot: sum must not overlap out');
    expect(() => channelDot(x, x, { aCenter: T([1, 2, 3]) })).toThrow(
      'channelDot: aCenter has shape [3], expected [2]',
    );
  });
});

describe('per-channel affine maps', () => {
  it('channelScaleShift with and without accumulation', () => {
    const y = channelScaleShift(x, T([2, -1]), T([1, 0]));
    expect(Array.from(y.data)).toEqual([3, 5, -3, -4, 11, 17, -6, -7]);
    channelScaleShift(x, null, T([0, 10]), { out: y, accumulate: true });
    expect(Array.from(y.data)).toEqual([4, 7, 10, 10, 16, 25, 10, 10]);
  });

  it('channelCombine: a·α + (b − μ)·β + h in one pass, also into a', () => {
    const a = T([
      [
        [1, 1],
        [1, 1],
      ],
      [
        [2, 2],
        [2, 2],
      ],
    ]);
    const y = channelCombine(a, T([3, -1]), x, T([0.5, 2]), { center: mean, shift: T([1, 0]) });
    // channel 0: 3a + (x − 4)/2 + 1; channel 1: −a + 2(x − 5)
    expect(Array.from(y.data)).toEqual([2.5, 3, -5, -3, 7.5, 9, 0, 2]);
    channelCombine(a, T([1, 1]), x, T([1, 1]), { out: a });
    expect(Array.from(a.data)).toEqual([2, 3, 4, 5, 7, 10, 8, 9]);
    expect(() => channelCombine(x, T([1]), x, T([1, 1]))).toThrow(
      'channelCombine: alpha has shape [1], expected [2]',
    );
  });
});

describe('dropout', () => {
  it('draws the mask as uniform() < p in element order, multiplies, and leaves the generator where the draws end', () => {
    const input = rand([5, 3, 7, 11], 4); // 1155 elements: a SIMD tail
    const rng = new Random(21);
    const twin = Random.fromState(rng.getState());
    const mask = new Tensor(input.shape);
    const y = dropout(input, mask, 0.3, rng);
    const keep = Math.fround(1 / 0.7);
    for (let i = 0; i < input.size; i++) {
      const m = twin.uniform() < 0.3 ? 0 : keep;
      if (mask.data[i] !== m || y.data[i] !== Math.fround(input.data[i] * m)) {
        expect.fail(`element ${i}: mask ${mask.data[i]}, y ${y.data[i]}; expected mask ${m}`);
      }
    }
    expect(rng.getState()).toEqual(twin.getState());
  });

  it('p = 0 keeps everything and p = 1 drops everything, drawing nothing', () => {
    const rng = new Random(5);
    const before = rng.getState();
    const mask = new Tensor([2, 3]);
    const input = T([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(Array.from(dropout(input, mask, 0, rng).data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(dropout(input, mask, 1, rng).data)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(mask.data)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(rng.getState()).toEqual(before);
  });

  it('runs in place and refuses a mask that overlaps the input or a wrong shape', () => {
    const input = T([1, 2, 3, 4]);
    const mask = new Tensor([4]);
    const twin = new Random(8);
    const out = dropout(input, mask, 0.5, new Random(8), { out: input, scale: 2 });
    expect(out).toBe(input);
    const want = [1, 2, 3, 4].map((v) => (twin.uniform() < 0.5 ? 0 : 2 * v));
    expect(Array.from(input.data)).toEqual(want);
    expect(() => dropout(input, input, 0.5, new Random(1))).toThrow('dropout: mask must not overlap x');
    expect(() => dropout(input, new Tensor([3]), 0.5, new Random(1))).toThrow(
      'dropout: mask has shape [3], expected [4]',
    );
    expect(() => dropout(input, mask, 1.5, new Random(1))).toThrow('p must be in [0, 1]');
  });
});
