import type { Tensor } from '../tensor.js';
import { assertFloat, assertNoAlias, expectShape } from './check.js';
import { defineKernel } from './kernel.js';

/** Arguments of {@link sgdUpdate}: one SGD step of one parameter (PyTorch's `torch.optim.SGD`). */
export interface SgdUpdateArgs {
  /** θ, updated in place. */
  param: Tensor;
  /** ∇θ, same shape (read only). */
  grad: Tensor;
  /** The momentum buffer b (same shape, updated in place), or null when μ = 0. */
  buffer: Tensor | null;
  /** Learning rate γ of this step. */
  lr: number;
  /** Momentum μ. */
  momentum: number;
  /** Dampening τ. */
  dampening: number;
  /** L2 penalty λ (0: none). */
  weightDecay: number;
  /** Nesterov momentum. */
  nesterov: boolean;
  /** The first step: b ← g rather than μ·b + (1 − τ)·g. */
  first: boolean;
}

/**
 * One pass of SGD over a parameter, the same arithmetic as the op sequence it fuses (each step
 * rounded to float32, as `axpby` would store it):
 *
 * ```text
 * g ← λ·θ + ∇θ                                (λ ≠ 0)
 * b ← g (first step) or (1 − τ)·g + μ·b       (with a buffer)
 * g ← μ·b + g (Nesterov) or b                 (with a buffer)
 * θ ← −γ·g + θ
 * ```
 */
export const sgdUpdate = defineKernel<SgdUpdateArgs>('sgdUpdate', {
  validate({ param, grad, buffer }) {
    const op = 'sgdUpdate';
    assertFloat(op, 'param', param);
    assertFloat(op, 'grad', grad);
    expectShape(op, 'grad', grad, param.shape);
    assertNoAlias(op, param, grad, 'grad', false, 'param');
    if (buffer !== null) {
      assertFloat(op, 'buffer', buffer);
      expectShape(op, 'buffer', buffer, param.shape);
      assertNoAlias(op, buffer, grad, 'grad', false, 'buffer');
      assertNoAlias(op, buffer, param, 'param', false, 'buffer');
    }
  },
  reference({ param, grad, buffer, lr, momentum: mu, dampening, weightDecay: wd, nesterov, first }) {
    const p = param.data;
    const gd = grad.data;
    const b = buffer === null ? null : buffer.data;
    const f = Math.fround;
    const n = param.size;
    for (let i = 0; i < n; i++) {
      let g = wd !== 0 ? f(wd * p[i] + gd[i]) : gd[i];
      if (b !== null) {
        b[i] = first ? g : (1 - dampening) * g + mu * b[i];
        g = nesterov ? f(mu * b[i] + g) : b[i];
      }
      p[i] = -lr * g + p[i];
    }
  },
});
