/**
 * Inverted dropout. The mask is drawn from `rng` in element order, one `uniform()` per element (an
 * element is dropped when its draw is < p), so every backend that follows this rule produces the
 * same mask from the same generator state. p = 0 and p = 1 draw nothing: the mask is then all 1 or
 * all 0.
 */
import type { Random } from '../../random.js';
import type { Tensor } from '../../tensor.js';

/** Fills `mask` with 0 (probability p) or 1/(1 − p), as described above. */
export function dropoutMask(mask: Float32Array, p: number, rng: Random): void {
  if (p <= 0) {
    mask.fill(1);
    return;
  }
  if (p >= 1) {
    mask.fill(0);
    return;
  }
  const scale = 1 / (1 - p);
  for (let i = 0; i < mask.length; i++) mask[i] = rng.uniform() < p ? 0 : scale;
}

/** mask ← dropout mask, y ← x · mask. Writes both. */
export function dropout(x: Tensor, mask: Tensor, y: Tensor, p: number, rng: Random): void {
  const md = mask.data;
  dropoutMask(md, p, rng);
  const xd = x.data;
  const yd = y.data;
  for (let i = 0; i < yd.length; i++) yd[i] = xd[i] * md[i];
}
