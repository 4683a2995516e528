import {
  type Random,
  type Shape,
  type Tensor,
  channelScaleShift,
  channelSum,
  formatShape,
  gemm,
  zeros,
} from '@scratchnet/tensor';
import { ConfigReader } from '../config.js';
import { type InitializerName, checkInitializer, fansOf, initialize } from '../initializers.js';
import {
  type BackwardOptions,
  BaseLayer,
  type BuildOptions,
  type LayerConfig,
  type Parameter,
  accumulatesGrads,
} from '../layer.js';

/** Options of {@link Dense}. */
export interface DenseOptions {
  /** Output features. */
  units: number;
  /** Add a learned bias (default true). */
  useBias?: boolean;
  /** Weight initializer (default: PyTorch's Linear default). */
  kernelInitializer?: InitializerName;
  /** Bias initializer (default: PyTorch's Linear default). */
  biasInitializer?: InitializerName;
  /** Input features; inferred at build when omitted, checked when given (configs record it). */
  inFeatures?: number;
}

/**
 * Fully connected layer, PyTorch `nn.Linear`: y = x·Wᵀ + b with W: [units, inFeatures].
 * Input per sample is flat `[inFeatures]` (put a {@link Flatten} before it after convolutions).
 */
export class Dense extends BaseLayer {
  readonly type = 'Dense';
  override readonly overwritesGrads = true;
  readonly units: number;
  readonly useBias: boolean;
  readonly kernelInitializer: InitializerName;
  readonly biasInitializer: InitializerName;
  private inFeatures: number | undefined;
  private params: Parameter[] = [];
  private x: Tensor | undefined;
  private y: Tensor | undefined;

  constructor(options: DenseOptions | number) {
    super();
    const o = typeof options === 'number' ? { units: options } : options;
    if (!Number.isInteger(o.units) || o.units < 1) {
      throw new RangeError(`Dense: units must be a positive integer, got ${o.units}`);
    }
    this.units = o.units;
    this.useBias = o.useBias ?? true;
    this.kernelInitializer = checkInitializer(o.kernelInitializer ?? 'default', 'Dense');
    this.biasInitializer = checkInitializer(o.biasInitializer ?? 'default', 'Dense');
    this.inFeatures = o.inFeatures;
  }

  /** Rebuilds a Dense layer from {@link Dense.getConfig}. */
  static fromConfig(config: LayerConfig): Dense {
    const r = new ConfigReader(config);
    return new Dense({
      units: r.positiveInt('units'),
      useBias: r.boolean('useBias', true),
      kernelInitializer: checkInitializer(r.string('kernelInitializer', 'default'), 'Dense config'),
      biasInitializer: checkInitializer(r.string('biasInitializer', 'default'), 'Dense config'),
      inFeatures: r.optionalPositiveInt('inFeatures'),
    });
  }

  override describe(): string {
    return `Dense(${this.units})`;
  }

  /** `weight` [units, inFeatures] (and `bias` [units]). */
  get weight(): Tensor {
    return this.param(0).value;
  }

  protected doBuild(inputShape: Shape, rng: Random, options: BuildOptions): Shape {
    if (this.inFeatures !== undefined && (inputShape.length !== 1 || inputShape[0] !== this.inFeatures)) {
      throw this.shapeError(`expects input [${this.inFeatures}], got ${formatShape(inputShape)}`);
    }
    if (inputShape.length !== 1) {
      throw this.shapeError(
        `expects a flat input [features], got ${formatShape(inputShape)} (add a Flatten before it)`,
      );
    }
    const inF = inputShape[0];
    this.inFeatures = inF;
    const w = zeros([this.units, inF]);
    const fans = fansOf(w.shape);
    const draw = options.initialize !== false;
    if (draw) initialize(w, this.kernelInitializer, fans, rng);
    this.params = [{ name: 'weight', value: w, grad: zeros(w.shape) }];
    if (this.useBias) {
      const b = zeros([this.units]);
      if (draw) initialize(b, this.biasInitializer, fans, rng);
      this.params.push({ name: 'bias', value: b, grad: zeros(b.shape) });
    }
    return [this.units];
  }

  private param(i: number): Parameter {
    const p = this.params[i];
    if (p === undefined) throw new Error(`${this.label}: not built yet`);
    return p;
  }

  // x: [N, in] → y: [N, units]
  forward(x: Tensor): Tensor {
    this.checkInput(x);
    const n = x.shape[0];
    const y = this.ws.tensor('y', [n, this.units]);
    gemm(x, this.params[0].value, { transB: true, c: y });
    if (this.useBias) channelScaleShift(y, null, this.params[1].value, { out: y });
    this.x = x;
    this.y = y;
    return y;
  }

  backward(dy: Tensor, options?: BackwardOptions): Tensor {
    this.checkGrad(dy, this.y);
    const x = this.x as Tensor;
    const [w, b] = this.params;
    // dW [units, in] += dyᵀ·x ; db [units] += Σ_n dy ; dx [N, in] = dy·W (= for the first two
    // when the model asks to overwrite)
    const accumulate = accumulatesGrads(options);
    gemm(dy, x, { transA: true, beta: accumulate ? 1 : 0, c: w.grad });
    if (b !== undefined) channelSum(dy, { out: b.grad, accumulate });
    const dx = this.ws.tensor('dx', x.shape);
    if (options?.inputGrad !== false) gemm(dy, w.value, { c: dx });
    return dx;
  }

  override parameters(): Parameter[] {
    return this.params;
  }

  getConfig(): LayerConfig {
    const c: LayerConfig = {
      type: this.type,
      units: this.units,
      useBias: this.useBias,
      kernelInitializer: this.kernelInitializer,
      biasInitializer: this.biasInitializer,
    };
    if (this.inFeatures !== undefined) c.inFeatures = this.inFeatures;
    return c;
  }
}
