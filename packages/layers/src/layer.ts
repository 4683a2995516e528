import {
  type IntTensor,
  type Random,
  type Shape,
  ShapeError,
  type Tensor,
  Workspace,
  formatShape,
} from '@scratchnet/tensor';

/** Any value JSON can carry: layer and model configs are made of these, so they round-trip. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Options of {@link Layer.forward}. */
export interface ForwardOptions {
  /** Training mode: Dropout drops, BatchNorm uses and updates batch statistics. Default false. */
  training?: boolean;
}

/** Options of {@link Layer.backward}. */
export interface BackwardOptions {
  /**
   * Whether the caller needs dx. Sequential passes false for its first layer, which then only
   * accumulates its parameter gradients; the returned tensor's contents are unspecified. Default true.
   */
  inputGrad?: boolean;
  /**
   * `false`: overwrite the parameter gradients with this backward's instead of adding to them, as if
   * they had been zeroed first (saves a pass over every gradient). Only passed to a layer whose
   * {@link Layer.overwritesGrads} is true; read it with {@link accumulatesGrads}. Default true.
   */
  accumulate?: boolean;
}

/** Whether a backward with these options adds to the parameter gradients (true) or overwrites them. */
export function accumulatesGrads(options: BackwardOptions | undefined): boolean {
  return options?.accumulate !== false;
}

/** A trainable tensor and its gradient. Layer-local names are PyTorch's: `'weight'`, `'bias'`. */
export interface Parameter {
  name: string;
  value: Tensor;
  /** Same shape as `value`; accumulates across backward calls until `zeroGrad`. */
  grad: Tensor;
}

/** Non-trainable state saved with a model: `'running_mean'`, `'running_var'`, `'num_batches_tracked'`. */
export interface Buffer {
  name: string;
  /** `num_batches_tracked` is an IntTensor of shape `[]`, as in PyTorch. */
  value: Tensor | IntTensor;
}

/** A layer's JSON-safe configuration: `{ type: 'Dense', units: 128, ... }`. */
export type LayerConfig = { type: string } & Record<string, JsonValue>;

/**
 * One layer of a network. Shapes given to `build` are per sample (no batch axis); tensors given to
 * `forward`/`backward` carry the batch axis first.
 */
export interface BuildOptions {
  /**
   * `false`: create the parameters but skip drawing their initial values (they stay zero), for a
   * model whose weights are about to be loaded from a file. Default `true`.
   */
  initialize?: boolean;
}

export interface Layer {
  /** `'Conv2d'`, `'MaxPool2d'`, `'Dense'`, `'Flatten'`, `'ReLU'`, ... */
  readonly type: string;
  /** Creates parameters for `inputShape` (drawing initial values from `rng`) and returns the output shape. */
  build(inputShape: Shape, rng: Random, options?: BuildOptions): Shape;
  /** The output, valid until the next forward (it lives in the layer's workspace). */
  forward(x: Tensor, options?: ForwardOptions): Tensor;
  /** Returns dx for the last forward and accumulates parameter gradients. */
  backward(dy: Tensor, options?: BackwardOptions): Tensor;
  /**
   * True when `backward` honours `accumulate: false` (overwrites every parameter gradient). A model
   * zeroes the gradients of a layer without it before a backward that must overwrite them.
   */
  readonly overwritesGrads?: boolean;
  /** Trainable parameters with layer-local names. */
  parameters(): Parameter[];
  /** Non-trainable state. */
  buffers(): Buffer[];
  /** JSON-safe configuration; `layerFromConfig(getConfig())` makes an equivalent layer. */
  getConfig(): LayerConfig;
}

/**
 * What every built-in layer shares: its place in a model (for error messages), the per-sample input
 * and output shapes, a {@link Workspace} for outputs and gradients, and input-shape checks.
 */
export abstract class BaseLayer implements Layer {
  abstract readonly type: string;
  /** Position in a Sequential model (set by the model before `build`), or -1 for a free layer. */
  index = -1;
  /** Per-sample input shape, known after `build`. */
  protected inShape: Shape | undefined;
  /** Per-sample output shape, known after `build`. */
  protected outShape: Shape = [];
  /** Outputs and gradients, reused from step to step. */
  protected readonly ws = new Workspace();
  /** See {@link Layer.overwritesGrads}: a layer with parameters sets it once its backward honours `accumulate`. */
  readonly overwritesGrads: boolean = false;

  /** Short description used in messages and summaries, such as `Dense(128)`. */
  describe(): string {
    return this.type;
  }

  /** `Dense(128) #4` inside a model, `Dense(128)` alone. */
  get label(): string {
    return this.index >= 0 ? `${this.describe()} #${this.index}` : this.describe();
  }

  /** Per-sample output shape (after `build`). */
  get outputShape(): Shape {
    return this.outShape;
  }

  /** Per-sample input shape (after `build`). */
  get inputShape(): Shape {
    if (this.inShape === undefined) throw new Error(`${this.label}: not built yet`);
    return this.inShape;
  }

  build(inputShape: Shape, rng: Random, options: BuildOptions = {}): Shape {
    const out = this.doBuild(inputShape, rng, options);
    this.inShape = Object.freeze([...inputShape]);
    this.outShape = Object.freeze([...out]);
    return this.outShape;
  }

  /** Layer-specific build: validate `inputShape`, create parameters, return the output shape. */
  protected abstract doBuild(inputShape: Shape, rng: Random, options: BuildOptions): Shape;

  abstract forward(x: Tensor, options?: ForwardOptions): Tensor;
  abstract backward(dy: Tensor, options?: BackwardOptions): Tensor;

  parameters(): Parameter[] {
    return [];
  }

  buffers(): Buffer[] {
    return [];
  }

  abstract getConfig(): LayerConfig;

  /** A ShapeError prefixed with this layer's label. */
  protected shapeError(message: string): ShapeError {
    return new ShapeError(`${this.label}: ${message}`);
  }

  /** Throws unless x is `[N, ...inputShape]`. Allocation-free on success (runs every step). */
  protected checkInput(x: Tensor, what = 'input'): void {
    const s = this.inShape;
    if (s === undefined) throw new Error(`${this.label}: forward before build`);
    let ok = x.shape.length === s.length + 1;
    for (let i = 0; ok && i < s.length; i++) ok = x.shape[i + 1] === s[i];
    if (!ok) {
      throw this.shapeError(`expects ${what} ${batchedShape(s)}, got ${formatShape(x.shape)}`);
    }
  }

  /** Throws unless dy has the shape of the last output. */
  protected checkGrad(dy: Tensor, y: Tensor | undefined): void {
    if (y === undefined) throw new Error(`${this.label}: backward before forward`);
    let ok = dy.shape.length === y.shape.length;
    for (let i = 0; ok && i < y.shape.length; i++) ok = dy.shape[i] === y.shape[i];
    if (!ok) {
      throw this.shapeError(
        `backward expects dy of the output's shape ${formatShape(y.shape)}, got ${formatShape(dy.shape)}`,
      );
    }
  }
}

/** `[32, 28, 28]` → `"[N, 32, 28, 28]"`, for messages about batched tensors. */
export function batchedShape(shape: Shape): string {
  return `[N${shape.map((d) => `, ${d}`).join('')}]`;
}

/**
 * A reshaped view of a tensor, remembered while the source tensor stays the same object, so layers
 * that reshape (Flatten, Softmax) return the same tensors step after step.
 */
export class ViewCache {
  private source: Tensor | undefined;
  private view: Tensor | undefined;

  /** `t.reshape(shape)`, reused when `t` is the tensor of the previous call with the same shape. */
  get(t: Tensor, shape: Shape): Tensor {
    const v = this.view;
    if (t === this.source && v !== undefined && v.size === t.size && sameShape(v.shape, shape)) return v;
    this.source = t;
    return (this.view = t.reshape(shape));
  }
}

function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
