import type { Random } from './random.js';
import type { Conv2dGeometry, Pool2dGeometry } from './shape.js';
import type { Storage } from './storage.js';
import type { AnyTensor, IntTensor, Tensor } from './tensor.js';

/** Elementwise binary operations, with NumPy broadcasting. */
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'maximum' | 'minimum';
/** Elementwise unary operations. */
export type UnaryOp = 'neg' | 'abs' | 'exp' | 'log' | 'sqrt' | 'square' | 'relu' | 'sigmoid' | 'tanh';
/** Activations with a backward kernel. `leakyRelu` takes its negative slope as `alpha`. */
export type ActivationOp = 'relu' | 'leakyRelu' | 'sigmoid' | 'tanh';
/** Reductions along one axis. */
export type ReduceOp = 'sum' | 'mean' | 'max' | 'min';

/** Hyper-parameters of one SGD step (PyTorch `torch.optim.SGD`). */
export interface SgdHyper {
  lr: number;
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weightDecay: number;
  /** True on the first step: the momentum buffer is then set to the gradient (PyTorch). */
  firstStep: boolean;
}

/** Hyper-parameters of one Adam/AdamW step (PyTorch `torch.optim.Adam` / `AdamW`). */
export interface AdamHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** AdamW: decay the weights directly (`p -= lr·wd·p`) instead of adding `wd·p` to the gradient. */
  decoupledWeightDecay: boolean;
  amsgrad: boolean;
  /** 1-based step count, for bias correction. */
  step: number;
}

/** Hyper-parameters of one RMSprop step (PyTorch `torch.optim.RMSprop`). */
export interface RmspropHyper {
  lr: number;
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;
}

/** Hyper-parameters of one Adagrad step (PyTorch `torch.optim.Adagrad`). */
export interface AdagradHyper {
  lr: number;
  lrDecay: number;
  weightDecay: number;
  eps: number;
  /** 1-based step count. */
  step: number;
}

/** Hyper-parameters of batch normalisation. */
export interface BatchNormHyper {
  training: boolean;
  /** Running-statistics momentum as PyTorch defines it: `running = (1 − m)·running + m·batch`. */
  momentum: number;
  eps: number;
}

/**
 * Every kernel a CNN needs, behind one narrow interface. Layers and optimizers call these (through
 * {@link getBackend}) and never reach into a backend.
 *
 * Conventions, for every kernel:
 * - Tensors are contiguous and row-major; outputs are caller-provided and written in place, so a
 *   training step allocates nothing. Kernels do not check shapes on the hot path beyond what the
 *   ops layer already checked; the ops in `ops/` validate and then call these.
 * - "writes" means the output is overwritten; "accumulates" means `+=` (parameter gradients
 *   accumulate across backward calls, as in PyTorch, until `zeroGrad`).
 * - Inputs and outputs do not alias unless a kernel says so.
 * - Any tensor may be passed to any backend; a backend computes in place on storage it owns
 *   (`tensor.storage.owner === backend.name`) and may stage other tensors through copies.
 */
export interface Backend {
  /** Short name used by `setBackend`: `'js'` or `'wasm'`. */
  readonly name: string;
  /** Worker threads a kernel may use (1 for single-threaded backends). */
  readonly threads: number;

  /** Storage for `length` 4-byte elements. Contents are unspecified (use `fill` for zeros). */
  allocate(length: number): Storage;
  /** `dst ← src`, same number of elements. */
  copy(src: AnyTensor, dst: AnyTensor): void;
  /** `x ← value` everywhere. */
  fill(x: Tensor, value: number): void;

  /**
   * General matrix multiply, BLAS-style, row-major: `C ← α·op(A)·op(B) + β·C` with op(A): [m, k],
   * op(B): [k, n], C: [m, n]. A is stored [m, k] (or [k, m] when `transA`), B is stored [k, n] (or
   * [n, k] when `transB`). With β = 0, C's old contents are ignored (even NaN).
   */
  gemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: Tensor,
    b: Tensor,
    beta: number,
    c: Tensor,
  ): void;

  /**
   * Unfolds image patches: x [N, C, H, W] → cols [N, C·kH·kW, outH·outW], row `(c·kH + i)·kW + j`
   * holding input pixel (c, oh·sH − pH + i, ow·sW − pW + j), zero outside the image. Writes.
   */
  im2col(x: Tensor, g: Conv2dGeometry, cols: Tensor): void;
  /** The adjoint of im2col: folds cols [N, C·kH·kW, outH·outW] back into dx [N, C, H, W], summing overlaps. Writes. */
  col2im(cols: Tensor, g: Conv2dGeometry, dx: Tensor): void;
  /** y [N, O, outH, outW] ← conv(x [N, C, H, W], w [O, C, kH, kW]) + bias [O] (bias may be null). Writes. */
  conv2d(x: Tensor, w: Tensor, bias: Tensor | null, y: Tensor, g: Conv2dGeometry): void;
  /** dx [N, C, H, W] ← gradient of the convolution with respect to its input. Writes. */
  conv2dBackwardData(dy: Tensor, w: Tensor, dx: Tensor, g: Conv2dGeometry): void;
  /** dw [O, C, kH, kW] and db [O] (may be null) accumulate the gradients for weights and bias. */
  conv2dBackwardWeights(x: Tensor, dy: Tensor, dw: Tensor, db: Tensor | null, g: Conv2dGeometry): void;

  /**
   * Max pooling: y [N, C, outH, outW]; argmax (same shape) receives, for each output, the index
   * `h·W + w` of the chosen input inside its plane (the first maximum in row-major window order;
   * padding never wins). Writes both.
   */
  maxPool2d(x: Tensor, y: Tensor, argmax: IntTensor, g: Pool2dGeometry): void;
  /** dx [N, C, H, W] ← dy routed to each window's argmax (summed where windows overlap). Writes. */
  maxPool2dBackward(dy: Tensor, argmax: IntTensor, dx: Tensor, g: Pool2dGeometry): void;
  /**
   * Average pooling. `countIncludePad` (PyTorch's default, true) divides by the full window size;
   * false divides by the number of in-image elements. Writes.
   */
  avgPool2d(x: Tensor, y: Tensor, g: Pool2dGeometry, countIncludePad: boolean): void;
  /** dx ← gradient of avgPool2d. Writes. */
  avgPool2dBackward(dy: Tensor, dx: Tensor, g: Pool2dGeometry, countIncludePad: boolean): void;

  /** out ← a ∘ b with NumPy broadcasting of a.shape and b.shape to out.shape. `out` may alias `a` or `b` when it has the same shape. */
  binary(op: BinaryOp, a: Tensor, b: Tensor, out: Tensor): void;
  /** out ← op(x), elementwise. `out` may alias `x`. */
  unary(op: UnaryOp, x: Tensor, out: Tensor): void;
  /** y ← act(x) (`alpha`: leaky slope). `y` may alias `x`. */
  activation(op: ActivationOp, x: Tensor, y: Tensor, alpha: number): void;
  /** dx ← dy · act′, using x (relu, leakyRelu) or y = act(x) (sigmoid, tanh). `dx` may alias `dy`. */
  activationBackward(op: ActivationOp, x: Tensor, y: Tensor, dy: Tensor, dx: Tensor, alpha: number): void;
  /** y ← α·x + β·y (β = 0 ignores y's old contents). */
  axpby(alpha: number, x: Tensor, beta: number, y: Tensor): void;

  /** y [N, C, …] += bias [C] along axis 1, in place (Dense: y [N, C]; Conv2D: y [N, C, H, W]). */
  addBias(y: Tensor, bias: Tensor): void;
  /** db [C] accumulates dy [N, C, …] summed over every axis but 1. */
  biasGrad(dy: Tensor, db: Tensor): void;

  /** out ← op over `axis` of x; out has x's shape without that axis (or with it as 1: same size). Writes. */
  reduce(op: ReduceOp, x: Tensor, axis: number, out: Tensor): void;
  /** out ← index of the first maximum along `axis`. Writes. */
  argmax(x: Tensor, axis: number, out: IntTensor): void;
  /** Σ x², accumulated in float64. */
  sumSquares(x: Tensor): number;

  /** out [R, K] ← softmax over the last axis of x [R, K] (max-subtracted, stable). `out` may alias `x`. */
  softmax(x: Tensor, out: Tensor): void;
  /** out ← log-softmax over the last axis (log-sum-exp, stable). `out` may alias `x`. */
  logSoftmax(x: Tensor, out: Tensor): void;
  /**
   * Fused softmax cross-entropy from logits [N, K] with integer labels [N]: returns the mean loss
   * and, if `dlogits` is given, writes its gradient `(softmax(logits) − onehot(labels)) / N`.
   */
  softmaxCrossEntropy(logits: Tensor, labels: IntTensor, dlogits: Tensor | null): number;
  /** How many rows of scores [N, K] have their first maximum at the label. */
  countCorrect(scores: Tensor, labels: IntTensor): number;

  /**
   * Inverted dropout: fills mask with 0 (probability p) or 1/(1 − p) using draws from `rng` in
   * element order (so every backend gives the same mask), then y ← x · mask. Writes mask and y.
   */
  dropout(x: Tensor, mask: Tensor, y: Tensor, p: number, rng: Random): void;

  /**
   * Batch normalisation over every axis but 1 of x [N, C, …]. Training: normalises with the batch
   * statistics, updates running mean and (unbiased) running variance, and saves the batch mean and
   * 1/√(var + eps) for backward. Eval: uses the running statistics. Writes y, saveMean, saveInvStd.
   */
  batchNorm(
    x: Tensor,
    gamma: Tensor,
    beta: Tensor,
    runningMean: Tensor,
    runningVar: Tensor,
    y: Tensor,
    saveMean: Tensor,
    saveInvStd: Tensor,
    h: BatchNormHyper,
  ): void;
  /**
   * Backward of training-mode batch normalisation: writes dx, accumulates dgamma and dbeta. (In eval
   * mode the layer is affine; callers pass `training: false` and the kernel uses the running variance.)
   */
  batchNormBackward(
    x: Tensor,
    dy: Tensor,
    gamma: Tensor,
    saveMean: Tensor,
    saveInvStd: Tensor,
    dx: Tensor,
    dgamma: Tensor,
    dbeta: Tensor,
    training: boolean,
  ): void;

  /** One SGD step on `param` (in place), PyTorch semantics; `momentumBuffer` is null when momentum is 0. */
  sgdUpdate(param: Tensor, grad: Tensor, momentumBuffer: Tensor | null, h: SgdHyper): void;
  /** One Adam / AdamW step; `maxExpAvgSq` is null unless `amsgrad`. */
  adamUpdate(
    param: Tensor,
    grad: Tensor,
    expAvg: Tensor,
    expAvgSq: Tensor,
    maxExpAvgSq: Tensor | null,
    h: AdamHyper,
  ): void;
  /** One RMSprop step; `momentumBuffer` null unless momentum > 0, `gradAvg` null unless centered. */
  rmspropUpdate(
    param: Tensor,
    grad: Tensor,
    squareAvg: Tensor,
    momentumBuffer: Tensor | null,
    gradAvg: Tensor | null,
    h: RmspropHyper,
  ): void;
  /** One Adagrad step. */
  adagradUpdate(param: Tensor, grad: Tensor, stateSum: Tensor, h: AdagradHyper): void;
}
