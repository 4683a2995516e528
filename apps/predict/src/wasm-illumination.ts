// The CLI's ink map (build.mjs puts this module in place of the datasets library's
// preprocess/illumination.ts): paper estimate, percentiles and the per-pixel ink in one compiled
// call (src/wasm.ts says why), the same bits; the rest is the library's.
import {
  type InkMap,
  inkMap as inkMapJs,
  inkOf as inkOfJs,
  paperRadius,
} from '../../../packages/datasets/src/image/preprocess/illumination.js';
import { preprocessKernels } from './wasm.js';

export {
  type InkMap,
  estimatePaper,
  paperRadius,
} from '../../../packages/datasets/src/image/preprocess/illumination.js';

/** Histogram bins of the percentiles (levels.ts). */
const BINS = 4096;

/** Ink as the fraction by which a pixel is darker than its paper (see the library's `inkMap`). */
export function inkMap(light: Float32Array, w: number, h: number, r = paperRadius(w, h)): InkMap {
  const views = compiledInkMap(light, w, h, r);
  if (views === null) return inkMapJs(light, w, h, r);
  return { ink: views.ink.slice(), paper: views.paper.slice() };
}

/**
 * The ink of {@link inkMap} alone, without copying the paper estimate out, into `out` when given (see
 * the library's `inkOf`): `light` is in the kernels' memory by then, so `out` may be `light`.
 */
export function inkOf(
  light: Float32Array,
  w: number,
  h: number,
  r = paperRadius(w, h),
  out?: Float32Array,
): Float32Array {
  const views = compiledInkMap(light, w, h, r);
  if (views === null || (out !== undefined && out.length !== views.ink.length)) {
    return inkOfJs(light, w, h, r, out);
  }
  if (out === undefined) return views.ink.slice();
  out.set(views.ink);
  return out;
}

/**
 * The compiled ink map of `light`, as views of the kernels' memory (valid until their next call), or
 * null when the kernels cannot run it.
 */
function compiledInkMap(light: Float32Array, w: number, h: number, r: number): InkMap | null {
  const n = w * h;
  const p = (w + 2 * r) * (h + 2 * r);
  const line = Math.max(w, h) + 2 * r;
  // Bytes: the closing runs in place on [4p] from 0, the paper gathered back to its first 4n, then
  // the light copied in again past it [4n], where its difference and then its ink go. Scratch while
  // the closing runs past its room: the band a [64 a padded row], v, pre [16 a sample of a line
  // each], suf [4 each]; hist [4 · BINS] past both. The fewer pages touched: each is a fault.
  const a = align16(4 * p);
  const v = a + 64 * (h + 2 * r);
  const pre = v + 16 * line;
  const suf = pre + 16 * line;
  const hist = align16(Math.max(suf + 4 * line, 8 * n));
  const k =
    light.length === n && n > 0 && Number.isInteger(r) && r >= 0 ? preprocessKernels(hist + 4 * BINS) : null;
  if (k === null) return null;
  const { buffer } = k.memory;
  new Float32Array(buffer, 0, n).set(light);
  const floor = k.paperOf(0, w, h, r, a, v, pre, suf, hist);
  new Float32Array(buffer, 4 * n, n).set(light);
  k.inkOver(0, 4 * n, n, floor, hist);
  return { ink: new Float32Array(buffer, 4 * n, n), paper: new Float32Array(buffer, 0, n) };
}

/** `at` rounded up to a multiple of 16 (the SIMD loads' alignment). */
const align16 = (at: number): number => (at + 15) & ~15;
