/**
 * The ops layers and losses are made of, beyond the math ops: activations with their backward,
 * per-channel reductions and affine maps (bias, batch normalisation), seeded masks, and the
 * classification helpers. Each validates once, writes `out` (or allocates it) and dispatches.
 */
import type { ActivationOp } from '../backend.js';
import { callKernel } from '../kernels/kernel.js';
import * as k from '../kernels/index.js';
import type { Random } from '../random.js';
import type { AnyTensor, IntTensor } from '../tensor.js';
import { Tensor } from '../tensor.js';
import type { OutOptions } from './fused.js';

/** `dst ← src` (same number of elements; float ↔ int converts values). Returns dst. */
export function copy<T extends AnyTensor>(src: AnyTensor, dst: T): T {
  callKernel(k.copy, { src, dst });
  return dst;
}

/** `x ← value` everywhere, in place. Returns x. */
export function fill(x: Tensor, value: number): Tensor {
  callKernel(k.fill, { x, value });
  return x;
}

/** Options of {@link activation}. */
export interface ActivationOptions extends OutOptions {
  /** leakyRelu's negative slope (default 0.01). */
  alpha?: number;
}

/** act(x) for relu, leakyRelu, sigmoid, tanh (`out` may be x). */
export function activation(op: ActivationOp, x: Tensor, options: ActivationOptions = {}): Tensor {
  const y = options.out ?? new Tensor(x.shape);
  callKernel(k.activation, { op, x, y, alpha: options.alpha ?? 0.01 });
  return y;
}

/** What {@link activationBackward} needs of the forward pass. */
export interface ActivationBackwardOptions extends ActivationOptions {
  /** The forward input (relu, leakyRelu). */
  x: Tensor;
  /** The forward output (sigmoid, tanh). */
  y: Tensor;
}

/** dy · act′ (from x for relu/leakyRelu, from y = act(x) for sigmoid/tanh); `out` may be dy. */
export function activationBackward(op: ActivationOp, dy: Tensor, options: ActivationBackwardOptions): Tensor {
  const dx = options.out ?? new Tensor(dy.shape);
  callKernel(k.activationBackward, { op, x: options.x, y: options.y, dy, dx, alpha: options.alpha ?? 0.01 });
  return dx;
}

/** Options of the per-channel reductions. */
export interface ChannelReduceOptions extends OutOptions {
  /** Add into `out` (a gradient) instead of overwriting it (default false). */
  accumulate?: boolean;
}

/** [C] ← Σ x over every axis but 1 of x [N, C, …] (float64 accumulation). */
export function channelSum(x: Tensor, options: ChannelReduceOptions = {}): Tensor {
  const out = options.out ?? new Tensor([x.shape[1] ?? 0]);
  callKernel(k.channelSum, { x, out, accumulate: options.accumulate ?? false });
  return out;
}

/** Options of {@link channelDot}. */
export interface ChannelDotOptions extends ChannelReduceOptions {
  /** [C], subtracted from a channel by channel (default none). */
  aCenter?: Tensor;
  /** [C], subtracted from b channel by channel (default none). */
  bCenter?: Tensor;
  /** [C]: also write (or, with `accumulate`, add) Σ (a − aCenter) here, from the same pass. */
  sum?: Tensor;
}

/**
 * [C] ← Σ (a − aCenter)·(b − bCenter) over every axis but 1 of a, b [N, C, …] (float64 accumulation;
 * no centres by default), and optionally Σ (a − aCenter) into `sum` from the same read: e.g. the
 * squared deviations `channelDot(x, x, { aCenter: mean, bCenter: mean })`.
 */
export function channelDot(a: Tensor, b: Tensor, options: ChannelDotOptions = {}): Tensor {
  const out = options.out ?? new Tensor([a.shape[1] ?? 0]);
  callKernel(k.channelDot, {
    a,
    b,
    out,
    accumulate: options.accumulate ?? false,
    aCenter: options.aCenter ?? null,
    bCenter: options.bCenter ?? null,
    sum: options.sum ?? null,
  });
  return out;
}

/**
 * x·scale[c] + shift[c] broadcast along channel axis 1 of x [N, C, …] (null: 1 and 0), added to
 * `out` with `accumulate`. Bias addition is `channelScaleShift(y, null, bias, { out: y })`.
 */
export function channelScaleShift(
  x: Tensor,
  scale: Tensor | null,
  shift: Tensor | null,
  options: ChannelReduceOptions = {},
): Tensor {
  const y = options.out ?? new Tensor(x.shape);
  callKernel(k.channelScaleShift, { x, scale, shift, y, accumulate: options.accumulate ?? false });
  return y;
}

/** Options of {@link channelCombine}. */
export interface ChannelCombineOptions extends OutOptions {
  /** [C], subtracted from b channel by channel (default none). */
  center?: Tensor;
  /** [C], added channel by channel (default none). */
  shift?: Tensor;
}

/**
 * a·alpha[c] + (b − center[c])·beta[c] + shift[c] along channel axis 1 of a, b [N, C, …], in one pass
 * (`out` may be a or b): batch normalisation's input gradient.
 */
export function channelCombine(
  a: Tensor,
  alpha: Tensor,
  b: Tensor,
  beta: Tensor,
  options: ChannelCombineOptions = {},
): Tensor {
  const y = options.out ?? new Tensor(a.shape);
  callKernel(k.channelCombine, {
    a,
    alpha,
    b,
    center: options.center ?? null,
    beta,
    shift: options.shift ?? null,
    y,
  });
  return y;
}

/** Σ x² over every element, accumulated in float64. */
export function sumSquares(x: Tensor): number {
  return callKernel(k.sumSquares, { x });
}

/** How many rows of scores [N, K] have their first maximum at the label (labels [N]). */
export function countCorrect(scores: Tensor, labels: IntTensor): number {
  return callKernel(k.countCorrect, { scores, labels });
}

/**
 * Fills `mask` in place with 0 (probability p) or `scale` (default 1/(1 − p): inverted dropout), one
 * `rng.uniform()` per element in order, so every backend draws the same mask. Returns mask.
 */
export function bernoulliMask(mask: Tensor, p: number, rng: Random, scale = p < 1 ? 1 / (1 - p) : 0): Tensor {
  callKernel(k.bernoulliMask, { mask, p, scale, rng });
  return mask;
}

/** Options of {@link dropout}. */
export interface DropoutOptions extends OutOptions {
  /** The value of the kept elements (default 1/(1 − p): inverted dropout). */
  scale?: number;
}

/**
 * Inverted dropout's forward pass (PyTorch `torch.dropout` in training): fills `mask` [x's shape] as
 * {@link bernoulliMask} does (the same draws from `rng`) and returns x·mask (`out` may be x). Keep the
 * mask for the backward pass, dy·mask.
 */
export function dropout(
  x: Tensor,
  mask: Tensor,
  p: number,
  rng: Random,
  options: DropoutOptions = {},
): Tensor {
  const out = options.out ?? new Tensor(x.shape);
  const scale = options.scale ?? (p < 1 ? 1 / (1 - p) : 0);
  callKernel(k.dropout, { x, mask, out, p, scale, rng });
  return out;
}

/** [N, K] one-hot rows of labels [N] (as float). */
export function oneHot(labels: IntTensor, classes: number, options: OutOptions = {}): Tensor {
  const out = options.out ?? new Tensor([labels.shape[0] ?? 0, classes]);
  callKernel(k.oneHot, { labels, out });
  return out;
}

/** Options of {@link crossEntropy}. */
export interface CrossEntropyOptions {
  /** Write d(mean loss)/d(probs) here. */
  grad?: Tensor;
  /** Probability clip (default 1e-7, Keras). */
  epsilon?: number;
}

/**
 * Mean cross-entropy −Σ t·log clip(p) of probabilities [N, K] against target distributions [N, K]
 * (Keras `CategoricalCrossentropy`); optionally its gradient into `grad`.
 */
export function crossEntropy(probs: Tensor, target: Tensor, options: CrossEntropyOptions = {}): number {
  return callKernel(k.crossEntropy, {
    probs,
    target,
    grad: options.grad ?? null,
    epsilon: options.epsilon ?? 1e-7,
  });
}
