/**
 * The js backend's training kernels: activations and their backward, bias, axpby, batch norm,
 * dropout, optimizer updates, and the small utilities (copy, fill, sumSquares, countCorrect).
 */
import { describe, expect, it } from 'vitest';
import type { ActivationOp, AdamHyper, RmspropHyper, SgdHyper } from '../src/backend.js';
import { JsBackend } from '../src/backends/js/index.js';
import { Random } from '../src/random.js';
import { IntTensor, Tensor } from '../src/tensor.js';
import { expectClose, rand } from './helpers.js';

const js = new JsBackend();
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

describe('batch norm vs a naive formulation', () => {
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
      const rm = T(new Array(C).fill(0.5));
      const rv = T(new Array(C).fill(2));
      const y = new Tensor(x.shape);
      const sm = new Tensor([C]);
      const si = new Tensor([C]);
      const eps = 1e-5;
      js.batchNorm(x, gamma, beta, rm, rv, y, sm, si, { training: true, momentum: 0.1, eps });
      const { mean, varB, count } = stats(x);
      const inner = x.size / (shape[0] * C);
      const refY = Array.from(x.data, (v, i) => {
        const c = Math.floor(i / inner) % C;
        return (gamma.data[c] * (v - mean[c])) / Math.sqrt(varB[c] + eps) + beta.data[c];
      });
      expectClose(y.data, refY, 1e-5);
      expectClose(sm.data, mean);
      expectClose(
        si.data,
        varB.map((v) => 1 / Math.sqrt(v + eps)),
      );
      expectClose(
        rm.data,
        mean.map((m) => 0.9 * 0.5 + 0.1 * m),
      );
      expectClose(
        rv.data,
        varB.map((v) => 0.9 * 2 + (0.1 * v * count) / (count - 1)),
      );

      // Backward against finite differences of L = Σ y·r.
      const r = rand(shape, 4);
      const dx = new Tensor(x.shape);
      const dg = T(new Array(C).fill(1));
      const db = T(new Array(C).fill(0));
      js.batchNormBackward(x, r, gamma, sm, si, dx, dg, db, true);
      const loss = (): number => {
        const yy = new Tensor(x.shape);
        const scratch = [T(new Array(C).fill(0)), T(new Array(C).fill(1)), new Tensor([C]), new Tensor([C])];
        js.batchNorm(x, gamma, beta, scratch[0], scratch[1], yy, scratch[2], scratch[3], {
          training: true,
          momentum: 0.1,
          eps,
        });
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
        expect(dg.data[c] - 1).toBeCloseTo(fd(gamma, c), 2);
        expect(db.data[c]).toBeCloseTo(fd(beta, c), 2);
      }
    });
  }

  it('eval uses the running statistics, and its backward is affine', () => {
    const x = T([1, 2, 3, 4], [2, 2]);
    const y = new Tensor([2, 2]);
    const sm = new Tensor([2]);
    const si = new Tensor([2]);
    const rm = T([1, 2]);
    const rv = T([4, 0.25]);
    js.batchNorm(x, T([2, 1]), T([0, 10]), rm, rv, y, sm, si, { training: false, momentum: 0.1, eps: 0 });
    expect(y.toArray()).toEqual([
      [0, 10],
      [2, 14],
    ]);
    expect(Array.from(rm.data)).toEqual([1, 2]); // untouched
    const dx = new Tensor([2, 2]);
    const dg = T([0, 0]);
    const db = T([0, 0]);
    js.batchNormBackward(x, T([1, 1, 1, 1], [2, 2]), T([2, 1]), sm, si, dx, dg, db, false);
    expect(Array.from(dx.data)).toEqual([1, 2, 1, 2]);
    expect(Array.from(db.data)).toEqual([2, 2]);
    expect(Array.from(dg.data)).toEqual([0 + 1, 0 + 4]); // Σ dy·x̂, x̂ = (x − running mean)·invStd
  });

  it('refuses to train on one value per channel', () => {
    const one = new Tensor([1, 2]).fill(1);
    const c = () => new Tensor([2]).fill(0);
    expect(() =>
      js.batchNorm(one, c(), c(), c(), c(), new Tensor([1, 2]), c(), c(), {
        training: true,
        momentum: 0.1,
        eps: 1e-5,
      }),
    ).toThrow('batchNorm: training needs more than 1 value per channel, got input of shape [1, 2]');
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

describe('optimizer updates vs hand-computed PyTorch steps', () => {
  it('SGD: plain, weight decay, momentum (first step copies the gradient), dampening, Nesterov', () => {
    // Hand-worked: p = 1, g = 0.5, lr 0.1, μ 0.9, wd 0.01.
    const p = T([1]);
    const b = new Tensor([1]).fill(Number.NaN); // ignored on the first step
    const h: SgdHyper = {
      lr: 0.1,
      momentum: 0.9,
      dampening: 0,
      nesterov: false,
      weightDecay: 0.01,
      firstStep: true,
    };
    js.sgdUpdate(p, T([0.5]), b, h);
    expect(b.data[0]).toBeCloseTo(0.51, 6); // g + wd·p
    expect(p.data[0]).toBeCloseTo(0.949, 6);
    js.sgdUpdate(p, T([0.5]), b, { ...h, firstStep: false });
    // g' = 0.5 + 0.01·0.949 = 0.50949; b = 0.9·0.51 + 0.50949 = 0.96849; p = 0.949 − 0.096849
    expect(b.data[0]).toBeCloseTo(0.96849, 6);
    expect(p.data[0]).toBeCloseTo(0.852151, 6);

    const q = T([1]);
    js.sgdUpdate(q, T([0.5]), null, { ...h, momentum: 0, weightDecay: 0 });
    expect(q.data[0]).toBeCloseTo(0.95, 7);

    // Nesterov with dampening 0.5, second step: b = 0.9·0.5 + 0.5·0.5 = 0.7; g = 0.5 + 0.9·0.7 = 1.13
    const n = T([2]);
    const nb = T([0.5]);
    js.sgdUpdate(n, T([0.5]), nb, { ...h, weightDecay: 0, nesterov: true, dampening: 0.5, firstStep: false });
    expect(nb.data[0]).toBeCloseTo(0.7, 6);
    expect(n.data[0]).toBeCloseTo(2 - 0.113, 6);
  });

  /** Scalar Adam from the PyTorch documentation, in float64. */
  function refAdam(p: number, grads: number[], h: Omit<AdamHyper, 'step'>): number {
    let m = 0;
    let v = 0;
    let vmax = 0;
    grads.forEach((g0, t0) => {
      const t = t0 + 1;
      let g = g0;
      if (h.decoupledWeightDecay) p *= 1 - h.lr * h.weightDecay;
      else g += h.weightDecay * p;
      m = h.beta1 * m + (1 - h.beta1) * g;
      v = h.beta2 * v + (1 - h.beta2) * g * g;
      const mHat = m / (1 - h.beta1 ** t);
      vmax = Math.max(vmax, v);
      const vHat = (h.amsgrad ? vmax : v) / (1 - h.beta2 ** t);
      p -= (h.lr * mHat) / (Math.sqrt(vHat) + h.eps);
    });
    return p;
  }

  it('Adam: the first step moves by ≈ lr·sign(g) (hand-worked)', () => {
    const p = T([1, -1]);
    const hyper: AdamHyper = {
      lr: 0.1,
      beta1: 0.9,
      beta2: 0.999,
      eps: 1e-8,
      weightDecay: 0,
      decoupledWeightDecay: false,
      amsgrad: false,
      step: 1,
    };
    js.adamUpdate(p, T([0.5, -3]), new Tensor([2]).fill(0), new Tensor([2]).fill(0), null, hyper);
    expectClose(p.data, [0.9, -0.9], 1e-6);
  });

  for (const variant of [
    { decoupledWeightDecay: false, amsgrad: false, weightDecay: 0 },
    { decoupledWeightDecay: false, amsgrad: false, weightDecay: 0.1 },
    { decoupledWeightDecay: true, amsgrad: false, weightDecay: 0.1 },
    { decoupledWeightDecay: true, amsgrad: true, weightDecay: 0.01 },
    { decoupledWeightDecay: false, amsgrad: true, weightDecay: 0 },
  ]) {
    it(`Adam ${JSON.stringify(variant)}: four steps match the documented algorithm`, () => {
      const h = { lr: 0.01, beta1: 0.8, beta2: 0.95, eps: 1e-6, ...variant };
      const grads = [0.3, -1.2, 0.05, 2];
      const p = T([0.7]);
      const m = T([0]);
      const v = T([0]);
      const vmax = variant.amsgrad ? T([0]) : null;
      grads.forEach((g, i) => {
        js.adamUpdate(p, T([g]), m, v, vmax, { ...h, step: i + 1 });
      });
      expect(p.data[0]).toBeCloseTo(refAdam(0.7, grads, h), 6);
    });
  }

  /** Scalar RMSprop from the PyTorch documentation, in float64. */
  function refRmsprop(p: number, grads: number[], h: RmspropHyper): number {
    let v = 0;
    let gAvg = 0;
    let buf = 0;
    for (const g0 of grads) {
      const g = g0 + h.weightDecay * p;
      v = h.alpha * v + (1 - h.alpha) * g * g;
      let vt = v;
      if (h.centered) {
        gAvg = h.alpha * gAvg + (1 - h.alpha) * g;
        vt = v - gAvg * gAvg;
      }
      if (h.momentum > 0) {
        buf = h.momentum * buf + g / (Math.sqrt(vt) + h.eps);
        p -= h.lr * buf;
      } else {
        p -= (h.lr * g) / (Math.sqrt(vt) + h.eps);
      }
    }
    return p;
  }

  it('RMSprop: hand-worked first step', () => {
    // v = 0.01·0.25 = 0.0025, √v = 0.05, p = 1 − 0.01·0.5/0.05 = 0.9
    const p = T([1]);
    js.rmspropUpdate(p, T([0.5]), T([0]), null, null, {
      lr: 0.01,
      alpha: 0.99,
      eps: 0,
      weightDecay: 0,
      momentum: 0,
      centered: false,
    });
    expect(p.data[0]).toBeCloseTo(0.9, 6);
  });

  for (const variant of [
    { momentum: 0, centered: false, weightDecay: 0 },
    { momentum: 0.9, centered: false, weightDecay: 0.1 },
    { momentum: 0, centered: true, weightDecay: 0 },
    { momentum: 0.5, centered: true, weightDecay: 0.01 },
  ]) {
    it(`RMSprop ${JSON.stringify(variant)}: four steps match the documented algorithm`, () => {
      const h: RmspropHyper = { lr: 0.01, alpha: 0.9, eps: 1e-6, ...variant };
      const grads = [0.3, -1.2, 0.05, 2];
      const p = T([0.7]);
      const v = T([0]);
      const buf = variant.momentum > 0 ? T([0]) : null;
      const gAvg = variant.centered ? T([0]) : null;
      for (const g of grads) js.rmspropUpdate(p, T([g]), v, buf, gAvg, h);
      expect(p.data[0]).toBeCloseTo(refRmsprop(0.7, grads, h), 5);
    });
  }

  it('Adagrad: hand-worked steps with lr decay and weight decay', () => {
    // step 1: g = 0.5 + 0.1·1 = 0.6; sum = 0.36; p = 1 − 0.1·0.6/0.6 = 0.9
    // step 2: clr = 0.1/(1 + 0.5) ; g = 0.5 + 0.09 = 0.59; sum = 0.36 + 0.3481 = 0.7081
    const p = T([1]);
    const s = T([0]);
    const h = { lr: 0.1, lrDecay: 0.5, weightDecay: 0.1, eps: 0, step: 1 };
    js.adagradUpdate(p, T([0.5]), s, h);
    expect(p.data[0]).toBeCloseTo(0.9, 6);
    js.adagradUpdate(p, T([0.5]), s, { ...h, step: 2 });
    expect(s.data[0]).toBeCloseTo(0.7081, 6);
    expect(p.data[0]).toBeCloseTo(0.9 - ((0.1 / 1.5) * 0.59) / Math.sqrt(0.7081), 6);
  });
});
