import { type Tensor, addcdiv, addcmul, axpby, maximum } from '@scratchnet/tensor';
import { type CommonConfig, type CommonOptions, Optimizer, type Parameter } from './optimizer.js';
import { checkBoolean, checkNumber } from './validate.js';

/** JSON form of {@link Adam}'s (type 'adam') or {@link AdamW}'s (type 'adamw') configuration. */
export type AdamConfig = {
  type: 'adam' | 'adamw';
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
} & CommonConfig;

/** Options of {@link Adam} and {@link AdamW}; defaults as in PyTorch. */
export interface AdamOptions extends CommonOptions {
  /** Decay rates (β1, β2) of the moment averages, each in [0, 1) (default [0.9, 0.999]). */
  betas?: readonly [number, number];
  /** Term added to the denominator (default 1e-8). */
  eps?: number;
  /** Weight decay λ: an L2 penalty in Adam (default 0), decoupled in AdamW (default 0.01). */
  weightDecay?: number;
  /** The AMSGrad variant: divide by the running maximum of the second moment (default false). */
  amsgrad?: boolean;
}

/**
 * What Adam and AdamW share (everything but where the weight decay goes). Use {@link Adam} or
 * {@link AdamW}.
 */
export abstract class AdamBase extends Optimizer {
  abstract override readonly type: 'adam' | 'adamw';
  /** (β1, β2). */
  readonly betas: readonly [number, number];
  /** ε. */
  readonly eps: number;
  /** Weight decay λ. */
  readonly weightDecay: number;
  /** Whether this is AMSGrad. */
  readonly amsgrad: boolean;
  private readonly expAvg: Tensor[];
  private readonly expAvgSq: Tensor[];
  private readonly maxExpAvgSq: Tensor[] | null;
  /** Decoupled (AdamW) or L2 (Adam) weight decay. */
  private readonly decoupled: boolean;
  /** g = ∇θ + λ·θ (Adam with weight decay). */
  private readonly scratch: Tensor[] | null;

  protected constructor(
    owner: string,
    params: readonly Parameter[],
    options: AdamOptions,
    decoupled: boolean,
    defaultWeightDecay: number,
  ) {
    super(owner, params, options, 1e-3);
    const betas = options.betas ?? [0.9, 0.999];
    if (!Array.isArray(betas) || betas.length !== 2) {
      throw new TypeError(`${owner}: betas must be a pair [beta1, beta2], got ${JSON.stringify(betas)}`);
    }
    this.betas = Object.freeze([
      checkNumber(owner, 'betas[0]', betas[0], 0.9, { min: 0, below: 1 }),
      checkNumber(owner, 'betas[1]', betas[1], 0.999, { min: 0, below: 1 }),
    ]) as readonly [number, number];
    this.eps = checkNumber(owner, 'eps', options.eps, 1e-8, { min: 0 });
    this.weightDecay = checkNumber(owner, 'weightDecay', options.weightDecay, defaultWeightDecay, { min: 0 });
    this.amsgrad = checkBoolean(owner, 'amsgrad', options.amsgrad, false);
    this.expAvg = this.addSlot('exp_avg');
    this.expAvgSq = this.addSlot('exp_avg_sq');
    this.maxExpAvgSq = this.amsgrad ? this.addSlot('max_exp_avg_sq') : null;
    this.decoupled = decoupled;
    this.scratch = !decoupled && this.weightDecay !== 0 ? this.addScratch() : null;
  }

  protected update(lr: number, t: number): void {
    const [beta1, beta2] = this.betas;
    const wd = this.weightDecay;
    const stepSize = lr / (1 - beta1 ** t);
    const bc2Sqrt = Math.sqrt(1 - beta2 ** t);
    for (let i = 0; i < this.params.length; i++) {
      const { value: p, grad } = this.params[i];
      let g = grad;
      if (this.decoupled && wd !== 0)
        axpby(1 - lr * wd, p, 0, p, { out: p }); // θ = θ·(1 − γλ)
      else if (this.scratch !== null) g = axpby(wd, p, 1, grad, { out: this.scratch[i] }); // g = ∇θ + λ·θ
      const m = this.expAvg[i];
      const v = this.expAvgSq[i];
      axpby(1 - beta1, g, beta1, m, { out: m }); // m = β1·m + (1 − β1)·g
      addcmul(v, g, g, { beta: beta2, value: 1 - beta2, out: v }); // v = β2·v + (1 − β2)·g²
      let second = v;
      if (this.maxExpAvgSq !== null) second = maximum(this.maxExpAvgSq[i], v, this.maxExpAvgSq[i]);
      // θ = θ − γ/(1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + ε)
      addcdiv(p, m, second, { value: -stepSize, sqrt: true, scale: 1 / bc2Sqrt, eps: this.eps, out: p });
    }
  }

  getConfig(): AdamConfig {
    return {
      type: this.type,
      ...this.commonConfig(),
      betas: [this.betas[0], this.betas[1]],
      eps: this.eps,
      weightDecay: this.weightDecay,
      amsgrad: this.amsgrad,
    };
  }
}

/**
 * Adam, exactly PyTorch's `torch.optim.Adam`. At step t (1-based), with γ_t the learning rate:
 *
 * ```text
 * g ← ∇θ + λ·θ                                  (if λ ≠ 0: an L2 penalty)
 * m ← β1·m + (1 − β1)·g
 * v ← β2·v + (1 − β2)·g²
 * m̂ ← m / (1 − β1^t)
 * AMSGrad: v_max ← max(v_max, v);  v̂ ← v_max / (1 − β2^t)
 * else:                            v̂ ← v / (1 − β2^t)
 * θ ← θ − γ_t·m̂ / (√v̂ + ε)
 * ```
 *
 * Slots: `exp_avg` (m), `exp_avg_sq` (v), and `max_exp_avg_sq` (v_max) with AMSGrad.
 *
 * @example
 * ```ts
 * const opt = new Adam(model.namedParameters(), { lr: 1e-3, betas: [0.9, 0.999] });
 * ```
 */
export class Adam extends AdamBase {
  readonly type = 'adam';

  constructor(params: readonly Parameter[], options: AdamOptions = {}) {
    super('Adam', params, options, false, 0);
  }
}
