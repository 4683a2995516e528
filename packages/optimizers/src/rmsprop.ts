import { type Tensor, addcdiv, addcmul, axpby } from '@scratchnet/tensor';
import { type CommonConfig, type CommonOptions, Optimizer, type Parameter } from './optimizer.js';
import { checkBoolean, checkNumber } from './validate.js';

/** JSON form of {@link RMSprop}'s configuration. */
export type RmspropConfig = {
  type: 'rmsprop';
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;
} & CommonConfig;

/** Options of {@link RMSprop}; defaults as in PyTorch (lr 1e-2, alpha 0.99, eps 1e-8). */
export interface RmspropOptions extends CommonOptions {
  /** Smoothing constant α of the squared-gradient average, in [0, 1] (default 0.99). */
  alpha?: number;
  /** Term added to the denominator (default 1e-8). */
  eps?: number;
  /** L2 penalty λ added to the gradient (default 0). */
  weightDecay?: number;
  /** Momentum factor μ (default 0). */
  momentum?: number;
  /** Divide by an estimate of the gradient's variance instead of its raw second moment (default false). */
  centered?: boolean;
}

/**
 * RMSprop, exactly PyTorch's `torch.optim.RMSprop`. At step t, with γ_t the learning rate:
 *
 * ```text
 * g ← ∇θ + λ·θ                                  (if λ ≠ 0)
 * v ← α·v + (1 − α)·g²
 * centered: ḡ ← α·ḡ + (1 − α)·g;  ṽ ← v − ḡ²   else ṽ ← v
 * μ > 0:  b ← μ·b + g / (√ṽ + ε);  θ ← θ − γ_t·b
 * else:   θ ← θ − γ_t·g / (√ṽ + ε)
 * ```
 *
 * Slots: `square_avg` (v), `momentum_buffer` (b, when μ > 0), `grad_avg` (ḡ, when centered).
 *
 * @example
 * ```ts
 * const opt = new RMSprop(model.namedParameters(), { lr: 1e-3, momentum: 0.9, centered: true });
 * ```
 */
export class RMSprop extends Optimizer {
  readonly type = 'rmsprop';
  /** α. */
  readonly alpha: number;
  /** ε. */
  readonly eps: number;
  /** L2 penalty λ. */
  readonly weightDecay: number;
  /** Momentum factor μ. */
  readonly momentum: number;
  /** Whether the second moment is centered. */
  readonly centered: boolean;
  private readonly squareAvg: Tensor[];
  private readonly momentumBuffer: Tensor[] | null;
  private readonly gradAvg: Tensor[] | null;
  /** g = ∇θ + λ·θ, and the centered second moment v − ḡ². */
  private readonly scratch: Tensor[];
  private readonly centeredSq: Tensor[] | null;

  constructor(params: readonly Parameter[], options: RmspropOptions = {}) {
    super('RMSprop', params, options, 1e-2);
    this.alpha = checkNumber('RMSprop', 'alpha', options.alpha, 0.99, { min: 0, max: 1 });
    this.eps = checkNumber('RMSprop', 'eps', options.eps, 1e-8, { min: 0 });
    this.weightDecay = checkNumber('RMSprop', 'weightDecay', options.weightDecay, 0, { min: 0 });
    this.momentum = checkNumber('RMSprop', 'momentum', options.momentum, 0, { min: 0 });
    this.centered = checkBoolean('RMSprop', 'centered', options.centered, false);
    this.squareAvg = this.addSlot('square_avg');
    this.momentumBuffer = this.momentum > 0 ? this.addSlot('momentum_buffer') : null;
    this.gradAvg = this.centered ? this.addSlot('grad_avg') : null;
    this.scratch = this.addScratch();
    this.centeredSq = this.centered ? this.addScratch() : null;
  }

  protected update(lr: number): void {
    const { alpha, eps, weightDecay: wd, momentum: mu } = this;
    for (let i = 0; i < this.params.length; i++) {
      const { value: p, grad } = this.params[i];
      const g = wd !== 0 ? axpby(wd, p, 1, grad, { out: this.scratch[i] }) : grad; // g = ∇θ + λ·θ
      const v = this.squareAvg[i];
      addcmul(v, g, g, { beta: alpha, value: 1 - alpha, out: v }); // v = α·v + (1 − α)·g²
      let vt = v;
      if (this.gradAvg !== null && this.centeredSq !== null) {
        const ga = this.gradAvg[i];
        axpby(1 - alpha, g, alpha, ga, { out: ga }); // ḡ = α·ḡ + (1 − α)·g
        vt = addcmul(v, ga, ga, { value: -1, out: this.centeredSq[i] }); // ṽ = v − ḡ²
      }
      if (this.momentumBuffer !== null) {
        const b = this.momentumBuffer[i];
        addcdiv(b, g, vt, { beta: mu, sqrt: true, eps, out: b }); // b = μ·b + g/(√ṽ + ε)
        axpby(-lr, b, 1, p, { out: p }); // θ = θ − γ·b
      } else {
        addcdiv(p, g, vt, { value: -lr, sqrt: true, eps, out: p }); // θ = θ − γ·g/(√ṽ + ε)
      }
    }
  }

  getConfig(): RmspropConfig {
    return {
      type: 'rmsprop',
      ...this.commonConfig(),
      alpha: this.alpha,
      eps: this.eps,
      weightDecay: this.weightDecay,
      momentum: this.momentum,
      centered: this.centered,
    };
  }
}
