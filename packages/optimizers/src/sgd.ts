import { type Tensor, axpby, copy } from '@scratchnet/tensor';
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
  /** g = ∇θ + λ·θ (and the Nesterov step), when the gradient itself cannot be used. */
  private readonly scratch: Tensor[] | null;
  /** The ops' `{ out }` options writing each parameter, momentum buffer and scratch tensor. */
  private readonly toParam: { readonly out: Tensor }[];
  private readonly toBuffer: { readonly out: Tensor }[];
  private readonly toScratch: { readonly out: Tensor }[];

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
    this.scratch = this.weightDecay !== 0 || this.nesterov ? this.addScratch() : null;
    this.toParam = this.outOptions(this.params.map((p) => p.value));
    this.toBuffer = this.outOptions(this.buffers ?? []);
    this.toScratch = this.outOptions(this.scratch ?? []);
  }

  protected update(lr: number, t: number): void {
    const { momentum: mu, dampening, nesterov, weightDecay: wd } = this;
    for (let i = 0; i < this.params.length; i++) {
      const { value: p, grad } = this.params[i];
      const tmp = this.scratch === null ? null : this.scratch[i];
      let g = grad;
      if (wd !== 0 && tmp !== null) g = axpby(wd, p, 1, grad, this.toScratch[i]); // g = ∇θ + λ·θ
      if (this.buffers !== null) {
        const b = this.buffers[i];
        if (t === 1) copy(g, b);
        else axpby(1 - dampening, g, mu, b, this.toBuffer[i]); // b = μ·b + (1 − τ)·g
        if (nesterov && tmp !== null)
          g = axpby(mu, b, 1, g, this.toScratch[i]); // g = g + μ·b
        else g = b;
      }
      axpby(-lr, g, 1, p, this.toParam[i]); // θ = θ − γ·g
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
