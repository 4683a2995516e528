import type { Tensor } from '../tensor.js';
import { assertFloat, channelLayout, expectChannelVector, expectShape } from './check.js';
import { defineKernel } from './kernel.js';

/** Arguments of {@link channelDot}: out [C] (+)= Σ a·b over every axis but 1. */
export interface ChannelDotArgs {
  /** [N, C, …] */
  a: Tensor;
  /** a's shape */
  b: Tensor;
  /** [C] */
  out: Tensor;
  accumulate: boolean;
}

/** Per-channel dot products of a and b [N, C, …] (float64 accumulation): sums of squares, Σ dy·x̂. */
export const channelDot = defineKernel<ChannelDotArgs>('channelDot', {
  validate({ a, b, out }) {
    assertFloat('channelDot', 'a', a);
    assertFloat('channelDot', 'b', b);
    expectShape('channelDot', 'b', b, a.shape);
    expectChannelVector('channelDot', 'out', a, out);
  },
  reference({ a, b, out, accumulate }) {
    const [N, C, inner] = channelLayout(a);
    const ad = a.data;
    const bd = b.data;
    const od = out.data;
    for (let c = 0; c < C; c++) {
      let s = 0;
      for (let n = 0; n < N; n++) {
        const off = (n * C + c) * inner;
        for (let i = 0; i < inner; i++) s += ad[off + i] * bd[off + i];
      }
      od[c] = accumulate ? od[c] + s : s;
    }
  },
});
