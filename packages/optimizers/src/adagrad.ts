import { type Tensor, addcdiv, addcmul, axpby } from '@scratchnet/tensor';
import { type CommonConfig, type CommonOptions, Optimizer, type Parameter } from './optimizer.js';
import { checkNumber } from './validate.js';

/** JSON form of {@link Adagrad}'s configuration. */
export type AdagradConfig = {
  type: 'adagrad';
  lrDecay: number;
  weightDecay: number;
  initialAccumulatorValue: number;
  eps: number;
} & CommonConfig;

/** Options of {@link Adagrad}; defaults as in PyTorch (lr 1e-2, eps 1e-10, the rest 0). */
export interface AdagradOptions extends CommonOptions {
  /** PyTorch's own learning-rate decay η (default 0); see the formula. */
  lrDecay?: number;
  /** L2 penalty λ added to the gradient (default 0). */
  weightDecay?: number;
  /** Starting value of the squared-gradient sum (default 0). */
  initialAccumulatorValue?: number;
  /** Term added to the denominator (default 1e-10). */
  eps?: number;
}

/**
 * Adagrad, exactly PyTorch's `torch.optim.Adagrad`. At step t (1-based), with γ_t the learning rate:
 *
 * ```text
 * γ̃ ← γ_t / (1 + (t − 1)·η)
 * g ← ∇θ + λ·θ                                  (if λ ≠ 0)
 * s ← s + g²
 * θ ← θ − γ̃·g / (√s + ε)
 * ```
 *
 * Slot: `sum` (s), starting at `initialAccumulatorValue`. `lrDecay` (η) is PyTorch's and
 * composes with this package's `decay` and `schedule`, which set γ_t.
 *
 * @example
 * ```ts
 * const opt = new Adagrad(model.namedParameters(), { lr: 0.01, lrDecay: 1e-4 });
 * ```
 */
export class Adagrad extends Optimizer {
  readonly type = 'adagrad';
  /** η. */
  readonly lrDecay: number;
  /** L2 penalty λ. */
  readonly weightDecay: number;
  /** Starting value of `sum`. */
  readonly initialAccumulatorValue: number;
  /** ε. */
  readonly eps: number;
  private readonly sums: Tensor[];
  /** g = ∇θ + λ·θ. */
  private readonly scratch: Tensor[] | null;

  constructor(params: readonly Parameter[], options: AdagradOptions = {}) {
    super('Adagrad', params, options, 1e-2);
    this.lrDecay = checkNumber('Adagrad', 'lrDecay', options.lrDecay, 0, { min: 0 });
    this.weightDecay = checkNumber('Adagrad', 'weightDecay', options.weightDecay, 0, { min: 0 });
    this.initialAccumulatorValue = checkNumber(
      'Adagrad',
      'initialAccumulatorValue',
      options.initialAccumulatorValue,
      0,
      { min: 0 },
    );
    this.eps = checkNumber('Adagrad', 'eps', options.eps, 1e-10, { min: 0 });
    this.sums = this.addSlot('sum', this.initialAccumulatorValue);
    this.scratch = this.weightDecay !== 0 ? this.addScratch() : null;
  }

  protected update(lr: number, t: number): void {
    const clr = lr / (1 + (t - 1) * this.lrDecay);
    for (let i = 0; i < this.params.length; i++) {
      const { value: p, grad } = this.params[i];
      const g = this.scratch !== null ? axpby(this.weightDecay, p, 1, grad, { out: this.scratch[i] }) : grad;
      const s = this.sums[i];
      addcmul(s, g, g, { out: s }); // s = s + g²
      addcdiv(p, g, s, { value: -clr, sqrt: true, eps: this.eps, out: p }); // θ = θ − γ̃·g/(√s + ε)
    }
  }

  getConfig(): AdagradConfig {
    return {
      type: 'adagrad',
      ...this.commonConfig(),
      lrDecay: this.lrDecay,
      weightDecay: this.weightDecay,
      initialAccumulatorValue: this.initialAccumulatorValue,
      eps: this.eps,
    };
  }
}
