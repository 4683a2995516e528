import {
  IntTensor,
  type Shape,
  type Tensor,
  channelCombine,
  channelDot,
  channelScaleShift,
  channelSum,
  formatShape,
  ones,
  zeros,
} from '@scratchnet/tensor';
import { ConfigReader } from '../config.js';
import {
  type BackwardOptions,
  BaseLayer,
  type Buffer,
  type ForwardOptions,
  type LayerConfig,
  type Parameter,
  accumulatesGrads,
} from '../layer.js';

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
  override readonly overwritesGrads = true;
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
    const y = this.ws.tensor('y', x.shape);
    const [mean, variance, tracked] = this.bufs;
    if (training) {
      this.batchStatistics(x);
      (tracked.value as IntTensor).data[0] += 1;
    } else {
      this.runningStatistics(mean.value as Tensor, variance.value as Tensor);
    }
    // y = γ·(x − μ)·invStd + β = x·scale + shift, per channel
    const [w, b] = this.params;
    const { mean: mu, invStd, scale, shift } = this.stats();
    const sd = scale.data;
    const hd = shift.data;
    const gd = w.value.data;
    const bd = b.value.data;
    const md = mu.data;
    const id = invStd.data;
    for (let ch = 0; ch < sd.length; ch++) {
      sd[ch] = gd[ch] * id[ch];
      hd[ch] = bd[ch] - md[ch] * sd[ch];
    }
    channelScaleShift(x, scale, shift, { out: y });
    this.trained = training;
    this.x = x;
    this.y = y;
    return y;
  }

  /** Per-channel [C] vectors, kept in the workspace: the statistics used and the affine map's terms. */
  private stats(): { mean: Tensor; invStd: Tensor; scale: Tensor; shift: Tensor; sum: Tensor; dot: Tensor } {
    const c = [this.inputShape[0]];
    const ws = this.ws;
    return {
      mean: ws.tensor('mean', c),
      invStd: ws.tensor('invStd', c),
      scale: ws.tensor('scale', c),
      shift: ws.tensor('shift', c),
      sum: ws.tensor('sum', c),
      dot: ws.tensor('dot', c),
    };
  }

  /**
   * Batch mean and 1/√(biased variance + eps) into the workspace, from two passes (the mean, then the
   * squared deviations Σ (x − μ)²: stable where E[x²] − E[x]² is not); and the running statistics
   * updated with the unbiased variance (PyTorch).
   */
  private batchStatistics(x: Tensor): void {
    const count = x.size / x.shape[1];
    const { mean, invStd, sum, dot } = this.stats();
    channelSum(x, { out: sum });
    const md = mean.data;
    for (let ch = 0; ch < md.length; ch++) md[ch] = sum.data[ch] / count;
    channelDot(x, x, { out: dot, aCenter: mean, bCenter: mean });
    const [rm, rv] = this.bufs.map((b) => b.value.data);
    const m = this.momentum;
    for (let ch = 0; ch < md.length; ch++) {
      const ss = dot.data[ch];
      invStd.data[ch] = 1 / Math.sqrt(ss / count + this.eps);
      rm[ch] = (1 - m) * rm[ch] + m * md[ch];
      rv[ch] = (1 - m) * rv[ch] + m * (ss / (count - 1));
    }
  }

  /** Eval mode: the running statistics are the ones used. */
  private runningStatistics(runningMean: Tensor, runningVar: Tensor): void {
    const { mean, invStd } = this.stats();
    for (let ch = 0; ch < mean.size; ch++) {
      mean.data[ch] = runningMean.data[ch];
      invStd.data[ch] = 1 / Math.sqrt(runningVar.data[ch] + this.eps);
    }
  }

  /**
   * Training (x̂ = (x − μ)·invStd, M values per channel): dβ += Σ dy, dγ += Σ dy·x̂ (← with
   * `accumulate: false`),
   * dx = γ·invStd/M · (M·dy − Σ dy − x̂·Σ dy·x̂). Eval: the layer is affine, dx = γ·invStd·dy.
   */
  backward(dy: Tensor, options?: BackwardOptions): Tensor {
    this.checkGrad(dy, this.y);
    const accumulate = accumulatesGrads(options);
    const x = this.x as Tensor;
    const dx = this.ws.tensor('dx', dy.shape);
    const [w, b] = this.params;
    const { mean, invStd, scale, shift, sum, dot } = this.stats();
    const count = x.size / x.shape[1];
    // Σ dy and Σ dy·(x − μ) = Σ dy·x̂ / invStd, in one pass
    channelDot(dy, x, { out: dot, bCenter: mean, sum });
    const gd = w.value.data;
    const id = invStd.data;
    for (let ch = 0; ch < gd.length; ch++) {
      const sumDyXhat = dot.data[ch] * id[ch];
      b.grad.data[ch] = accumulate ? b.grad.data[ch] + sum.data[ch] : sum.data[ch];
      w.grad.data[ch] = accumulate ? w.grad.data[ch] + sumDyXhat : sumDyXhat;
      const k = gd[ch] * id[ch];
      // dx = k·dy + (−k·invStd·Σdy·x̂/M)·(x − μ) + (−k·Σdy/M)   (training)
      scale.data[ch] = (-k * id[ch] * sumDyXhat) / count;
      shift.data[ch] = (-k * sum.data[ch]) / count;
      dot.data[ch] = k;
    }
    if (this.trained) channelCombine(dy, dot, x, scale, { center: mean, shift, out: dx });
    else channelScaleShift(dy, dot, null, { out: dx });
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
