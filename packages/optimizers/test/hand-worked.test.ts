/**
 * One-parameter updates against hand-computed PyTorch steps and the documented algorithms in float64:
 * the optimizers are compositions of fused elementwise ops, and these pin their numerics.
 */
import { Tensor } from '@scratchnet/tensor';
import { describe, expect, it } from 'vitest';
import { Adagrad, Adam, AdamW, RMSprop, SGD } from '../src/index.js';
import { expectClose, param } from './helpers.js';

const T = Tensor.fromArray;

describe('optimizer updates vs hand-computed PyTorch steps', () => {
  it('SGD: plain, weight decay, momentum (first step copies the gradient), dampening, Nesterov', () => {
    // Hand-worked: p = 1, g = 0.5, lr 0.1, μ 0.9, wd 0.01.
    const p = param('p', [1], [0.5]);
    const sgd = new SGD([p], { lr: 0.1, momentum: 0.9, weightDecay: 0.01 });
    const buf = () => sgd.stateDict().slots['p.momentum_buffer'].data[0];
    sgd.step();
    expect(buf()).toBeCloseTo(0.51, 6); // g + wd·p
    expect(p.value.data[0]).toBeCloseTo(0.949, 6);
    sgd.step();
    // g' = 0.5 + 0.01·0.949 = 0.50949; b = 0.9·0.51 + 0.50949 = 0.96849; p = 0.949 − 0.096849
    expect(buf()).toBeCloseTo(0.96849, 6);
    expect(p.value.data[0]).toBeCloseTo(0.852151, 6);

    const q = param('q', [1], [0.5]);
    new SGD([q], { lr: 0.1 }).step();
    expect(q.value.data[0]).toBeCloseTo(0.95, 7);

    // Dampening 0.5 with a buffer of 0.5, second step: b = 0.9·0.5 + 0.5·0.5 = 0.7; p = 2 − 0.1·0.7
    const d = param('d', [2], [0.5]);
    const damped = new SGD([d], { lr: 0.1, momentum: 0.9, dampening: 0.5 });
    damped.loadStateDict({ type: 'sgd', step: 1, slots: { 'd.momentum_buffer': T([0.5]) } });
    damped.step();
    expect(damped.stateDict().slots['d.momentum_buffer'].data[0]).toBeCloseTo(0.7, 6);
    expect(d.value.data[0]).toBeCloseTo(2 - 0.07, 6);

    // Nesterov (dampening 0), second step: b = 0.9·0.5 + 0.5 = 0.95; g = 0.5 + 0.9·0.95 = 1.355
    const n = param('n', [2], [0.5]);
    const nesterov = new SGD([n], { lr: 0.1, momentum: 0.9, nesterov: true });
    nesterov.loadStateDict({ type: 'sgd', step: 1, slots: { 'n.momentum_buffer': T([0.5]) } });
    nesterov.step();
    expect(nesterov.stateDict().slots['n.momentum_buffer'].data[0]).toBeCloseTo(0.95, 6);
    expect(n.value.data[0]).toBeCloseTo(2 - 0.1355, 6);
  });

  interface AdamVariant {
    decoupledWeightDecay: boolean;
    amsgrad: boolean;
    weightDecay: number;
  }
  const adamH = { lr: 0.01, beta1: 0.8, beta2: 0.95, eps: 1e-6 };

  /** Scalar Adam from the PyTorch documentation, in float64. */
  function refAdam(p: number, grads: number[], h: typeof adamH & AdamVariant): number {
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
    const p = param('p', [1, -1], [0.5, -3]);
    new Adam([p], { lr: 0.1 }).step();
    expectClose(p.value.data, [0.9, -0.9], 1e-6);
  });

  for (const variant of [
    { decoupledWeightDecay: false, amsgrad: false, weightDecay: 0 },
    { decoupledWeightDecay: false, amsgrad: false, weightDecay: 0.1 },
    { decoupledWeightDecay: true, amsgrad: false, weightDecay: 0.1 },
    { decoupledWeightDecay: true, amsgrad: true, weightDecay: 0.01 },
    { decoupledWeightDecay: false, amsgrad: true, weightDecay: 0 },
  ]) {
    it(`Adam ${JSON.stringify(variant)}: four steps match the documented algorithm`, () => {
      const h = { ...adamH, ...variant };
      const grads = [0.3, -1.2, 0.05, 2];
      const p = param('p', [0.7]);
      const options = {
        lr: h.lr,
        betas: [h.beta1, h.beta2] as const,
        eps: h.eps,
        weightDecay: h.weightDecay,
        amsgrad: h.amsgrad,
      };
      const opt = h.decoupledWeightDecay ? new AdamW([p], options) : new Adam([p], options);
      for (const g of grads) {
        p.grad.data[0] = g;
        opt.step();
      }
      expect(p.value.data[0]).toBeCloseTo(refAdam(0.7, grads, h), 6);
    });
  }

  interface RmspropH {
    lr: number;
    alpha: number;
    eps: number;
    weightDecay: number;
    momentum: number;
    centered: boolean;
  }

  /** Scalar RMSprop from the PyTorch documentation, in float64. */
  function refRmsprop(p: number, grads: number[], h: RmspropH): number {
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
    const p = param('p', [1], [0.5]);
    new RMSprop([p], { lr: 0.01, alpha: 0.99, eps: 0 }).step();
    expect(p.value.data[0]).toBeCloseTo(0.9, 6);
  });

  for (const variant of [
    { momentum: 0, centered: false, weightDecay: 0 },
    { momentum: 0.9, centered: false, weightDecay: 0.1 },
    { momentum: 0, centered: true, weightDecay: 0 },
    { momentum: 0.5, centered: true, weightDecay: 0.01 },
  ]) {
    it(`RMSprop ${JSON.stringify(variant)}: four steps match the documented algorithm`, () => {
      const h: RmspropH = { lr: 0.01, alpha: 0.9, eps: 1e-6, ...variant };
      const grads = [0.3, -1.2, 0.05, 2];
      const p = param('p', [0.7]);
      const opt = new RMSprop([p], h);
      for (const g of grads) {
        p.grad.data[0] = g;
        opt.step();
      }
      expect(p.value.data[0]).toBeCloseTo(refRmsprop(0.7, grads, h), 5);
    });
  }

  it('Adagrad: hand-worked steps with lr decay and weight decay', () => {
    // step 1: g = 0.5 + 0.1·1 = 0.6; sum = 0.36; p = 1 − 0.1·0.6/0.6 = 0.9
    // step 2: clr = 0.1/(1 + 0.5) ; g = 0.5 + 0.09 = 0.59; sum = 0.36 + 0.3481 = 0.7081
    const p = param('p', [1], [0.5]);
    const opt = new Adagrad([p], { lr: 0.1, lrDecay: 0.5, weightDecay: 0.1, eps: 0 });
    opt.step();
    expect(p.value.data[0]).toBeCloseTo(0.9, 6);
    opt.step();
    expect(opt.stateDict().slots['p.sum'].data[0]).toBeCloseTo(0.7081, 6);
    expect(p.value.data[0]).toBeCloseTo(0.9 - ((0.1 / 1.5) * 0.59) / Math.sqrt(0.7081), 6);
  });
});
