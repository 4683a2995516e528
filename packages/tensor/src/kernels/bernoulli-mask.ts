import type { Random } from '../random.js';
import type { Tensor } from '../tensor.js';
import { assertFloat } from './check.js';
import { defineKernel } from './kernel.js';

/** Arguments of {@link bernoulliMask}. */
export interface BernoulliMaskArgs {
  /** Written: 0 with probability p, else `scale`. */
  mask: Tensor;
  /** Probability of a 0, in [0, 1]. */
  p: number;
  /** The value of the kept elements (1/(1 − p) for inverted dropout). */
  scale: number;
  rng: Random;
}

/**
 * A seeded Bernoulli mask: one `rng.uniform()` per element in element order, 0 where the draw is < p,
 * else `scale`, so every backend gives the same mask from the same generator state. p = 0 and p = 1
 * draw nothing (all `scale`, all 0).
 */
export const bernoulliMask = defineKernel<BernoulliMaskArgs>('bernoulliMask', {
  validate({ mask, p, scale }) {
    assertFloat('bernoulliMask', 'mask', mask);
    if (!(p >= 0 && p <= 1)) throw new RangeError(`bernoulliMask: p must be in [0, 1], got ${p}`);
    if (!Number.isFinite(scale)) throw new RangeError(`bernoulliMask: scale must be finite, got ${scale}`);
  },
  reference({ mask, p, scale, rng }) {
    const md = mask.data;
    if (p <= 0) md.fill(scale);
    else if (p >= 1) md.fill(0);
    else for (let i = 0; i < md.length; i++) md[i] = rng.uniform() < p ? 0 : scale;
  },
});
