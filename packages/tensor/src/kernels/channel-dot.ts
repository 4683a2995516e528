import type { Tensor } from '../tensor.js';
import { assertFloat, assertNoAlias, channelLayout, expectChannelVector, expectShape } from './check.js';
import { defineKernel } from './kernel.js';

/**
 * Arguments of {@link channelDot}: out [C] (+)= Σ (a − aCenter)·(b − bCenter) over every axis but 1,
 * and optionally sum [C] (+)= Σ (a − aCenter) from the same pass.
 */
export interface ChannelDotArgs {
  /** [N, C, …] */
  a: Tensor;
  /** a's shape; may be a itself (sums of squares) */
  b: Tensor;
  /** [C] */
  out: Tensor;
  /** Add to out (and sum) instead of overwriting them. */
  accumulate: boolean;
  /** [C], subtracted from a channel by channel; absent or null for 0. */
  aCenter?: Tensor | null;
  /** [C], subtracted from b channel by channel; absent or null for 0. */
  bCenter?: Tensor | null;
  /** [C] ← Σ (a − aCenter), when given. */
  sum?: Tensor | null;
}

/**
 * Per-channel dot products of a and b [N, C, …] (float64 accumulation), optionally of centred operands
 * and with the first operand's sums from the same pass: sums of squares, squared deviations
 * Σ (x − μ)², and batch normalisation's backward sums Σ dy and Σ dy·(x − μ) in one read.
 */
export const channelDot = defineKernel<ChannelDotArgs>('channelDot', {
  validate({ a, b, out, aCenter, bCenter, sum }) {
    const op = 'channelDot';
    assertFloat(op, 'a', a);
    assertFloat(op, 'b', b);
    expectShape(op, 'b', b, a.shape);
    expectChannelVector(op, 'out', a, out);
    if (aCenter != null) expectChannelVector(op, 'aCenter', a, aCenter);
    if (bCenter != null) expectChannelVector(op, 'bCenter', a, bCenter);
    if (sum != null) {
      expectChannelVector(op, 'sum', a, sum);
      assertNoAlias(op, sum, out, 'out', false, 'sum');
    }
    // The sums are written channel by channel while other channels are still being read.
    for (const [what, t] of [['out', out] as const, ['sum', sum] as const]) {
      if (t == null) continue;
      assertNoAlias(op, t, a, 'a', false, what);
      assertNoAlias(op, t, b, 'b', false, what);
    }
  },
  reference({ a, b, out, accumulate, aCenter, bCenter, sum }) {
    const [N, C, inner] = channelLayout(a);
    const ad = a.data;
    const bd = b.data;
    for (let c = 0; c < C; c++) {
      const ca = aCenter?.data[c] ?? 0;
      const cb = bCenter?.data[c] ?? 0;
      let s = 0;
      let d = 0;
      for (let n = 0; n < N; n++) {
        const off = (n * C + c) * inner;
        for (let i = 0; i < inner; i++) {
          const u = ad[off + i] - ca;
          s += u;
          d += u * (bd[off + i] - cb);
        }
      }
      out.data[c] = accumulate ? out.data[c] + d : d;
      if (sum != null) sum.data[c] = accumulate ? sum.data[c] + s : s;
    }
  },
});
