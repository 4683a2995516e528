/** Softmax, log-softmax and the fused softmax cross-entropy loss, all numerically stable. */
import { getBackend } from '../registry.js';
import { ShapeError, formatShape, normalizeAxis } from '../shape.js';
import { IntTensor, Tensor } from '../tensor.js';
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
  const b = getBackend();
  const keep = [...x.shape];
  keep[axis] = 1;
  const m = new Tensor(keep);
  b.reduce('max', x, axis, m);
  b.binary('sub', x, m, out); // out = x − max
  const e = new Tensor(x.shape);
  b.unary('exp', out, e);
  b.reduce('sum', e, axis, m); // m = Σ exp(x − max)
  if (log) {
    b.unary('log', m, m);
    b.binary('sub', out, m, out);
  } else {
    b.binary('div', e, m, out);
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
    const k = x.shape[axis];
    const rows = [x.size / k, k];
    if (log) getBackend().logSoftmax(x.reshape(rows), out.reshape(rows));
    else getBackend().softmax(x.reshape(rows), out.reshape(rows));
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
  if (!(labels instanceof IntTensor)) throw new TypeError(`${op}: labels must be an IntTensor`);
  if (logits.rank !== 2)
    throw new ShapeError(`${op}: logits must be [N, K], got ${formatShape(logits.shape)}`);
  if (labels.rank !== 1 || labels.shape[0] !== logits.shape[0]) {
    throw new ShapeError(
      `${op}: labels have shape ${formatShape(labels.shape)}, but logits ${formatShape(logits.shape)} need [${logits.shape[0]}]`,
    );
  }
  if (logits.shape[0] === 0)
    throw new ShapeError(`${op}: the batch is empty (logits ${formatShape(logits.shape)})`);
  const grad = options.out !== undefined || options.grad ? output(op, logits.shape, options.out) : null;
  if (grad !== null) assertNoAlias(op, grad, logits, 'logits');
  const loss = getBackend().softmaxCrossEntropy(logits, labels, grad);
  return { loss, grad };
}
