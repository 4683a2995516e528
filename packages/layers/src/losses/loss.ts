import { type IntTensor, ShapeError, type Tensor, formatShape } from '@scratchnet/tensor';

/**
 * A training objective. `forward` returns the mean loss over the batch and remembers what `backward`
 * needs; `backward` returns d(mean loss)/d(output), a tensor reused from call to call.
 */
export interface Loss {
  /** `'softmaxCrossEntropy'`, `'categoricalCrossEntropy'` or `'mse'`. */
  readonly type: string;
  /**
   * Mean loss of `output` [N, K] against integer class labels [N] or float targets of `output`'s
   * shape (where the loss supports them).
   */
  forward(output: Tensor, target: IntTensor | Tensor): number;
  /** Gradient of the last forward's mean loss with respect to its output. */
  backward(): Tensor;
}

/** Throws unless `output` is [N, K] and `labels` is [N] (their values unchecked). */
export function checkLabelShape(loss: string, output: Tensor, labels: IntTensor): void {
  if (output.rank !== 2) {
    throw new ShapeError(`${loss}: expects output [N, classes], got ${formatShape(output.shape)}`);
  }
  const n = output.shape[0];
  if (labels.rank !== 1 || labels.shape[0] !== n) {
    throw new ShapeError(
      `${loss}: labels must be [${n}] for output ${formatShape(output.shape)}, got ${formatShape(labels.shape)}`,
    );
  }
}

/** Throws unless `output` is [N, K] and `labels` is [N] with every label in [0, K). */
export function checkLabels(loss: string, output: Tensor, labels: IntTensor): void {
  checkLabelShape(loss, output, labels);
  const [n, k] = output.shape;
  const y = labels.data;
  for (let i = 0; i < n; i++) {
    if (y[i] < 0 || y[i] >= k) {
      throw new RangeError(`${loss}: label ${y[i]} of sample ${i} is outside [0, ${k}) for ${k} classes`);
    }
  }
}

/** True for an IntTensor (labels) rather than a float Tensor (targets). */
export function isLabels(target: IntTensor | Tensor): target is IntTensor {
  return target.data instanceof Int32Array;
}

/** Throws unless float `target` has exactly `output`'s shape. */
export function checkTarget(loss: string, output: Tensor, target: Tensor): void {
  if (output.rank !== target.rank || output.shape.some((d, i) => d !== target.shape[i])) {
    throw new ShapeError(
      `${loss}: target ${formatShape(target.shape)} does not match output ${formatShape(output.shape)}`,
    );
  }
}
