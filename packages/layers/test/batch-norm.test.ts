/**
 * Batch normalisation (composed of per-channel reductions and scale-shifts) against a naive float64
 * formulation: forward, running statistics, and backward against finite differences.
 */
import { Random, Tensor, listBackends, setBackend } from '@scratchnet/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { BatchNorm1d, BatchNorm2d, type Layer } from '../src/index.js';

const T = Tensor.fromArray;

function rand(shape: number[], seed: number): Tensor {
  const t = new Tensor(shape);
  new Random(seed).fillUniform(t.data, -1, 1);
  return t;
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol = 1e-5, rtol = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const ok = Math.abs(actual[i] - expected[i]) <= atol + rtol * Math.abs(expected[i]);
    if (!ok) throw new Error(`element ${i}: got ${actual[i]}, expected ${expected[i]}`);
  }
}

/** Per-channel statistics of x [N, C, inner], in float64. */
function stats(x: Tensor): { mean: number[]; varB: number[]; count: number } {
  const [N, C] = x.shape;
  const inner = x.size / (N * C);
  const mean: number[] = [];
  const varB: number[] = [];
  for (let c = 0; c < C; c++) {
    const vals: number[] = [];
    for (let n = 0; n < N; n++) for (let i = 0; i < inner; i++) vals.push(x.data[(n * C + c) * inner + i]);
    const m = vals.reduce((s, v) => s + v, 0) / vals.length;
    mean.push(m);
    varB.push(vals.reduce((s, v) => s + (v - m) ** 2, 0) / vals.length);
  }
  return { mean, varB, count: N * inner };
}

/** A built batch-norm layer for per-sample `shape`, with γ, β and running statistics set. */
function layer(shape: number[], gamma: Tensor, beta: Tensor, rm: number[], rv: number[], eps = 1e-5): Layer {
  const bn = shape.length === 3 ? new BatchNorm2d({ eps }) : new BatchNorm1d({ eps });
  bn.build(shape, new Random(0));
  const [w, b] = bn.parameters();
  w.value.data.set(gamma.data);
  b.value.data.set(beta.data);
  const [m, v] = bn.buffers();
  m.value.data.set(rm);
  v.value.data.set(rv);
  return bn;
}

describe('batch norm vs a naive formulation', () => {
  for (const shape of [
    [4, 3],
    [2, 3, 2, 5],
  ]) {
    it(`training forward, running stats and backward for [${shape}]`, () => {
      const x = rand(shape, 1);
      for (let i = 0; i < x.size; i++) x.data[i] = x.data[i] * 3 + 1; // non-zero mean
      const C = shape[1];
      const gamma = rand([C], 2);
      const beta = rand([C], 3);
      const eps = 1e-5;
      const bn = layer(shape.slice(1), gamma, beta, new Array(C).fill(0.5), new Array(C).fill(2), eps);
      const y = bn.forward(x, { training: true });
      const { mean, varB, count } = stats(x);
      const inner = x.size / (shape[0] * C);
      const refY = Array.from(x.data, (v, i) => {
        const c = Math.floor(i / inner) % C;
        return (gamma.data[c] * (v - mean[c])) / Math.sqrt(varB[c] + eps) + beta.data[c];
      });
      expectClose(y.data, refY, 1e-5);
      const [rm, rv, tracked] = bn.buffers();
      expectClose(
        rm.value.data,
        mean.map((m) => 0.9 * 0.5 + 0.1 * m),
      );
      expectClose(
        rv.value.data,
        varB.map((v) => 0.9 * 2 + (0.1 * v * count) / (count - 1)),
      );
      expect(tracked.value.data[0]).toBe(1);

      // Backward against finite differences of L = Σ y·r; parameter gradients accumulate.
      const r = rand(shape, 4);
      const [w, b] = bn.parameters();
      w.grad.data.fill(1);
      b.grad.data.fill(0);
      const dx = bn.backward(r);
      const loss = (): number => {
        const yy = layer(
          shape.slice(1),
          gamma,
          beta,
          new Array(C).fill(0),
          new Array(C).fill(1),
          eps,
        ).forward(x, { training: true });
        let s = 0;
        for (let i = 0; i < yy.size; i++) s += yy.data[i] * r.data[i];
        return s;
      };
      const h = 1e-2;
      const fd = (t: Tensor, i: number): number => {
        const keep = t.data[i];
        t.data[i] = keep + h;
        const up = loss();
        t.data[i] = keep - h;
        const down = loss();
        t.data[i] = keep;
        return (up - down) / (2 * h);
      };
      for (const i of [0, 1, x.size - 1]) expect(dx.data[i]).toBeCloseTo(fd(x, i), 2);
      for (let c = 0; c < C; c++) {
        expect(w.grad.data[c] - 1).toBeCloseTo(fd(gamma, c), 2);
        expect(b.grad.data[c]).toBeCloseTo(fd(beta, c), 2);
      }
    });
  }

  it('eval uses the running statistics, and its backward is affine', () => {
    const x = T([1, 2, 3, 4], [2, 2]);
    // eps must be positive; 1e-30 vanishes next to the variances in float32.
    const bn = layer([2], T([2, 1]), T([0, 10]), [1, 2], [4, 0.25], 1e-30);
    const y = bn.forward(x);
    expect(y.toArray()).toEqual([
      [0, 10],
      [2, 14],
    ]);
    const [rm, , tracked] = bn.buffers();
    expect(Array.from(rm.value.data)).toEqual([1, 2]); // untouched
    expect(tracked.value.data[0]).toBe(0);
    const dx = bn.backward(T([1, 1, 1, 1], [2, 2]));
    const [w, b] = bn.parameters();
    expect(Array.from(dx.data)).toEqual([1, 2, 1, 2]);
    expect(Array.from(b.grad.data)).toEqual([2, 2]);
    expect(Array.from(w.grad.data)).toEqual([0 + 1, 0 + 4]); // Σ dy·x̂, x̂ = (x − running mean)·invStd
  });
});

describe.each(listBackends())('batch norm matches the float64 formulas (%s backend)', (backend) => {
  beforeAll(() => {
    setBackend(backend);
  });

  // [64, 8, 9, 9] is past the wasm backend's parallel threshold; the others have SIMD tails.
  for (const shape of [
    [64, 8, 9, 9],
    [16, 6],
    [3, 5, 7],
  ]) {
    it(`training forward and backward for [${shape}]`, () => {
      const x = rand(shape, 5);
      for (let i = 0; i < x.size; i++) x.data[i] = x.data[i] * 2 + 3; // a mean well away from 0
      const C = shape[1];
      const gamma = rand([C], 6);
      const beta = rand([C], 7);
      const bn = layer(shape.slice(1), gamma, beta, new Array(C).fill(0), new Array(C).fill(1));
      const y = bn.forward(x, { training: true });
      const { mean, varB, count } = stats(x);
      const inner = x.size / (shape[0] * C);
      const ch = (i: number): number => Math.floor(i / inner) % C;
      const invStd = varB.map((v) => 1 / Math.sqrt(v + 1e-5));
      const xhat = Array.from(x.data, (v, i) => (v - mean[ch(i)]) * invStd[ch(i)]);
      expectClose(
        y.data,
        xhat.map((v, i) => gamma.data[ch(i)] * v + beta.data[ch(i)]),
        1e-5,
        1e-4,
      );
      const dy = rand(shape, 8);
      const sumDy = new Array<number>(C).fill(0);
      const sumDyXhat = new Array<number>(C).fill(0);
      for (let i = 0; i < x.size; i++) {
        sumDy[ch(i)] += dy.data[i];
        sumDyXhat[ch(i)] += dy.data[i] * xhat[i];
      }
      const dx = bn.backward(dy);
      const [w, b] = bn.parameters();
      expectClose(b.grad.data, sumDy, 1e-4, 1e-5);
      expectClose(w.grad.data, sumDyXhat, 1e-4, 1e-5);
      const refDx = Array.from(dy.data, (d, i) => {
        const c = ch(i);
        return ((gamma.data[c] * invStd[c]) / count) * (count * d - sumDy[c] - xhat[i] * sumDyXhat[c]);
      });
      expectClose(dx.data, refDx, 1e-4, 1e-4);
    });
  }
});
