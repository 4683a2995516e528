// The CLI's shadow clearing (build.mjs puts this module in place of the datasets library's
// preprocess/shadows.ts): the opening, labelling and clearing in one compiled call (src/wasm.ts says
// why), the same pixels cleared; and the threshold, clearing, blob labelling and mask of
// preprocessing in one layout, the same blobs and mask.
import type { Component } from '../../../packages/datasets/src/image/preprocess/components.js';
import {
  removeShadowInk as removeShadowInkJs,
  blobMask as blobMaskJs,
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
 * The blobs of ink above `on` once shadows are cleared, and the mask `choose` makes of them (see the
 * library's `blobMask`): the threshold, the clearing, the labelling and the mask in the kernels'
 * memory, where the ink is copied once and the label image stays (`choose` runs no kernel); only
 * the blobs' records and the mask come out.
 */
export function blobMask(
  ink: Float32Array,
  w: number,
  h: number,
  on: number,
  level: number,
  rho: number,
  choose: (components: Component[]) => Uint8Array | undefined,
): { components: Component[]; mask: Uint8Array } | undefined {
  const n = w * h;
  const layout = shadowLayout(ink, w, h, rho, n);
  if (layout === null) return blobMaskJs(ink, w, h, on, level, rho, choose);
  const { k, maskAt, labels, stack, stats } = layout;
  const { buffer } = k.memory;
  new Float32Array(buffer, 0, n).set(ink);
  k.thresholdInk(0, maskAt, n, on);
  clearShadows(layout, w, h, level, rho);
  // The labels where the clearing's were, free again.
  new Int32Array(buffer, labels, n).fill(0);
  const count = k.labelComponents(maskAt, 0, labels, stack, stats, w, h);
  const components = componentsAt(buffer, stats, count);
  const kind = choose(components);
  if (kind === undefined) return undefined;
  // The kind table over the records, read already (room for 40 bytes a pixel), the mask over the
  // thresholded ink. Should the memory have been grown meanwhile, the labels are gone: the library's.
  if (k.memory.buffer !== buffer || kind.length > 40 * n) {
    return blobMaskJs(ink, w, h, on, level, rho, () => kind);
  }
  new Uint8Array(buffer, stats, kind.length).set(kind);
  k.labelKinds(labels, stats, kind.length, maskAt, n);
  return { components, mask: new Uint8Array(buffer, maskAt, n).slice() };
}

/** Where the shadow clearing's arrays lie in the kernels' memory (the ink at byte 0). */
interface ShadowLayout {
  k: PreprocessKernels;
  maskAt: number;
  wide: number;
  fa: number;
  labels: number;
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
  // Bytes: ink [4n], mask and wide [n each, rounded up to 8], then the opening's fa and fb [4n each;
  // on bytes, fa takes n and fb a line], the labels over fa [4n], free once the opening is done, and
  // past them, over fb, stack [4n], weak [4n + 4], then a 40-byte record per blob (at most one per
  // pixel); the float opening's v, pre [16·line each], suf [4·line] past fb. The last three are
  // touched only as far as there are pixels and blobs to visit, the stack, the deepest of them in
  // practice, in the pages the forward pass touches anyway: the fewer pages touched, each a fault.
  const maskAt = 4 * n;
  const wide = maskAt + 8 * Math.ceil(n / 8);
  const fa = wide + 8 * Math.ceil(n / 8);
  const labels = fa;
  const stack = labels + 4 * n;
  const weak = stack + 4 * n;
  const stats = weak + 4 * n + 8;
  const v = Math.max(fa + 8 * n, stats + 40 * n);
  const k =
    maskLength === n && ink.length === n && n > 0 && Number.isInteger(rho) && rho >= 0
      ? preprocessKernels(v + 36 * line)
      : null;
  if (k === null || k.STATS_BYTES.value !== 40) return null;
  return { k, maskAt, wide, fa, labels, v, line, weak, stack, stats };
}

/** The compiled `removeShadowInk` on the ink and mask laid out by {@link shadowLayout}. */
function clearShadows(layout: ShadowLayout, w: number, h: number, level: number, rho: number): number {
  const { k, maskAt, wide, fa, labels, v, line, weak, stack, stats } = layout;
  const n = w * h;
  return k.removeShadowInk(
    maskAt,
    0,
    w,
    h,
    level,
    rho,
    fa,
    fa + 4 * n,
    wide,
    labels,
    stack,
    stats,
    weak,
    v,
    v + 16 * line,
    v + 32 * line,
  );
}
