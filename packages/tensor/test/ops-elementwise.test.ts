import { describe, expect, it } from 'vitest';
import {
  abs,
  add,
  div,
  exp,
  log,
  maximum,
  minimum,
  mul,
  neg,
  relu,
  sigmoid,
  sqrt,
  square,
  sub,
  tanh,
} from '../src/ops/index.js';
import { IntTensor, Tensor } from '../src/tensor.js';
import { expectClose, rand, useTestBackend } from './helpers.js';

useTestBackend();

const T = Tensor.fromArray;

/** NumPy-style broadcast by explicit index arithmetic (independent of the kernel's odometer). */
function naiveBroadcast(
  f: (x: number, y: number) => number,
  a: Tensor,
  b: Tensor,
  outShape: number[],
): number[] {
  const out: number[] = [];
  const size = outShape.reduce((p, d) => p * d, 1);
  const index = (t: Tensor, idx: number[]): number => {
    let flat = 0;
    const lead = outShape.length - t.rank;
    for (let i = 0; i < t.rank; i++) flat = flat * t.shape[i] + (t.shape[i] === 1 ? 0 : idx[i + lead]);
    return flat;
  };
  for (let f0 = 0; f0 < size; f0++) {
    const idx: number[] = [];
    let r = f0;
    for (let i = outShape.length - 1; i >= 0; i--) {
      idx[i] = r % outShape[i];
      r = Math.floor(r / outShape[i]);
    }
    out.push(f(a.data[index(a, idx)], b.data[index(b, idx)]));
  }
  return out;
}

describe('binary ops with NumPy broadcasting', () => {
  it('computes hand-worked values', () => {
    const a = T([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(add(a, T([10, 20, 30])).toArray()).toEqual([
      [11, 22, 33],
      [14, 25, 36],
    ]);
    expect(sub(a, T([[1], [2]])).toArray()).toEqual([
      [0, 1, 2],
      [2, 3, 4],
    ]);
    expect(mul(a, 2).toArray()).toEqual([
      [2, 4, 6],
      [8, 10, 12],
    ]);
    expect(div(6, T([1, 2, 3])).toArray()).toEqual([6, 3, 2]);
    expect(maximum(T([1, 5, -1]), T([3, 2, -2])).toArray()).toEqual([3, 5, -1]);
    expect(minimum(T([1, 5, -1]), 0).toArray()).toEqual([0, 0, -1]);
  });

  const cases: [number[], number[], number[]][] = [
    [[], [], []],
    [[], [2, 3], [2, 3]],
    [[2, 3], [], [2, 3]],
    [
      [2, 1],
      [1, 3],
      [2, 3],
    ],
    [
      [1, 3],
      [2, 1],
      [2, 3],
    ],
    [[3], [2, 4, 3], [2, 4, 3]],
    [
      [4, 1],
      [2, 1, 5],
      [2, 4, 5],
    ],
    [
      [2, 1, 3, 1],
      [4, 1, 5],
      [2, 4, 3, 5],
    ],
    [
      [1, 1],
      [1, 1],
      [1, 1],
    ],
    [
      [5, 1, 7],
      [1, 6, 1],
      [5, 6, 7],
    ],
    [
      [0, 3],
      [1, 3],
      [0, 3],
    ],
  ];
  const fns: [string, typeof add, (x: number, y: number) => number][] = [
    ['add', add, (x, y) => x + y],
    ['sub', sub, (x, y) => x - y],
    ['mul', mul, (x, y) => x * y],
    ['div', div, (x, y) => x / y],
    ['maximum', maximum, (x, y) => Math.max(x, y)],
    ['minimum', minimum, (x, y) => Math.min(x, y)],
  ];
  for (const [sa, sb, so] of cases) {
    it(`broadcasts [${sa}] with [${sb}] to [${so}]`, () => {
      const a = rand(sa, 1);
      const b = rand(sb, 2);
      for (const [name, op, f] of fns) {
        const out = op(a, b);
        expect(out.shape, name).toEqual(so);
        expectClose(out.data, naiveBroadcast(f, a, b, so));
      }
    });
  }

  it('writes into out, including in place into an operand', () => {
    const a = T([1, 2, 3]);
    const out = new Tensor([3]);
    expect(add(a, 1, out)).toBe(out);
    expect(out.toArray()).toEqual([2, 3, 4]);
    mul(a, T([2, 2, 2]), a);
    expect(a.toArray()).toEqual([2, 4, 6]);
    const m = T([
      [1, 2],
      [3, 4],
    ]);
    sub(m, T([1, 2]), m);
    expect(m.toArray()).toEqual([
      [0, 0],
      [2, 2],
    ]);
  });

  it('propagates NaN through maximum and minimum, as NumPy', () => {
    const r = maximum(T([Number.NaN, 1]), T([0, Number.NaN]));
    expect(r.data[0]).toBeNaN();
    expect(r.data[1]).toBeNaN();
    const s = minimum(T([Number.NaN, 1]), T([0, Number.NaN]));
    expect(s.data[0]).toBeNaN();
    expect(s.data[1]).toBeNaN();
  });

  it('names the op and both shapes when shapes do not broadcast', () => {
    expect(() => add(new Tensor([2, 3]), new Tensor([4]))).toThrow(
      'add: shapes [2, 3] and [4] cannot be broadcast together (axis 1: 3 vs 4)',
    );
    expect(() => mul(new Tensor([2, 1, 3]), new Tensor([4, 3, 3]))).toThrow(
      'mul: shapes [2, 1, 3] and [4, 3, 3] cannot be broadcast together (axis 0: 2 vs 4)',
    );
    expect(() => add(T([1, 2]), T([1, 2]), new Tensor([3]))).toThrow('add: out has shape [3], expected [2]');
  });

  it('rejects an out that overlaps an input other than as the very same tensor', () => {
    const big = T([1, 2, 3, 4]);
    const m = big.reshape([2, 2]);
    expect(() => add(m, T([1, 1]), m)).not.toThrow(); // exact alias: in place
    expect(() =>
      add(
        T([
          [1, 1],
          [1, 1],
        ]),
        big.narrow(0, 2),
        m,
      ),
    ).toThrow('add: out must not overlap b (except as the very same tensor)');
    expect(() => neg(big.narrow(0, 2), big.narrow(1, 2))).toThrow(/neg: out must not overlap x/);
    expect(() => add(new IntTensor([2]) as unknown as Tensor, 1)).toThrow('add: a must be a Tensor');
  });
});

describe('unary ops', () => {
  const x = T([-2, -0.5, 0, 0.5, 3]);
  const cases: [string, (t: Tensor, o?: Tensor) => Tensor, (v: number) => number][] = [
    ['neg', neg, (v) => -v],
    ['abs', abs, Math.abs],
    ['exp', exp, Math.exp],
    ['square', square, (v) => v * v],
    ['relu', relu, (v) => Math.max(v, 0)],
    ['sigmoid', sigmoid, (v) => 1 / (1 + Math.exp(-v))],
    ['tanh', tanh, Math.tanh],
  ];
  for (const [name, op, f] of cases) {
    it(`${name} matches Math`, () => {
      expectClose(op(x).data, Array.from(x.data, f), 1e-6);
    });
  }

  it('log and sqrt follow IEEE at the edges', () => {
    const v = T([4, 1, 0, -1]);
    const l = log(v).data;
    expectClose([l[0], l[1]], [Math.log(4), 0]);
    expect(l[2]).toBe(Number.NEGATIVE_INFINITY);
    expect(l[3]).toBeNaN();
    const s = sqrt(v).data;
    expectClose([s[0], s[1], s[2]], [2, 1, 0]);
    expect(s[3]).toBeNaN();
  });

  it('sigmoid saturates without NaN and relu keeps NaN', () => {
    expect(Array.from(sigmoid(T([-1000, 1000])).data)).toEqual([0, 1]);
    expect(relu(T([Number.NaN])).data[0]).toBeNaN();
    expect(Object.is(relu(T([-0])).data[0], 0)).toBe(true);
  });

  it('works in place and checks out', () => {
    const t = T([-1, 2]);
    expect(relu(t, t)).toBe(t);
    expect(t.toArray()).toEqual([0, 2]);
    expect(() => exp(t, new Tensor([3]))).toThrow('exp: out has shape [3], expected [2]');
  });
});
