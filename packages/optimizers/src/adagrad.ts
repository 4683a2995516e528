import type { AdagradHyper, Backend, Tensor } from '@scratchnet/tensor';
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
  private readonly h: AdagradHyper;

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
    this.h = { lr: 0, lrDecay: this.lrDecay, weightDecay: this.weightDecay, eps: this.eps, step: 0 };
  }

  protected update(backend: Backend, lr: number, t: number): void {
    const h = this.h;
    h.lr = lr;
    h.step = t;
    const params = this.params;
    for (let i = 0; i < params.length; i++)
      backend.adagradUpdate(params[i].value, params[i].grad, this.sums[i], h);
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
