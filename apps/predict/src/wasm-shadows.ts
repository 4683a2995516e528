// The CLI's shadow clearing (build.mjs puts this module in place of the datasets library's
// preprocess/shadows.ts): the opening, labelling and clearing in one compiled call (src/wasm.ts says
// why), the same pixels cleared; and the threshold, clearing and blob labelling of preprocessing in
// one layout, the same labels and blobs.
import type { Component } from '../../../packages/datasets/src/image/preprocess/components.js';
import {
  removeShadowInk as removeShadowInkJs,
  shadowFreeBlobs as shadowFreeBlobsJs,
} from '../../../packages/datasets/src/image/preprocess/shadows.js';
import { componentsAt } from './wasm-components.js';
import { type PreprocessKernels, preprocessKernels } from './wasm.js';

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
  const layout = shadowLayout(ink, w, h, rho, mask.length);
  if (layout === null) return removeShadowInkJs(mask, ink, w, h, level, rho);
  const { k, maskAt } = layout;
  const { buffer } = k.memory;
  new Float32Array(buffer, 0, ink.length).set(ink);
  new Uint8Array(buffer, maskAt, mask.length).set(mask);
  const cleared = clearShadows(layout, w, h, level, rho);
  mask.set(new Uint8Array(buffer, maskAt, mask.length));
  return cleared;
}

/**
 * The blobs of ink above `on` once shadows are cleared (see the library's `shadowFreeBlobs`): the
 * threshold, the clearing and the labelling in the kernels' memory, where the ink is copied once
 * and the mask stays; only the labels and the blobs' records come out.
 */
export function shadowFreeBlobs(
  ink: Float32Array,
  w: number,
  h: number,
  on: number,
  level: number,
  rho: number,
): { labels: Int32Array; components: Component[] } {
  const n = w * h;
  const layout = shadowLayout(ink, w, h, rho, n);
  if (layout === null) return shadowFreeBlobsJs(ink, w, h, on, level, rho);
  const { k, maskAt, stack, stats } = layout;
  const { buffer } = k.memory;
  new Float32Array(buffer, 0, n).set(ink);
  k.thresholdInk(0, maskAt, n, on);
  clearShadows(layout, w, h, level, rho);
  // The labels over the clearing's first scratch plane, free again.
  new Int32Array(buffer, 4 * n, n).fill(0);
  const count = k.labelComponents(maskAt, 0, 4 * n, stack, stats, w, h);
  return { labels: new Int32Array(buffer, 4 * n, n).slice(), components: componentsAt(buffer, stats, count) };
}

/** Where the shadow clearing's arrays lie in the kernels' memory (the ink at byte 0). */
interface ShadowLayout {
  k: PreprocessKernels;
  maskAt: number;
  wide: number;
  v: number;
  line: number;
  weak: number;
  stack: number;
  stats: number;
}

/** The kernels, grown for the shadow clearing of a `w`×`h` picture, and its layout; null when they cannot run it. */
function shadowLayout(
  ink: Float32Array,
  w: number,
  h: number,
  rho: number,
  maskLength: number,
): ShadowLayout | null {
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
    maskLength === n && ink.length === n && n > 0 && Number.isInteger(rho) && rho >= 0
      ? preprocessKernels(stats + 40 * n)
      : null;
  if (k === null || k.STATS_BYTES.value !== 40) return null;
  return { k, maskAt, wide, v, line, weak, stack, stats };
}

/** The compiled `removeShadowInk` on the ink and mask laid out by {@link shadowLayout}. */
function clearShadows(layout: ShadowLayout, w: number, h: number, level: number, rho: number): number {
  const { k, maskAt, wide, v, line, weak, stack, stats } = layout;
  const n = w * h;
  return k.removeShadowInk(
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
}
