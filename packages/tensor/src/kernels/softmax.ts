/** Softmax over the last axis of [R, K] rows, each stabilised by subtracting the row maximum. */
import type { Tensor } from '../tensor.js';
import { assertFloat, assertNoAlias, expectShape, rowsOf } from './check.js';
import { defineKernel } from './kernel.js';

/** Arguments of {@link softmax} and {@link logSoftmax}: over the last axis of x [R, K]. */
export interface SoftmaxArgs {
  x: Tensor;
  /** x's shape; may be x itself. */
  out: Tensor;
}

/** Row maximum of x[off … off + k). */
export function rowMax(x: Float32Array, off: number, k: number): number {
  let m = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < k; j++) if (x[off + j] > m) m = x[off + j];
  return m;
}

/**
 * log Σ exp(x_j − m) of one row, where m is the row maximum (so x_j − log Σ exp(x) is computed as
 * (x_j − m) − this, exact even when |m| dwarfs the log-sum term).
 */
export function rowLogSumExpShifted(x: Float32Array, off: number, k: number, m: number): number {
  let s = 0;
  for (let j = 0; j < k; j++) s += Math.exp(x[off + j] - m);
  return Math.log(s);
}

/** Checks a softmax-family record. */
export function validateSoftmax(op: string, { x, out }: SoftmaxArgs): void {
  assertFloat(op, 'x', x);
  assertFloat(op, 'out', out);
  expectShape(op, 'out', out, x.shape);
  assertNoAlias(op, out, x, 'x', true);
}

/** out ← exp(x − max) / Σ exp(x − max), row by row. */
export const softmax = defineKernel<SoftmaxArgs>('softmax', {
  validate: (args) => validateSoftmax('softmax', args),
  reference({ x, out }) {
    const [r, k] = rowsOf(x);

    const xd = x.data;
    const od = out.data;
    for (let i = 0; i < r; i++) {
      const off = i * k;
      const m = rowMax(xd, off, k);
      let s = 0;
      for (let j = 0; j < k; j++) {
        const e = Math.exp(xd[off + j] - m);
        od[off + j] = e;
        s += e;
      }
      const inv = 1 / s;
      for (let j = 0; j < k; j++) od[off + j] *= inv;
    }
  },
});
