import type { Tensor } from '../tensor.js';
import { expectElementwiseOperands } from './check.js';
import { defineKernel } from './kernel.js';

/** Arguments of {@link addcdiv}: out ← β·y + value·a / (d(b) + eps), d(b) = √b·scale or b·scale. */
export interface AddcdivArgs {
  y: Tensor;
  a: Tensor;
  b: Tensor;
  value: number;
  /** Scale of y (1 in PyTorch's `addcdiv`); 0 ignores y's contents. */
  beta: number;
  /** Take √b in the denominator (the adaptive optimizers' `sqrt(v)`). */
  sqrt: boolean;
  /** Multiplies the (rooted) denominator before eps is added (Adam's 1/√(1 − β2ᵗ)). */
  scale: number;
  /** Added to the denominator. */
  eps: number;
  /** Same shape; may be y, a or b itself. */
  out: Tensor;
}

/**
 * out ← β·y + value·a / (d + eps) with d = √b·scale (or b·scale) elementwise: PyTorch's
 * `y.addcdiv_(a, b.sqrt().mul(scale).add(eps), value=value)` fused into one pass, the denominator
 * every adaptive optimizer (Adam, RMSprop, Adagrad) divides by.
 */
export const addcdiv = defineKernel<AddcdivArgs>('addcdiv', {
  validate({ y, a, b, out }) {
    expectElementwiseOperands('addcdiv', { y, a, b, out }, y, out);
  },
  reference({ y, a, b, value, beta, sqrt, scale, eps, out }) {
    const yd = y.data;
    const ad = a.data;
    const bd = b.data;
    const od = out.data;
    const n = out.size;
    for (let i = 0; i < n; i++) {
      const d = (sqrt ? Math.sqrt(bd[i]) : bd[i]) * scale + eps;
      od[i] = (beta === 0 ? 0 : beta * yd[i]) + (value * ad[i]) / d;
    }
  },
});
