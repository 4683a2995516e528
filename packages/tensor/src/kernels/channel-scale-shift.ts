import type { Tensor } from '../tensor.js';
import { assertFloat, assertNoAlias, channelLayout, expectChannelVector, expectShape } from './check.js';
import { defineKernel } from './kernel.js';

/** Arguments of {@link channelScaleShift}: y (+)= x·scale[c] + shift[c] along channel axis 1. */
export interface ChannelScaleShiftArgs {
  /** [N, C, …] */
  x: Tensor;
  /** [C], or null for 1 */
  scale: Tensor | null;
  /** [C], or null for 0 */
  shift: Tensor | null;
  /** x's shape; may be x itself (unless accumulating). */
  y: Tensor;
  /** Add to y instead of overwriting it. */
  accumulate: boolean;
}

/**
 * A per-channel affine map broadcast over x [N, C, …]: bias addition (scale null), batch
 * normalisation's scale and shift, and its backward terms (accumulate).
 */
export const channelScaleShift = defineKernel<ChannelScaleShiftArgs>('channelScaleShift', {
  validate({ x, scale, shift, y, accumulate }) {
    const op = 'channelScaleShift';
    assertFloat(op, 'x', x);
    assertFloat(op, 'y', y);
    expectShape(op, 'y', y, x.shape);
    if (scale !== null) expectChannelVector(op, 'scale', x, scale);
    if (shift !== null) expectChannelVector(op, 'shift', x, shift);
    assertNoAlias(op, y, x, 'x', !accumulate, 'y');
  },
  reference({ x, scale, shift, y, accumulate }) {
    const [N, C, inner] = channelLayout(x);
    const xd = x.data;
    const yd = y.data;
    const sd = scale?.data;
    const hd = shift?.data;
    for (let n = 0; n < N; n++) {
      for (let c = 0; c < C; c++) {
        const s = sd === undefined ? 1 : sd[c];
        const h = hd === undefined ? 0 : hd[c];
        const off = (n * C + c) * inner;
        for (let i = off; i < off + inner; i++) yd[i] = (accumulate ? yd[i] : 0) + xd[i] * s + h;
      }
    }
  },
});
