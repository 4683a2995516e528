import {
  IntTensor,
  Random,
  type Shape,
  ShapeError,
  Tensor,
  argmax,
  copy,
  countCorrect,
  fill,
  formatShape,
  softmax,
} from '@scratchnet/tensor';
import {
  type BackwardOptions,
  BaseLayer,
  type Buffer,
  type ForwardOptions,
  type Layer,
  type LayerConfig,
  type Parameter,
  accumulatesGrads,
  batchedShape,
} from '../layer.js';
import { Conv2d } from '../layers/conv2d.js';
import { MaxPool2d } from '../layers/max-pool2d.js';
import { ReLU } from '../layers/relu.js';
import { layerFromConfig } from '../layers/registry.js';
import { Softmax } from '../layers/softmax.js';
import type { Loss, LossName } from '../losses/index.js';
import type { BatchSource } from './data.js';
import {
  type EvaluateOptions,
  type Evaluation,
  type FitOptions,
  type History,
  runEvaluate,
  runFit,
} from './fit.js';
import { lossObject } from './loss-cache.js';
import { summarize } from './summary.js';

/** How an evaluation-mode forward runs a layer. */
enum InferStep {
  /** Its own forward. */
  Layer = 0,
  /** A Conv2d, then a ReLU and a MaxPool2d(2): `Conv2d.forwardMaxPool(x, true)`, the next two skipped. */
  ConvReluPool = 1,
  /** A Conv2d, then a MaxPool2d(2): `Conv2d.forwardMaxPool(x, false)`, the next one skipped. */
  ConvPool = 2,
  /** A ReLU, then a MaxPool2d: `MaxPool2d.forwardInference(x, true)` on the next one. */
  ReluPool = 3,
  /** A MaxPool2d: `MaxPool2d.forwardInference(x, false)`. */
  Pool = 4,
}

/** A MaxPool2d with a 2×2 window of stride 2 and no padding (what Conv2d.forwardMaxPool pools with). */
function isPool2x2(layer: Layer | undefined): boolean {
  if (!(layer instanceof MaxPool2d)) return false;
  const [ph, pw] = layer.resolvedPadding;
  const [kh, kw] = layer.poolSize;
  const [sh, sw] = layer.stride;
  return kh === 2 && kw === 2 && sh === 2 && sw === 2 && ph === 0 && pw === 0;
}

/** The evaluation-mode steps of built layers (a step that fuses layers is recorded at its first). */
function inferencePlan(layers: readonly Layer[]): InferStep[] {
  const plan = layers.map(() => InferStep.Layer);
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i];
    if (layer.constructor === Conv2d && layers[i + 1]?.constructor === ReLU && isPool2x2(layers[i + 2])) {
      plan[i] = InferStep.ConvReluPool;
      i += 2;
    } else if (layer.constructor === Conv2d && isPool2x2(layers[i + 1])) {
      plan[i] = InferStep.ConvPool;
      i += 1;
    } else if (layer.constructor === ReLU && layers[i + 1] instanceof MaxPool2d) {
      plan[i] = InferStep.ReluPool;
      i += 1;
    } else if (layer instanceof MaxPool2d) plan[i] = InferStep.Pool;
  }
  return plan;
}

/**
 * The index of the MaxPool2d when the model starts with Conv2d → MaxPool2d or Conv2d → ReLU →
 * MaxPool2d (exactly those classes), else -1.
 */
function firstBlockPool(layers: readonly Layer[]): number {
  if (layers[0]?.constructor !== Conv2d) return -1;
  if (layers[1]?.constructor === MaxPool2d) return 1;
  return layers[1]?.constructor === ReLU && layers[2]?.constructor === MaxPool2d ? 2 : -1;
}

/** How a backward treats the parameter gradients of built layers. */
interface GradPlan {
  /** Per layer: its backward overwrites its gradients when asked to (`accumulate: false`). */
  overwrites: readonly boolean[];
  /** The gradients a backward that overwrites zeroes first: those of the other layers. */
  zeroFirst: readonly Tensor[];
}

/** The {@link GradPlan} of built layers (a model that only predicts never needs it). */
function gradPlan(layers: readonly Layer[]): GradPlan {
  // A gradient tensor that two layers share (tied weights) takes both layers' sums: only zeroing
  // it first, never overwriting, keeps that right.
  const owners = new Map<Tensor, number>();
  for (const layer of layers)
    for (const p of layer.parameters()) owners.set(p.grad, (owners.get(p.grad) ?? 0) + 1);
  const overwrites = layers.map(
    (layer) => layer.overwritesGrads === true && layer.parameters().every((p) => owners.get(p.grad) === 1),
  );
  const zeroFirst = [
    ...new Set(layers.flatMap((layer, i) => (overwrites[i] ? [] : layer.parameters().map((p) => p.grad)))),
  ];
  return { overwrites, zeroFirst };
}

/** What a training step passes to the layers (made once: a step allocates nothing). */
const TRAINING: ForwardOptions = Object.freeze({ training: true });
/** A training step's backward: no dx of the model input, parameter gradients overwritten. */
const STEP_BACKWARD: BackwardOptions = Object.freeze({ inputGrad: false, accumulate: false });
/** The options a layer's backward gets, by [first layer (no dx wanted)][overwrite its gradients]. */
const LAYER_BACKWARD: readonly (readonly (BackwardOptions | undefined)[])[] = [
  [undefined, Object.freeze({ accumulate: false })],
  [Object.freeze({ inputGrad: false }), Object.freeze({ inputGrad: false, accumulate: false })],
];

/** The loss and the number of right predictions of one training step. */
export interface StepResult {
  loss: number;
  correct: number;
}

/**
 * One optimisation step of `model` on one batch (forward in training mode, loss, a backward that
 * overwrites the parameter gradients, optimizer step), written into `result` and returned: `Sequential.trainBatch` passes a new record,
 * `fit` the same one every step.
 */
export function trainStep(
  model: Sequential,
  x: Tensor,
  y: IntTensor,
  optimizer: OptimizerLike,
  lossFn: Loss,
  result: StepResult,
): StepResult {
  const out = model.forward(x, TRAINING);
  result.loss = lossFn.forward(out, y);
  // Overwriting the gradients is zeroing them first without the pass over them.
  model.backward(lossFn.backward(), STEP_BACKWARD);
  optimizer.step();
  result.correct = out.rank === 2 ? countCorrect(out, y) : 0;
  return result;
}

/** A model's architecture, JSON-safe: `Sequential.fromConfig(model.getConfig())` rebuilds it. */
export interface ModelConfig {
  /** Per-sample input shape, e.g. `[1, 28, 28]`. */
  inputShape: number[];
  layers: LayerConfig[];
}

/** Options of the {@link Sequential} constructor. */
export interface SequentialOptions {
  /** Per-sample input shape (no batch axis), e.g. `[1, 28, 28]`. */
  inputShape: Shape;
  /** Seeds the initial weights and the dropout masks (default 0). */
  seed?: number;
  /** `false`: leave the weights zero instead of drawing them (they are about to be loaded). Default `true`. */
  initialize?: boolean;
  /**
   * Called before each layer is built, in order, with the layer, the per-sample shape it is about to
   * be built on (`inputShape`, then the previous layer's output shape) and its index. For a caller
   * that bounds what the layers will allocate before they allocate it (a model file's memory budget):
   * an error it throws stops the construction, and the constructor throws that same error, no later
   * layer built.
   */
  beforeBuild?: (layer: Layer, inputShape: Shape, index: number) => void;
}

/** Something that updates the parameters from their gradients (`@scratchnet/optimizers`). */
export interface OptimizerLike {
  step(): void;
  /** The learning rate the next step will use. */
  readonly learningRate: number;
}

/** Options of {@link Sequential.predict}. */
export interface PredictOptions {
  /** Samples per forward pass (default 256). */
  batchSize?: number;
}

/**
 * A stack of layers applied in order, PyTorch `nn.Sequential` with Keras' conveniences: built at
 * once from the input shape, `summary()`, `fit`/`evaluate`/`predict`. Parameter names and layouts
 * match a PyTorch `nn.Sequential` of the same layers (`'0.weight'`, conv OIHW, dense [out, in]), so
 * weights move between the two unchanged.
 *
 * @example
 * ```ts
 * const model = new Sequential(
 *   [new Conv2d({ filters: 32, kernelSize: 3, padding: 1 }), new ReLU(), new MaxPool2d(2),
 *    new Flatten(), new Dense(128), new ReLU(), new Dense(10)],
 *   { inputShape: [1, 28, 28], seed: 1 },
 * );
 * console.log(model.summary());
 * ```
 */
export class Sequential {
  /** The layers, in order. */
  readonly layers: readonly Layer[];
  /** Per-sample input shape. */
  readonly inputShape: Shape;
  /** Per-sample output shape of each layer. */
  readonly layerOutputShapes: readonly Shape[];
  /**
   * The model's random stream: initial weights, then dropout masks. Checkpoints save
   * `rng.getState()` and restore it with `rng.setState(...)` (layers hold this very object).
   */
  readonly rng: Random;
  private readonly named: Parameter[];
  private readonly namedBufs: Buffer[];

  constructor(layers: Layer[], options: SequentialOptions) {
    if (!Array.isArray(layers) || layers.length === 0)
      throw new TypeError('Sequential: needs at least one layer');
    if (options === undefined || !Array.isArray(options.inputShape)) {
      throw new TypeError('Sequential: options.inputShape (per-sample shape, e.g. [1, 28, 28]) is required');
    }
    const inputShape = options.inputShape;
    if (inputShape.some((d) => !Number.isInteger(d) || d < 1)) {
      throw new ShapeError(
        `Sequential: inputShape must be positive integers, got ${formatShape(inputShape)}`,
      );
    }
    this.layers = Object.freeze([...layers]);
    this.inputShape = Object.freeze([...inputShape]);
    this.rng = new Random(options.seed ?? 0);
    const shapes: Shape[] = [];
    let shape: Shape = this.inputShape;
    this.named = [];
    this.namedBufs = [];
    const beforeBuild = options.beforeBuild;
    const buildOptions = { initialize: options.initialize };
    for (let i = 0; i < layers.length; i++) {
      const layer = layers[i];
      beforeBuild?.(layer, shape, i);
      if (layer instanceof BaseLayer) layer.index = i;
      shape = layer.build(shape, this.rng, buildOptions);
      shapes.push(shape);
      // PyTorch nn.Sequential state_dict names: index in the list, then the layer-local name.
      for (const p of layer.parameters())
        this.named.push({ name: `${i}.${p.name}`, value: p.value, grad: p.grad });
      for (const b of layer.buffers()) this.namedBufs.push({ name: `${i}.${b.name}`, value: b.value });
    }
    this.layerOutputShapes = Object.freeze(shapes);
    this.reluPool = layers.map(
      (layer, i) => layer.constructor === ReLU && layers[i + 1] instanceof MaxPool2d,
    );
    this.firstBlockPool = firstBlockPool(layers);
    this.fusesFirstBlock = this.firstBlockPool >= 0 && isPool2x2(layers[this.firstBlockPool]);
    this.inference = inferencePlan(layers);
    this.fusesInference = this.inference.some((step) => step !== InferStep.Layer);
  }

  /** Per layer, how an evaluation-mode forward runs it (see {@link inferencePlan}). */
  private readonly inference: readonly InferStep[];
  /** Whether the evaluation-mode forward differs from the training one at all. */
  private readonly fusesInference: boolean;
  /**
   * The input of the last forward when it ran the inference path (nothing kept for backward), and
   * its options: a backward then first runs the forward again the way that keeps what it needs.
   */
  private inferredX: Tensor | undefined;
  private inferredOptions: ForwardOptions | undefined;

  /** How a backward treats the gradients, worked out by the first backward (see {@link gradPlan}). */
  private grads: GradPlan | undefined;
  /**
   * Layer i is a plain ReLU followed by a MaxPool2d: the pair runs as `MaxPool2d.forwardRelu` (the
   * ReLU on the pooled output) and the pool's backward, which then covers the ReLU too.
   */
  private readonly reluPool: readonly boolean[];
  /**
   * The index of the MaxPool2d of a first Conv2d → (ReLU →) MaxPool2d block, or -1: a backward
   * without the input gradient runs the block as `MaxPool2d.backwardConv` (the convolution's
   * gradients straight from the pooled gradient).
   */
  private readonly firstBlockPool: number;
  /** The training forward runs that block as one op (its pooling is 2×2 of stride 2). */
  private readonly fusesFirstBlock: boolean;
  /** The input of the last forward when it ran the first block as one op (`MaxPool2d.forwardConv`). */
  private fusedBlockX: Tensor | undefined;

  /**
   * Rebuilds a model from {@link Sequential.getConfig}: fresh weights drawn from `seed`, or zeros with
   * `initialize: false` when they are about to be loaded.
   */
  static fromConfig(config: ModelConfig, options: Omit<SequentialOptions, 'inputShape'> = {}): Sequential {
    if (config === null || typeof config !== 'object') {
      throw new TypeError(
        `Sequential.fromConfig: expected { inputShape, layers }, got ${JSON.stringify(config)}`,
      );
    }
    if (!Array.isArray(config.inputShape) || config.inputShape.some((d) => !Number.isInteger(d) || d < 1)) {
      throw new TypeError(
        `Sequential.fromConfig: inputShape must be a list of positive integers, got ${JSON.stringify(config.inputShape)}`,
      );
    }
    if (!Array.isArray(config.layers)) {
      throw new TypeError(
        `Sequential.fromConfig: layers must be a list, got ${JSON.stringify(config.layers)}`,
      );
    }
    const layers = config.layers.map((c, i) => {
      try {
        return layerFromConfig(c);
      } catch (e) {
        throw new TypeError(`Sequential.fromConfig: layer ${i}: ${(e as Error).message}`);
      }
    });
    return new Sequential(layers, { ...options, inputShape: config.inputShape });
  }

  /** The architecture as JSON-safe data. */
  getConfig(): ModelConfig {
    return { inputShape: [...this.inputShape], layers: this.layers.map((l) => l.getConfig()) };
  }

  /** Per-sample output shape of the model. */
  get outputShape(): Shape {
    return this.layerOutputShapes[this.layerOutputShapes.length - 1];
  }

  /** Every trainable parameter, named as in a PyTorch `nn.Sequential` state_dict (`'0.weight'`, ...). */
  namedParameters(): Parameter[] {
    return this.named;
  }

  /**
   * Same list as {@link Sequential.namedParameters}.
   *
   * @deprecated Use {@link Sequential.namedParameters} (the one name for it); this goes in the next minor release.
   */
  parameters(): Parameter[] {
    return this.named;
  }

  /** Every buffer, named as in a PyTorch state_dict (`'1.running_mean'`, `'1.num_batches_tracked'`, ...). */
  namedBuffers(): Buffer[] {
    return this.namedBufs;
  }

  /** Number of trainable scalars. */
  countParameters(): number {
    return this.named.reduce((n, p) => n + p.value.size, 0);
  }

  /**
   * x [N, ...inputShape] → output [N, ...outputShape]; valid until the next forward. In evaluation
   * mode (the default) the model keeps nothing for a backward pass and runs fused where it can (a
   * Conv2d, ReLU, MaxPool2d(2) block in one kernel, max pooling without indices); a
   * {@link Sequential.backward} after it first runs the forward again from x, which must then be unchanged.
   */
  forward(x: Tensor, options?: ForwardOptions): Tensor {
    this.checkInput(x, 'forward');
    if (options?.training === true || !this.fusesInference) {
      this.inferredX = undefined;
      return this.forwardLayers(x, options);
    }
    this.inferredX = x;
    this.inferredOptions = options;
    const layers = this.layers;
    const plan = this.inference;
    let h = x;
    for (let i = 0; i < layers.length; i++) {
      switch (plan[i]) {
        case InferStep.ConvReluPool:
          h = (layers[i] as Conv2d).forwardMaxPool(h, true);
          i += 2;
          break;
        case InferStep.ConvPool:
          h = (layers[i] as Conv2d).forwardMaxPool(h, false);
          i += 1;
          break;
        case InferStep.ReluPool:
          h = (layers[++i] as MaxPool2d).forwardInference(h, true);
          break;
        case InferStep.Pool:
          h = (layers[i] as MaxPool2d).forwardInference(h, false);
          break;
        default:
          h = layers[i].forward(h, options);
      }
    }
    return h;
  }

  /**
   * The forward that a backward can follow: each layer keeps what its backward needs. A first
   * Conv2d → (ReLU →) MaxPool2d(2) block runs as one op that keeps the pooling's argmax, all its
   * backward without the input gradient needs (see {@link backward}).
   */
  private forwardLayers(x: Tensor, options: ForwardOptions | undefined): Tensor {
    const layers = this.layers;
    let h = x;
    let i = 0;
    this.fusedBlockX = undefined;
    if (this.fusesFirstBlock) {
      const p = this.firstBlockPool;
      h = (layers[p] as MaxPool2d).forwardConv(x, layers[0] as Conv2d, p === 2);
      this.fusedBlockX = x;
      i = p + 1;
    }
    for (; i < layers.length; i++) {
      if (this.reluPool[i]) h = (layers[++i] as MaxPool2d).forwardRelu(h);
      else h = layers[i].forward(h, options);
    }
    return h;
  }

  /**
   * Backpropagates dy (the loss gradient for the last forward's output) through every layer,
   * accumulating parameter gradients. Returns dx, the gradient for the input, unless
   * `inputGrad: false` (what `fit` passes: the first layer then skips that work, and the returned
   * tensor's contents are unspecified). With `accumulate: false` the parameter gradients are
   * overwritten, as if zeroed first (what `fit` does).
   */
  backward(dy: Tensor, options?: BackwardOptions): Tensor {
    if (this.inferredX !== undefined) {
      // the last forward kept nothing for a backward: run it again the way that does
      const x = this.inferredX;
      this.inferredX = undefined;
      this.forwardLayers(x, this.inferredOptions);
    }
    const layers = this.layers;
    const noInputGrad = options?.inputGrad === false ? 1 : 0;
    const fused = this.fusedBlockX;
    if (fused !== undefined && noInputGrad === 0) {
      // the input gradient goes through the block's layers: run them again the way that keeps it
      // (the same values to the bit; nothing random in them)
      this.fusedBlockX = undefined;
      const h = layers[0].forward(fused);
      if (this.firstBlockPool === 2) (layers[2] as MaxPool2d).forwardRelu(h);
      else layers[1].forward(h);
    }
    const overwrite = !accumulatesGrads(options);
    const { overwrites, zeroFirst } = (this.grads ??= gradPlan(layers));
    if (overwrite) for (const t of zeroFirst) fill(t, 0);
    let g = dy;
    for (let i = layers.length - 1; i >= 0; i--) {
      if (i === this.firstBlockPool && noInputGrad === 1) {
        const opts = LAYER_BACKWARD[1][overwrite && overwrites[0] ? 1 : 0];
        return (layers[i] as MaxPool2d).backwardConv(g, layers[0] as Conv2d, opts);
      }
      // A pool that ran a ReLU before it backpropagates through both: the ReLU is skipped.
      const first = i === 0 || (i === 1 && this.reluPool[0]);
      const opts = LAYER_BACKWARD[first ? noInputGrad : 0][overwrite && overwrites[i] ? 1 : 0];
      g = layers[i].backward(g, opts);
      if (i > 0 && this.reluPool[i - 1]) i--;
    }
    return g;
  }

  /** Sets every parameter gradient to zero. */
  zeroGrad(): void {
    for (const p of this.named) fill(p.grad, 0);
  }

  /**
   * One optimisation step on one batch: forward (training), loss, backward (overwriting the
   * gradients), optimizer step. Returns the batch's mean loss and how many predictions were right.
   */
  trainBatch(
    x: Tensor,
    y: IntTensor,
    optimizer: OptimizerLike,
    loss: Loss | LossName,
  ): { loss: number; correct: number } {
    return trainStep(this, x, y, optimizer, lossObject(this, loss), { loss: 0, correct: 0 });
  }

  /** A Keras-like table: each layer, its output shape and parameter count, and the totals. */
  summary(): string {
    return summarize(this);
  }

  /**
   * Trains on `data` for `epochs` epochs (see {@link FitOptions}). Stays responsive: it yields to the
   * event loop between batches at a bounded rate, so an AbortSignal fired by a timer or a message
   * stops it after the current batch; the returned history then says where it stopped.
   */
  fit(data: BatchSource, options: FitOptions): Promise<History> {
    return runFit(this, data, options);
  }

  /** Loss, accuracy and confusion matrix over `data` (evaluation mode). */
  evaluate(data: BatchSource, options: EvaluateOptions = {}): Promise<Evaluation> {
    return runEvaluate(this, data, options);
  }

  /**
   * Class probabilities [N, K] for x [N, ...inputShape] (or one sample without the batch axis):
   * the softmax of the output, unless the model already ends in a Softmax layer. A new tensor.
   */
  predict(x: Tensor, options: PredictOptions = {}): Tensor {
    const xb = x.rank === this.inputShape.length ? x.reshape([1, ...x.shape]) : x;
    this.checkInput(xb, 'predict');
    if (this.outputShape.length !== 1) {
      throw new ShapeError(
        `predict: expects a model with flat outputs [classes], this one outputs ${formatShape(this.outputShape)}`,
      );
    }
    const n = xb.shape[0];
    const k = this.outputShape[0];
    const batchSize = options.batchSize ?? 256;
    const out = new Tensor([n, k]);
    const endsInSoftmax = this.layers[this.layers.length - 1] instanceof Softmax;
    for (let start = 0; start < n; start += batchSize) {
      const size = Math.min(batchSize, n - start);
      const y = this.forward(xb.narrow(start, size));
      if (endsInSoftmax) copy(y, out.narrow(start, size));
      else softmax(y, { out: out.narrow(start, size) });
    }
    return out;
  }

  /** Most likely class of each sample: IntTensor [N]. */
  predictClasses(x: Tensor, options: PredictOptions = {}): IntTensor {
    const probs = this.predict(x, options);
    return argmax(probs, 1, { out: new IntTensor([probs.shape[0]]) });
  }

  private checkInput(x: Tensor, op: string): void {
    const s = this.inputShape;
    let ok = x.rank === s.length + 1;
    for (let i = 0; ok && i < s.length; i++) ok = x.shape[i + 1] === s[i];
    if (!ok) {
      throw new ShapeError(`Sequential.${op}: expects input ${batchedShape(s)}, got ${formatShape(x.shape)}`);
    }
  }
}
