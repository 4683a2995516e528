// The CLI's shadow clearing (build.mjs puts this module in place of the datasets library's
// preprocess/shadows.ts): the opening, labelling and clearing in one compiled call (src/wasm.ts says
// why), the same pixels cleared.
import { removeShadowInk as removeShadowInkJs } from '../../../packages/datasets/src/image/preprocess/shadows.js';
import { preprocessKernels } from './wasm.js';

/**
 * Clears from `mask` the weak pixels of every wide region where most pixels are weak: a shadow (see
 * the library's `removeShadowInk`). Returns the number of pixels cleared.
 */
export function removeShadowInk(
  mask: Uint8Array,
  ink: Float32Array,
  w: number,
  h: number,
  level: number,
  rho: number,
): number {
  const n = w * h;
  const line = Math.max(w, h);
  // Bytes: ink, fa, fb, labels [4n each], mask and wide [n each, rounded up to 8], v, pre, suf
  // [4·line each], weak [4n + 4], stack [4n], then a 40-byte record per blob (at most one per
  // pixel). The last three are touched only as far as there are blobs and pixels to visit: at the
  // end, they leave the rest of their room untouched.
  const maskAt = 16 * n;
  const wide = maskAt + 8 * Math.ceil(n / 8);
  const v = wide + 8 * Math.ceil(n / 8);
  const weak = v + 12 * line;
  const stack = weak + 4 * n + 8;
  const stats = stack + 4 * n;
  const k =
    mask.length === n && ink.length === n && n > 0 && Number.isInteger(rho) && rho >= 0
      ? preprocessKernels(stats + 40 * n)
      : null;
  if (k === null || k.STATS_BYTES.value !== 40) return removeShadowInkJs(mask, ink, w, h, level, rho);
  const { buffer } = k.memory;
  new Float32Array(buffer, 0, n).set(ink);
  new Uint8Array(buffer, maskAt, n).set(mask);
  const cleared = k.removeShadowInk(
    maskAt,
    0,
    w,
    h,
    level,
    rho,
    4 * n,
    8 * n,
    wide,
    12 * n,
    stack,
    stats,
    weak,
    v,
    v + 4 * line,
    v + 8 * line,
  );
  mask.set(new Uint8Array(buffer, maskAt, n));
  return cleared;
}
