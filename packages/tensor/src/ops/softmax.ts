/** Softmax, log-softmax and the fused softmax cross-entropy loss, all numerically stable. */
import * as k from '../kernels/index.js';
import { runKernel } from '../kernels/kernel.js';
import { ShapeError, normalizeAxis } from '../shape.js';
import { type IntTensor, Tensor } from '../tensor.js';
import { assertFloat, assertNoAlias, output } from './util.js';

/** Options of {@link softmax} and {@link logSoftmax}. */
export interface SoftmaxOptions {
  /** The axis the probabilities sum to 1 along (default −1, the last). */
  axis?: number;
  /** Write here instead of a new tensor; may be `x` itself. */
  out?: Tensor;
}

/**
 * Along a non-last axis: composes max-subtract, exp and normalise from the elementwise and
 * reduction kernels (the backend's fused kernels work on the last axis).
 */
function alongAxis(x: Tensor, axis: number, out: Tensor, log: boolean): void {
  const keep = [...x.shape];
  keep[axis] = 1;
  const m = new Tensor(keep);
  runKernel(k.reduce, { op: 'max', x, axis, out: m });
  runKernel(k.binary, { op: 'sub', a: x, b: m, out }); // out = x − max
  const e = new Tensor(x.shape);
  runKernel(k.unary, { op: 'exp', x: out, out: e });
  runKernel(k.reduce, { op: 'sum', x: e, axis, out: m }); // m = Σ exp(x − max)
  if (log) {
    runKernel(k.unary, { op: 'log', x: m, out: m });
    runKernel(k.binary, { op: 'sub', a: out, b: m, out });
  } else {
    runKernel(k.binary, { op: 'div', a: e, b: m, out });
  }
}

function softmaxOp(op: string, x: Tensor, options: SoftmaxOptions, log: boolean): Tensor {
  assertFloat(op, 'x', x);
  if (x.rank === 0) throw new ShapeError(`${op}: needs at least 1 axis, got a scalar`);
  const axis = normalizeAxis(options.axis ?? -1, x.rank, op);
  const out = output(op, x.shape, options.out);
  assertNoAlias(op, out, x, 'x', true);
  if (x.size === 0) return out;
  if (axis === x.rank - 1) {
    const kk = x.shape[axis];
    const rows = [x.size / kk, kk];
    const args = { x: x.reshape(rows), out: out.reshape(rows) };
    runKernel(log ? k.logSoftmax : k.softmax, args);
  } else {
    alongAxis(x, axis, out, log);
  }
  return out;
}

/** exp(x) / Σ exp(x) along `axis` (max-subtracted, so huge logits do not overflow). */
export function softmax(x: Tensor, options: SoftmaxOptions = {}): Tensor {
  return softmaxOp('softmax', x, options, false);
}

/** x − log Σ exp(x) along `axis` (log-sum-exp, stable). */
export function logSoftmax(x: Tensor, options: SoftmaxOptions = {}): Tensor {
  return softmaxOp('logSoftmax', x, options, true);
}

/** Options of {@link softmaxCrossEntropy}. */
export interface SoftmaxCrossEntropyOptions {
  /** Also compute the gradient with respect to the logits (default false). */
  grad?: boolean;
  /** Write the gradient here ([N, K]) instead of a new tensor; implies `grad`. */
  out?: Tensor;
}

/**
 * Mean cross-entropy of softmax(logits) against integer class labels, i.e. PyTorch's
 * `cross_entropy(logits, labels)`, fused for stability; optionally with its gradient
 * `(softmax(logits) − onehot(labels)) / N`.
 *
 * @param logits - [N, K] unnormalised scores
 * @param labels - [N] class indices in [0, K)
 */
export function softmaxCrossEntropy(
  logits: Tensor,
  labels: IntTensor,
  options: SoftmaxCrossEntropyOptions = {},
): { loss: number; grad: Tensor | null } {
  const op = 'softmaxCrossEntropy';
  assertFloat(op, 'logits', logits);
  const grad = options.out !== undefined || options.grad ? output(op, logits.shape, options.out) : null;
  const args = { logits, labels, dlogits: grad };
  k.softmaxCrossEntropy.validate(args);
  const loss = runKernel(k.softmaxCrossEntropy, args);
  return { loss, grad };
}
