import { type AdamOptions, AdamBase } from './adam.js';
import type { Parameter } from './optimizer.js';

/**
 * AdamW (Loshchilov & Hutter), exactly PyTorch's `torch.optim.AdamW`: Adam whose weight decay shrinks
 * the weights directly instead of entering the gradient. At step t (1-based):
 *
 * ```text
 * θ ← θ − γ_t·λ·θ                               (decoupled weight decay, default λ = 0.01)
 * m ← β1·m + (1 − β1)·g
 * v ← β2·v + (1 − β2)·g²
 * m̂ ← m / (1 − β1^t)
 * AMSGrad: v_max ← max(v_max, v);  v̂ ← v_max / (1 − β2^t)
 * else:                            v̂ ← v / (1 − β2^t)
 * θ ← θ − γ_t·m̂ / (√v̂ + ε)
 * ```
 *
 * Slots: `exp_avg`, `exp_avg_sq`, and `max_exp_avg_sq` with AMSGrad.
 *
 * @example
 * ```ts
 * const opt = new AdamW(model.namedParameters(), { lr: 1e-3, weightDecay: 0.05 });
 * ```
 */
export class AdamW extends AdamBase {
  readonly type = 'adamw';

  constructor(params: readonly Parameter[], options: AdamOptions = {}) {
    super('AdamW', params, options, true, 1e-2);
  }
}
