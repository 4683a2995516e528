import { IntTensor, type Shape, type Tensor, formatShape, getBackend, ones, zeros } from '@scratchnet/tensor';
import { ConfigReader } from '../config.js';
import { BaseLayer, type Buffer, type ForwardOptions, type LayerConfig, type Parameter } from '../layer.js';

/** Options of {@link BatchNorm1d} and {@link BatchNorm2d}. */
export interface BatchNormOptions {
  /** Running-statistics momentum, PyTorch's convention: running = (1 − m)·running + m·batch. Default 0.1. */
  momentum?: number;
  /** Added to the variance. Default 1e-5. */
  eps?: number;
}

/**
 * Batch normalisation over every axis but the channel axis (axis 1 of the batch), with learned scale
 * `weight` (γ) and shift `bias` (β), and running statistics for evaluation. Parameter and buffer
 * names and semantics are PyTorch's (`running_var` is unbiased, `num_batches_tracked` counts
 * training batches).
 */
abstract class BatchNormLayer extends BaseLayer {
  readonly momentum: number;
  readonly eps: number;
  /** Per-sample ranks this flavour accepts. */
  protected abstract readonly ranks: readonly number[];
  protected abstract readonly expected: string;
  private params: Parameter[] = [];
  private bufs: Buffer[] = [];
  private x: Tensor | undefined;
  private y: Tensor | undefined;
  private trained = false;

  constructor(options: BatchNormOptions = {}) {
    super();
    this.momentum = options.momentum ?? 0.1;
    this.eps = options.eps ?? 1e-5;
    if (!(this.momentum >= 0 && this.momentum <= 1))
      throw new RangeError(`BatchNorm: momentum must be in [0, 1], got ${this.momentum}`);
    if (!(this.eps > 0)) throw new RangeError(`BatchNorm: eps must be positive, got ${this.eps}`);
  }

  /** Reads momentum and eps from a config. */
  protected static readOptions(config: LayerConfig): BatchNormOptions {
    const r = new ConfigReader(config);
    return { momentum: r.number('momentum', 0.1), eps: r.number('eps', 1e-5) };
  }

  /** Number of channels (after build). */
  get channels(): number {
    return this.inputShape[0];
  }

  override describe(): string {
    return this.inShape === undefined ? this.type : `${this.type}(${this.inShape[0]})`;
  }

  protected doBuild(inputShape: Shape): Shape {
    if (!this.ranks.includes(inputShape.length)) {
      throw this.shapeError(`expects input ${this.expected}, got ${formatShape(inputShape)}`);
    }
    const c = inputShape[0];
    this.params = [
      { name: 'weight', value: ones([c]), grad: zeros([c]) },
      { name: 'bias', value: zeros([c]), grad: zeros([c]) },
    ];
    this.bufs = [
      { name: 'running_mean', value: zeros([c]) },
      { name: 'running_var', value: ones([c]) },
      { name: 'num_batches_tracked', value: new IntTensor([]).fill(0) },
    ];
    return inputShape;
  }

  forward(x: Tensor, options?: ForwardOptions): Tensor {
    this.checkInput(x);
    const training = options?.training === true;
    if (training && x.size / x.shape[1] < 2) {
      throw this.shapeError(
        `training needs more than one value per channel to compute batch statistics, got input ${formatShape(x.shape)}`,
      );
    }
    const c = this.inputShape[0];
    const y = this.ws.tensor('y', x.shape);
    const [w, b] = this.params;
    const [mean, variance, tracked] = this.bufs;
    getBackend().batchNorm(
      x,
      w.value,
      b.value,
      mean.value as Tensor,
      variance.value as Tensor,
      y,
      this.ws.tensor('saveMean', [c]),
      this.ws.tensor('saveInvStd', [c]),
      { training, momentum: this.momentum, eps: this.eps },
    );
    if (training) (tracked.value as IntTensor).data[0] += 1;
    this.trained = training;
    this.x = x;
    this.y = y;
    return y;
  }

  backward(dy: Tensor): Tensor {
    this.checkGrad(dy, this.y);
    const c = this.inputShape[0];
    const dx = this.ws.tensor('dx', dy.shape);
    const [w, b] = this.params;
    getBackend().batchNormBackward(
      this.x as Tensor,
      dy,
      w.value,
      this.ws.tensor('saveMean', [c]),
      this.ws.tensor('saveInvStd', [c]),
      dx,
      w.grad,
      b.grad,
      this.trained,
    );
    return dx;
  }

  override parameters(): Parameter[] {
    return this.params;
  }

  override buffers(): Buffer[] {
    return this.bufs;
  }

  getConfig(): LayerConfig {
    return { type: this.type, momentum: this.momentum, eps: this.eps };
  }
}

/** PyTorch `nn.BatchNorm1d`: per-sample input `[C]` or `[C, L]`. */
export class BatchNorm1d extends BatchNormLayer {
  readonly type = 'BatchNorm1d';
  protected readonly ranks = [1, 2];
  protected readonly expected = '[C] or [C, L]';

  /** Rebuilds a BatchNorm1d layer from its config. */
  static fromConfig(config: LayerConfig): BatchNorm1d {
    return new BatchNorm1d(BatchNormLayer.readOptions(config));
  }
}

/** PyTorch `nn.BatchNorm2d`: per-sample input `[C, H, W]`. */
export class BatchNorm2d extends BatchNormLayer {
  readonly type = 'BatchNorm2d';
  protected readonly ranks = [3];
  protected readonly expected = '[C, H, W]';

  /** Rebuilds a BatchNorm2d layer from its config. */
  static fromConfig(config: LayerConfig): BatchNorm2d {
    return new BatchNorm2d(BatchNormLayer.readOptions(config));
  }
}
