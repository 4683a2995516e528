import { rowsOf } from './check.js';
import { defineKernel } from './kernel.js';
import { type SoftmaxArgs, rowLogSumExpShifted, rowMax, validateSoftmax } from './softmax.js';

/** out ← x − log Σ exp(x) over the last axis (log-sum-exp, stable). */
export const logSoftmax = defineKernel<SoftmaxArgs>('logSoftmax', {
  validate: (args) => validateSoftmax('logSoftmax', args),
  reference({ x, out }) {
    const [r, k] = rowsOf(x);

    const xd = x.data;
    const od = out.data;
    for (let i = 0; i < r; i++) {
      const off = i * k;
      const m = rowMax(xd, off, k);
      const lse = rowLogSumExpShifted(xd, off, k, m);
      for (let j = 0; j < k; j++) od[off + j] = xd[off + j] - m - lse;
    }
  },
});
