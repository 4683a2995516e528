import { ShapeError, formatShape } from '../shape.js';
import type { IntTensor, Tensor } from '../tensor.js';
import { assertFloat, assertInt } from './check.js';
import { defineKernel } from './kernel.js';

/** Arguments of {@link oneHot}. */
export interface OneHotArgs {
  /** [N], each in [0, K) */
  labels: IntTensor;
  /** [N, K], written: 1 at each row's label, 0 elsewhere */
  out: Tensor;
}

/** out [N, K] ← one-hot rows of labels [N] (PyTorch `one_hot`, as float). */
export const oneHot = defineKernel<OneHotArgs>('oneHot', {
  validate({ labels, out }) {
    assertInt('oneHot', 'labels', labels);
    assertFloat('oneHot', 'out', out);
    if (out.rank !== 2 || labels.rank !== 1 || labels.shape[0] !== out.shape[0]) {
      throw new ShapeError(
        `oneHot: labels ${formatShape(labels.shape)} and out ${formatShape(out.shape)} must be [N] and [N, K]`,
      );
    }
    const k = out.shape[1];
    const ld = labels.data;
    for (let i = 0; i < ld.length; i++) {
      if (!(ld[i] >= 0 && ld[i] < k))
        throw new RangeError(`oneHot: label ${ld[i]} of sample ${i} is outside [0, ${k}) for ${k} classes`);
    }
  },
  reference({ labels, out }) {
    const k = out.shape[1];
    const od = out.data;
    const ld = labels.data;
    od.fill(0);
    for (let i = 0; i < ld.length; i++) od[i * k + ld[i]] = 1;
  },
});
