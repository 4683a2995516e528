import {
  type Conv2dGeometry,
  type Padding2d,
  type Random,
  type Shape,
  type Size2d,
  type Tensor,
  conv2dGeometry,
  formatShape,
  conv2d,
  conv2dBackwardData,
  conv2dMaxPool2d,
  conv2dMaxPool2dBackwardWeights,
  conv2dBackwardWeights,
  type IntTensor,
  type Pool2dOptions as PoolWindow,
  pair,
  zeros,
} from '@scratchnet/tensor';
import { ConfigReader } from '../config.js';
import { type InitializerName, checkInitializer, fansOf, initialize } from '../initializers.js';
import {
  type BackwardOptions,
  BaseLayer,
  accumulatesGrads,
  type BuildOptions,
  type LayerConfig,
  type Parameter,
} from '../layer.js';

/** Options of {@link Conv2d}. */
export interface Conv2dOptions {
  /** Output channels. */
  filters: number;
  /** Window size: `3` or `[kH, kW]`. */
  kernelSize: Size2d;
  /** Default 1. */
  stride?: Size2d;
  /** Zero padding: a number, `[padH, padW]`, `'valid'` (0, the default) or `'same'` (odd kernels). */
  padding?: Padding2d;
  /** Add a learned bias per filter (default true). */
  useBias?: boolean;
  /** Weight initializer (default: PyTorch's Conv2d default). */
  kernelInitializer?: InitializerName;
  /** Bias initializer (default: PyTorch's Conv2d default). */
  biasInitializer?: InitializerName;
  /** Input channels; inferred at build when omitted, checked when given. */
  inChannels?: number;
}

/**
 * 2-d convolution, PyTorch `nn.Conv2d`: input per sample `[C, H, W]`, weight OIHW
 * `[filters, C, kH, kW]`, bias `[filters]`, output `[filters, outH, outW]`.
 */
export class Conv2d extends BaseLayer {
  readonly type = 'Conv2d';
  override readonly overwritesGrads = true;
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: Padding2d;
  readonly useBias: boolean;
  readonly kernelInitializer: InitializerName;
  readonly biasInitializer: InitializerName;
  private inChannels: number | undefined;
  private params: Parameter[] = [];
  private geometry: Conv2dGeometry | undefined;
  private x: Tensor | undefined;
  private y: Tensor | undefined;

  constructor(options: Conv2dOptions) {
    super();
    const f = options.filters;
    if (!Number.isInteger(f) || f < 1)
      throw new RangeError(`Conv2d: filters must be a positive integer, got ${f}`);
    this.filters = f;
    this.kernelSize = pair(options.kernelSize);
    this.stride = pair(options.stride ?? 1);
    const p = options.padding ?? 0;
    this.padding = typeof p === 'string' || typeof p === 'number' ? p : [p[0], p[1]];
    this.useBias = options.useBias ?? true;
    this.kernelInitializer = checkInitializer(options.kernelInitializer ?? 'default', 'Conv2d');
    this.biasInitializer = checkInitializer(options.biasInitializer ?? 'default', 'Conv2d');
    this.inChannels = options.inChannels;
  }

  /** Rebuilds a Conv2d layer from {@link Conv2d.getConfig}. */
  static fromConfig(config: LayerConfig): Conv2d {
    const r = new ConfigReader(config);
    return new Conv2d({
      filters: r.positiveInt('filters'),
      kernelSize: r.size2d('kernelSize'),
      stride: r.size2d('stride', 1),
      padding: r.padding('padding'),
      useBias: r.boolean('useBias', true),
      kernelInitializer: checkInitializer(r.string('kernelInitializer', 'default'), 'Conv2d config'),
      biasInitializer: checkInitializer(r.string('biasInitializer', 'default'), 'Conv2d config'),
      inChannels: r.optionalPositiveInt('inChannels'),
    });
  }

  override describe(): string {
    const [kh, kw] = this.kernelSize;
    return `Conv2d(${this.filters}, ${kh}×${kw})`;
  }

  protected doBuild(inputShape: Shape, rng: Random, options: BuildOptions): Shape {
    if (inputShape.length !== 3) {
      throw this.shapeError(`expects input [C, H, W], got ${formatShape(inputShape)}`);
    }
    const c = inputShape[0];
    if (this.inChannels !== undefined && c !== this.inChannels) {
      throw this.shapeError(`expects input [${this.inChannels}, H, W], got ${formatShape(inputShape)}`);
    }
    this.inChannels = c;
    const wShape = [this.filters, c, ...this.kernelSize];
    // Checks that the window fits; names this layer in the error.
    const g = conv2dGeometry([1, ...inputShape], wShape, this.stride, this.padding, this.label);
    const w = zeros(wShape);
    const fans = fansOf(wShape);
    const draw = options.initialize !== false;
    if (draw) initialize(w, this.kernelInitializer, fans, rng);
    this.params = [{ name: 'weight', value: w, grad: zeros(wShape) }];
    if (this.useBias) {
      const b = zeros([this.filters]);
      if (draw) initialize(b, this.biasInitializer, fans, rng);
      this.params.push({ name: 'bias', value: b, grad: zeros(b.shape) });
    }
    // A batch of one's: `resolvedPadding` and a one-sample forward need not work it out again.
    this.geometry = g;
    return [this.filters, g.outHeight, g.outWidth];
  }

  /** Geometry for a batch of n, recomputed only when the batch size changes. */
  private geom(x: Tensor): Conv2dGeometry {
    const g = this.geometry;
    if (g !== undefined && g.batch === x.shape[0]) return g;
    return (this.geometry = conv2dGeometry(
      x.shape,
      this.params[0].value.shape,
      this.stride,
      this.padding,
      this.label,
    ));
  }

  // x: [N, C, H, W] → y: [N, filters, outH, outW]
  forward(x: Tensor): Tensor {
    this.checkInput(x);
    const g = this.geom(x);
    const y = this.ws.tensor('y', [g.batch, this.filters, g.outHeight, g.outWidth]);
    const bias = this.useBias ? this.params[1].value : null;
    conv2d(x, this.params[0].value, bias, { stride: this.stride, padding: [g.padH, g.padW], out: y });
    this.x = x;
    this.y = y;
    return y;
  }

  /**
   * `maxPool2d(relu(forward(x)))` (the ReLU with `relu: true`) with a 2×2 window of stride 2: the
   * convolution's output is never stored. For inference (no `indexed`), nothing is kept for a backward
   * pass (a {@link backward} after it fails, as before any forward); `Sequential` runs a Conv2d, ReLU,
   * MaxPool2d(2) block this way in evaluation mode. With `indexed`, the pooled output goes to its `y`
   * and the windows' argmax to its `argmax`, and x is kept: then {@link backwardMaxPool} (not
   * {@link backward}) follows, as `MaxPool2d.forwardConv` arranges.
   * x: [N, C, H, W] → [N, filters, ⌊outH/2⌋, ⌊outW/2⌋]
   */
  forwardMaxPool(x: Tensor, relu: boolean, indexed?: { y: Tensor; argmax: IntTensor }): Tensor {
    this.checkInput(x);
    const g = this.geom(x);
    const y =
      indexed?.y ?? this.ws.tensor('pooled', [g.batch, this.filters, g.outHeight >> 1, g.outWidth >> 1]);
    const bias = this.useBias ? this.params[1].value : null;
    conv2dMaxPool2d(x, this.params[0].value, bias, {
      stride: this.stride,
      padding: [g.padH, g.padW],
      relu,
      out: y,
      argmax: indexed?.argmax,
    });
    this.x = indexed === undefined ? undefined : x;
    this.y = undefined;
    return y;
  }

  backward(dy: Tensor, options?: BackwardOptions): Tensor {
    this.checkGrad(dy, this.y);
    const x = this.x as Tensor;
    const g = this.geom(x);
    const [w, b] = this.params;
    const conv = { stride: this.stride, padding: [g.padH, g.padW] as const };
    conv2dBackwardWeights(x, dy, w.value.shape, {
      ...conv,
      dw: w.grad,
      db: b === undefined ? null : b.grad,
      accumulate: accumulatesGrads(options),
    });
    const dx = this.ws.tensor('dx', x.shape);
    if (options?.inputGrad !== false) conv2dBackwardData(dy, w.value, x.shape, { ...conv, out: dx });
    return dx;
  }

  /**
   * The parameter gradients when this layer's output went through max pooling (and a ReLU, given
   * its `mask`: the pooled output) and only the pooled output's gradient dy is at hand: the weight
   * gradient is summed over the outputs the windows chose, straight from dy and the pooling's argmax
   * (`conv2dMaxPool2dBackwardWeights`). No input gradient: the returned tensor has x's shape and
   * unspecified contents, as `backward` with `inputGrad: false` gives. `MaxPool2d.backwardConv` calls it.
   */
  backwardMaxPool(
    dy: Tensor,
    argmax: IntTensor,
    mask: Tensor | undefined,
    pool: PoolWindow,
    options?: BackwardOptions,
  ): Tensor {
    if (this.x === undefined) throw new Error(`${this.label}: backward before forward`);
    const x = this.x;
    const g = this.geom(x);
    const [w, b] = this.params;
    conv2dMaxPool2dBackwardWeights(x, dy, argmax, w.value.shape, {
      stride: this.stride,
      padding: [g.padH, g.padW],
      pool,
      mask,
      dw: w.grad,
      db: b === undefined ? null : b.grad,
      accumulate: accumulatesGrads(options),
    });
    return this.ws.tensor('dx', x.shape);
  }

  override parameters(): Parameter[] {
    return this.params;
  }

  getConfig(): LayerConfig {
    const p = this.padding;
    const c: LayerConfig = {
      type: this.type,
      filters: this.filters,
      kernelSize: [...this.kernelSize],
      stride: [...this.stride],
      padding: typeof p === 'string' || typeof p === 'number' ? p : [p[0], p[1]],
      useBias: this.useBias,
      kernelInitializer: this.kernelInitializer,
      biasInitializer: this.biasInitializer,
    };
    if (this.inChannels !== undefined) c.inChannels = this.inChannels;
    return c;
  }

  /** Resolved `[padH, padW]` (after build). */
  get resolvedPadding(): [number, number] {
    const g =
      this.geometry ??
      conv2dGeometry(
        [1, ...this.inputShape],
        this.params[0].value.shape,
        this.stride,
        this.padding,
        this.label,
      );
    return [g.padH, g.padW];
  }
}

/** @deprecated Renamed {@link Conv2d} (PyTorch casing); this alias goes in the next minor release. */
export const Conv2D = Conv2d;
/** @deprecated Renamed {@link Conv2d}. */
export type Conv2D = Conv2d;
/** @deprecated Renamed {@link Conv2dOptions}. */
export type Conv2DOptions = Conv2dOptions;
