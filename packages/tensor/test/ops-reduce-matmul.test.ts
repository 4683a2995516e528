import { describe, expect, it } from 'vitest';
import { argmax, gemm, matmul, max, mean, min, sum, sumToShape } from '../src/ops/index.js';
import { IntTensor, Tensor } from '../src/tensor.js';
import { expectClose, rand, useTestBackend } from './helpers.js';
import { naiveGemm } from './naive.js';

useTestBackend();

const T = Tensor.fromArray;

describe('reductions', () => {
  const x = T([
    [
      [1, 5, 2],
      [7, 0, 3],
    ],
    [
      [-1, 4, 9],
      [2, 2, -8],
    ],
  ]); // [2, 2, 3]

  it('reduce along each axis (hand-worked)', () => {
    expect(sum(x, 0).toArray()).toEqual([
      [0, 9, 11],
      [9, 2, -5],
    ]);
    expect(sum(x, 1).toArray()).toEqual([
      [8, 5, 5],
      [1, 6, 1],
    ]);
    expect(sum(x, -1).toArray()).toEqual([
      [8, 10],
      [12, -4],
    ]);
    expect(mean(x, 2).toArray()).toEqual([[8 / 3, 10 / 3].map(Math.fround), [4, -4 / 3].map(Math.fround)]);
    expect(max(x, 1).toArray()).toEqual([
      [7, 5, 3],
      [2, 4, 9],
    ]);
    expect(min(x, 0).toArray()).toEqual([
      [-1, 4, 2],
      [2, 0, -8],
    ]);
    expect(argmax(x, 2).toArray()).toEqual([
      [1, 0],
      [2, 0],
    ]);
    expect(argmax(x, 0)).toBeInstanceOf(IntTensor);
  });

  it('reduces everything when no axis is given, and keeps dims on request', () => {
    expect(sum(x).shape).toEqual([]);
    expect(sum(x).item()).toBe(26);
    expect(mean(x).item()).toBe(Math.fround(26 / 12));
    expect(max(x).item()).toBe(9);
    expect(min(x).item()).toBe(-8);
    expect(argmax(x).item()).toBe(8);
    expect(sum(x, undefined, { keepDims: true }).shape).toEqual([1, 1, 1]);
    expect(sum(x, 1, { keepDims: true }).shape).toEqual([2, 1, 3]);
    expect(argmax(x, 1, { keepDims: true }).toArray()).toEqual([[[1, 0, 1]], [[1, 0, 0]]]);
  });

  it('argmax takes the first maximum; NaN propagates in max and wins argmax', () => {
    expect(argmax(T([3, 1, 3, 3])).item()).toBe(0);
    const withNaN = T([1, Number.NaN, 5, Number.NaN]);
    expect(max(withNaN).item()).toBeNaN();
    expect(min(withNaN).item()).toBeNaN();
    expect(argmax(withNaN).item()).toBe(1);
  });

  it('handles empty axes as NumPy does', () => {
    const e = new Tensor([2, 0]);
    expect(Array.from(sum(e, 1).data)).toEqual([0, 0]);
    expect(mean(e, 1).data[0]).toBeNaN();
    expect(sum(e, 0).shape).toEqual([0]);
    expect(() => max(e, 1)).toThrow('max: cannot reduce an empty axis of [2, 0] (no identity)');
    expect(() => argmax(e, 1)).toThrow('argmax: cannot reduce an empty axis of [2, 0]');
  });

  it('validates axis and out', () => {
    expect(() => sum(x, 3)).toThrow('sum: axis 3 is out of range for a tensor of rank 3');
    expect(() => sum(x, -4)).toThrow(/axis -4 is out of range/);
    expect(() => sum(x, 0, { out: new Tensor([3]) })).toThrow('sum: out has shape [3], expected [2, 3]');
    const out = new Tensor([2, 3]);
    expect(sum(x, 0, { out })).toBe(out);
  });

  it('sums in float64 (no float32 drift over many elements)', () => {
    const t = new Tensor([1 << 20]).fill(0.1);
    expect(sum(t).item()).toBeCloseTo(Math.fround(0.1) * (1 << 20), 0);
    expect(Math.abs(sum(t).item() - Math.fround(Math.fround(0.1) * (1 << 20)))).toBeLessThan(0.01);
  });
});

describe('sumToShape (the backward of broadcasting)', () => {
  const cases: [number[], number[]][] = [
    [
      [2, 3],
      [2, 3],
    ],
    [[2, 3], [3]],
    [
      [2, 3],
      [1, 3],
    ],
    [
      [2, 3],
      [2, 1],
    ],
    [[2, 3], []],
    [
      [2, 3],
      [1, 1],
    ],
    [
      [4, 2, 3],
      [2, 1],
    ],
    [
      [4, 2, 3],
      [4, 1, 3],
    ],
    [
      [3, 1, 5],
      [1, 5],
    ],
  ];
  for (const [from, to] of cases) {
    it(`[${from}] → [${to}]`, () => {
      const x = rand(from, 4);
      const r = sumToShape(x, to);
      expect(r.shape).toEqual(to);
      // Reference: add each element of x to the position it was broadcast from.
      const ref = new Array<number>(r.size).fill(0);
      const lead = from.length - to.length;
      for (let f = 0; f < x.size; f++) {
        let rem = f;
        const idx: number[] = [];
        for (let i = from.length - 1; i >= 0; i--) {
          idx[i] = rem % from[i];
          rem = Math.floor(rem / from[i]);
        }
        let t = 0;
        for (let i = 0; i < to.length; i++) t = t * to[i] + (to[i] === 1 ? 0 : idx[i + lead]);
        ref[t] += x.data[f];
      }
      expectClose(r.data, ref);
    });
  }

  it('rejects shapes that do not broadcast to the input', () => {
    expect(() => sumToShape(new Tensor([2, 3]), [2])).toThrow(
      'sumToShape: [2] does not broadcast to the input shape [2, 3]',
    );
    expect(() => sumToShape(new Tensor([3]), [2, 3])).toThrow(
      /\[2, 3\] does not broadcast to the input shape \[3\]/,
    );
  });
});

describe('matmul', () => {
  it('multiplies matrices (hand-worked)', () => {
    const a = T([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const b = T([
      [7, 8],
      [9, 10],
      [11, 12],
    ]);
    expect(matmul(a, b).toArray()).toEqual([
      [58, 64],
      [139, 154],
    ]);
  });

  it('follows NumPy for 1-D operands', () => {
    expect(matmul(T([1, 2, 3]), T([4, 5, 6])).shape).toEqual([]);
    expect(matmul(T([1, 2, 3]), T([4, 5, 6])).item()).toBe(32);
    const m = T([
      [1, 2],
      [3, 4],
    ]);
    expect(matmul(T([1, 1]), m).toArray()).toEqual([4, 6]);
    expect(matmul(m, T([1, 1])).toArray()).toEqual([3, 7]);
  });

  it('broadcasts batch axes', () => {
    const a = rand([2, 1, 3, 4], 1);
    const b = rand([5, 4, 2], 2);
    const c = matmul(a, b);
    expect(c.shape).toEqual([2, 5, 3, 2]);
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 5; j++) {
        const ref = naiveGemm(
          false,
          false,
          3,
          2,
          4,
          1,
          a.data.subarray(i * 12, i * 12 + 12),
          b.data.subarray(j * 8, j * 8 + 8),
          0,
          [],
        );
        expectClose(c.data.subarray((i * 5 + j) * 6, (i * 5 + j + 1) * 6), ref);
      }
    expect(matmul(rand([3, 4], 1), rand([2, 4, 5], 2)).shape).toEqual([2, 3, 5]);
  });

  it('names both shapes on mismatch', () => {
    expect(() => matmul(new Tensor([2, 3]), new Tensor([4, 5]))).toThrow(
      'matmul: shapes [2, 3] and [4, 5] are not aligned (3 vs 4)',
    );
    expect(() => matmul(new Tensor([]), new Tensor([3]))).toThrow(/need at least 1 axis, got \[\] and \[3\]/);
    expect(() => matmul(new Tensor([2, 2, 3]), new Tensor([3, 3, 1]))).toThrow(
      'matmul: shapes [2] and [3] cannot be broadcast together (axis 0: 2 vs 3)',
    );
  });
});

describe('gemm', () => {
  for (const transA of [false, true])
    for (const transB of [false, true])
      it(`transA=${transA} transB=${transB} with α, β and an existing C`, () => {
        const [m, n, k] = [5, 3, 7];
        const a = rand(transA ? [k, m] : [m, k], 1);
        const b = rand(transB ? [n, k] : [k, n], 2);
        const c = rand([m, n], 3);
        const ref = naiveGemm(transA, transB, m, n, k, 0.5, a.data, b.data, -2, c.data);
        expect(gemm(a, b, { transA, transB, alpha: 0.5, beta: -2, c })).toBe(c);
        expectClose(c.data, ref);
        const fresh = gemm(a, b, { transA, transB, beta: 3 }); // no c: β is ignored
        expectClose(fresh.data, naiveGemm(transA, transB, m, n, k, 1, a.data, b.data, 0, []));
      });

  it('β = 0 ignores NaN in c', () => {
    const c = new Tensor([2, 2]).fill(Number.NaN);
    gemm(
      T([
        [1, 2],
        [3, 4],
      ]),
      T([
        [1, 0],
        [0, 1],
      ]),
      { c },
    );
    expect(c.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('names the operands and shapes in its errors', () => {
    expect(() => gemm(new Tensor([2, 3]), new Tensor([2, 3]))).toThrow(
      'gemm: op(a) of [2, 3] and op(b) of [2, 3] are not aligned (3 vs 2)',
    );
    expect(() =>
      gemm(new Tensor([2, 3]), new Tensor([2, 3]), { transB: true, c: new Tensor([3, 2]) }),
    ).toThrow('gemm: c has shape [3, 2], expected [2, 2]');
    expect(() => gemm(new Tensor([6]), new Tensor([6, 1]))).toThrow(
      'gemm: a and b must be matrices, got [6] and [6, 1]',
    );
    const a = T([
      [1, 2],
      [3, 4],
    ]);
    expect(() => gemm(a, a, { c: a })).toThrow('gemm: c must not overlap a');
  });
});
