import { type SgdUpdateOptions, type Tensor, sgdUpdate } from '@scratchnet/tensor';
import { type CommonConfig, type CommonOptions, Optimizer, type Parameter } from './optimizer.js';
import { checkBoolean, checkNumber } from './validate.js';

/** JSON form of {@link SGD}'s configuration. */
export type SgdConfig = {
  type: 'sgd';
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weightDecay: number;
} & CommonConfig;

/** Options of {@link SGD}; every one defaults as in PyTorch (lr 1e-3, the rest 0/false). */
export interface SgdOptions extends CommonOptions {
  /** Momentum factor μ (default 0). */
  momentum?: number;
  /** Dampening τ of the momentum (default 0). */
  dampening?: number;
  /** Nesterov momentum (needs momentum > 0 and dampening 0). */
  nesterov?: boolean;
  /** L2 penalty λ added to the gradient (default 0). */
  weightDecay?: number;
}

/**
 * Stochastic gradient descent with momentum, exactly PyTorch's `torch.optim.SGD`. At step t, with
 * γ_t the learning rate ({@link Optimizer.learningRate}):
 *
 * ```text
 * g ← ∇θ + λ·θ                                  (if λ ≠ 0)
 * if μ ≠ 0:
 *   b ← g                       at t = 1
 *   b ← μ·b + (1 − τ)·g         at t > 1
 *   g ← g + μ·b  (Nesterov)  or  g ← b
 * θ ← θ − γ_t·g
 * ```
 *
 * Slot: `momentum_buffer` (only when μ ≠ 0). With `decay`, γ_t = lr_0 / (1 + decay·(t − 1)), the
 * time-decay rule of the NNFS book.
 *
 * @example
 * ```ts
 * const opt = new SGD(model.namedParameters(), { lr: 0.01, momentum: 0.9, decay: 1e-3 });
 * model.zeroGrad(); model.backward(loss.backward()); opt.step();
 * ```
 */
export class SGD extends Optimizer {
  readonly type = 'sgd';
  /** Momentum factor μ. */
  readonly momentum: number;
  /** Dampening τ. */
  readonly dampening: number;
  /** Whether the momentum is Nesterov's. */
  readonly nesterov: boolean;
  /** L2 penalty λ. */
  readonly weightDecay: number;
  private readonly buffers: Tensor[] | null;
  /** The hyper-parameters each step passes to the fused update (lr and first set per step). */
  private readonly hyper: SgdUpdateOptions;

  constructor(params: readonly Parameter[], options: SgdOptions = {}) {
    super('SGD', params, options, 1e-3);
    this.momentum = checkNumber('SGD', 'momentum', options.momentum, 0, { min: 0 });
    this.dampening = checkNumber('SGD', 'dampening', options.dampening, 0, { min: 0, max: 1 });
    this.nesterov = checkBoolean('SGD', 'nesterov', options.nesterov, false);
    this.weightDecay = checkNumber('SGD', 'weightDecay', options.weightDecay, 0, { min: 0 });
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) {
      throw new RangeError('SGD: Nesterov momentum requires a momentum > 0 and zero dampening');
    }
    this.buffers = this.momentum !== 0 ? this.addSlot('momentum_buffer') : null;
    this.hyper = {
      lr: 0,
      momentum: this.momentum,
      dampening: this.dampening,
      weightDecay: this.weightDecay,
      nesterov: this.nesterov,
      first: true,
    };
  }

  protected update(lr: number, t: number): void {
    // One pass over θ, ∇θ and b per parameter (the algorithm above, see `sgdUpdate`).
    const hyper = this.hyper;
    hyper.lr = lr;
    hyper.first = t === 1;
    const buffers = this.buffers;
    for (let i = 0; i < this.params.length; i++) {
      const { value, grad } = this.params[i];
      sgdUpdate(value, grad, buffers === null ? null : buffers[i], hyper);
    }
  }

  getConfig(): SgdConfig {
    return {
      type: 'sgd',
      ...this.commonConfig(),
      momentum: this.momentum,
      dampening: this.dampening,
      nesterov: this.nesterov,
      weightDecay: this.weightDecay,
    };
  }
}
