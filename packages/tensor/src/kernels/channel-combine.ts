import type { Tensor } from '../tensor.js';
import { assertFloat, assertNoAlias, channelLayout, expectChannelVector, expectShape } from './check.js';
import { defineKernel } from './kernel.js';

/** Arguments of {@link channelCombine}: y ← a·alpha[c] + (b − center[c])·beta[c] + shift[c]. */
export interface ChannelCombineArgs {
  /** [N, C, …] */
  a: Tensor;
  /** [C] */
  alpha: Tensor;
  /** a's shape */
  b: Tensor;
  /** [C], or null for 0 */
  center: Tensor | null;
  /** [C] */
  beta: Tensor;
  /** [C], or null for 0 */
  shift: Tensor | null;
  /** a's shape; may be a or b itself. */
  y: Tensor;
}

/**
 * Two per-channel affine terms in one pass over a, b [N, C, …]: batch normalisation's input gradient
 * k·dy + s·(x − μ) + h without a stored x − μ.
 */
export const channelCombine = defineKernel<ChannelCombineArgs>('channelCombine', {
  validate({ a, alpha, b, center, beta, shift, y }) {
    const op = 'channelCombine';
    assertFloat(op, 'a', a);
    assertFloat(op, 'b', b);
    assertFloat(op, 'y', y);
    expectShape(op, 'b', b, a.shape);
    expectShape(op, 'y', y, a.shape);
    expectChannelVector(op, 'alpha', a, alpha);
    expectChannelVector(op, 'beta', a, beta);
    if (center !== null) expectChannelVector(op, 'center', a, center);
    if (shift !== null) expectChannelVector(op, 'shift', a, shift);
    assertNoAlias(op, y, a, 'a', true, 'y');
    assertNoAlias(op, y, b, 'b', true, 'y');
  },
  reference({ a, alpha, b, center, beta, shift, y }) {
    const [N, C, inner] = channelLayout(a);
    const ad = a.data;
    const bd = b.data;
    const yd = y.data;
    for (let n = 0; n < N; n++) {
      for (let c = 0; c < C; c++) {
        const al = alpha.data[c];
        const be = beta.data[c];
        const mu = center === null ? 0 : center.data[c];
        const h = shift === null ? 0 : shift.data[c];
        const off = (n * C + c) * inner;
        for (let i = off; i < off + inner; i++) yd[i] = ad[i] * al + (bd[i] - mu) * be + h;
      }
    }
  },
});
