import type { IntTensor, Tensor } from '../tensor.js';
import { rowsOf } from './check.js';
import { defineKernel } from './kernel.js';
import { validateLabels } from './softmax-cross-entropy.js';

/** Arguments of {@link countCorrect}. */
export interface CountCorrectArgs {
  /** [N, K] */
  scores: Tensor;
  /** [N] */
  labels: IntTensor;
}

/** How many rows of scores have their first maximum at the label. */
export const countCorrect = defineKernel<CountCorrectArgs, number>('countCorrect', {
  validate({ scores, labels }) {
    // Shapes only: a label outside [0, K) is simply never predicted.
    validateLabels('countCorrect', scores, labels, false);
  },
  reference({ scores, labels }) {
    const [n, k] = rowsOf(scores);

    const sd = scores.data;
    const ld = labels.data;
    let correct = 0;
    for (let i = 0; i < n; i++) {
      const off = i * k;
      let best = 0;
      for (let j = 1; j < k; j++) if (sd[off + j] > sd[off + best]) best = j;
      if (best === ld[i]) correct++;
    }
    return correct;
  },
});
