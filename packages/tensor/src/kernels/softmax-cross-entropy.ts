import { ShapeError, formatShape } from '../shape.js';
import type { IntTensor, Tensor } from '../tensor.js';
import { assertFloat, assertInt, assertNoAlias, expectShape, rowsOf } from './check.js';
import { defineKernel } from './kernel.js';
import { rowLogSumExpShifted, rowMax } from './softmax.js';

/** Arguments of {@link softmaxCrossEntropy}. */
export interface SoftmaxCrossEntropyArgs {
  /** [N, K] */
  logits: Tensor;
  /** [N], each in [0, K) */
  labels: IntTensor;
  /** [N, K] or null: written with (softmax(logits) − onehot(labels)) / N */
  dlogits: Tensor | null;
}

/**
 * Throws unless labels is [N] for scores [N, K] and (with `range`) every label is in [0, K): the one
 * range check of a training step, done by the loss.
 */
export function validateLabels(
  op: string,
  scores: Tensor,
  labels: IntTensor,
  range = true,
  what = 'scores',
): void {
  assertFloat(op, what, scores);
  assertInt(op, 'labels', labels);
  if (scores.rank !== 2)
    throw new ShapeError(`${op}: ${what} must be [N, K], got ${formatShape(scores.shape)}`);
  const [n, k] = scores.shape;
  if (labels.rank !== 1 || labels.shape[0] !== n) {
    throw new ShapeError(
      `${op}: labels have shape ${formatShape(labels.shape)}, but ${what} ${formatShape(scores.shape)} need [${n}]`,
    );
  }
  if (!range) return;
  const ld = labels.data;
  for (let i = 0; i < n; i++) {
    if (!(ld[i] >= 0 && ld[i] < k)) {
      throw new RangeError(`${op}: label ${ld[i]} of row ${i} is outside [0, ${k})`);
    }
  }
}

/**
 * Mean over rows of −log softmax(logits)[label] (PyTorch `cross_entropy`), fused and max-subtracted;
 * with `dlogits`, also its gradient.
 */
export const softmaxCrossEntropy = defineKernel<SoftmaxCrossEntropyArgs, number>('softmaxCrossEntropy', {
  validate({ logits, labels, dlogits }) {
    validateLabels('softmaxCrossEntropy', logits, labels, true, 'logits');
    if (logits.shape[0] === 0)
      throw new ShapeError(`softmaxCrossEntropy: the batch is empty (logits ${formatShape(logits.shape)})`);
    if (dlogits !== null) {
      assertFloat('softmaxCrossEntropy', 'dlogits', dlogits);
      expectShape('softmaxCrossEntropy', 'dlogits', dlogits, logits.shape);
      assertNoAlias('softmaxCrossEntropy', dlogits, logits, 'logits', false, 'dlogits');
    }
  },
  reference({ logits, labels, dlogits }) {
    const [n, k] = rowsOf(logits);

    const xd = logits.data;
    const ld = labels.data;
    const gd = dlogits?.data;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const off = i * k;
      const label = ld[i];
      const m = rowMax(xd, off, k);
      const lse = rowLogSumExpShifted(xd, off, k, m);
      total += lse - (xd[off + label] - m);
      if (gd !== undefined) {
        const invN = 1 / n;
        for (let j = 0; j < k; j++) gd[off + j] = Math.exp(xd[off + j] - m - lse) * invN;
        gd[off + label] -= invN;
      }
    }
    return total / n;
  },
});
