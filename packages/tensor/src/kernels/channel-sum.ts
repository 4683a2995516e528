import type { Tensor } from '../tensor.js';
import { assertFloat, channelLayout, expectChannelVector } from './check.js';
import { defineKernel } from './kernel.js';

/** Arguments of {@link channelSum}: out [C] (+)= Σ x over every axis but 1. */
export interface ChannelSumArgs {
  /** [N, C, …] */
  x: Tensor;
  /** [C] */
  out: Tensor;
  /** Add to out (a gradient) instead of overwriting it. */
  accumulate: boolean;
}

/** Per-channel sums of x [N, C, …] (accumulated in float64): bias gradients, batch statistics. */
export const channelSum = defineKernel<ChannelSumArgs>('channelSum', {
  validate({ x, out }) {
    assertFloat('channelSum', 'x', x);
    expectChannelVector('channelSum', 'out', x, out);
  },
  reference({ x, out, accumulate }) {
    const [N, C, inner] = channelLayout(x);
    const xd = x.data;
    const od = out.data;
    for (let c = 0; c < C; c++) {
      let s = 0;
      for (let n = 0; n < N; n++) {
        const off = (n * C + c) * inner;
        for (let i = 0; i < inner; i++) s += xd[off + i];
      }
      od[c] = accumulate ? od[c] + s : s;
    }
  },
});
