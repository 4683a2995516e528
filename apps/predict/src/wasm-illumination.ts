// The CLI's ink map (build.mjs puts this module in place of the datasets library's
// preprocess/illumination.ts): paper estimate, percentiles and the per-pixel ink in one compiled
// call (src/wasm.ts says why), the same bits; the rest is the library's.
import {
  type InkMap,
  inkMap as inkMapJs,
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
  const heap = compiledInkMap(light, w, h, r);
  if (heap === null) return inkMapJs(light, w, h, r);
  const n = w * h;
  return { ink: heap.slice(3 * n, 4 * n), paper: heap.slice(n, 2 * n) };
}

/** The ink of {@link inkMap} alone, without copying the paper estimate out (see the library's `inkOf`). */
export function inkOf(light: Float32Array, w: number, h: number, r = paperRadius(w, h)): Float32Array {
  const heap = compiledInkMap(light, w, h, r);
  if (heap === null) return inkMapJs(light, w, h, r).ink;
  const n = w * h;
  return heap.slice(3 * n, 4 * n);
}

/**
 * The compiled ink map of `light` in the kernels' memory (floats: light, paper, diff, ink, then
 * scratch), or null when the kernels cannot run it.
 */
function compiledInkMap(light: Float32Array, w: number, h: number, r: number): Float32Array | null {
  const n = w * h;
  const p = (w + 2 * r) * (h + 2 * r);
  const line = Math.max(w, h) + 2 * r;
  // Floats: light, paper, diff, ink [n each], padded, a, b [p each], v, pre, suf [line each], hist.
  const floats = 4 * n + 3 * p + 3 * line + BINS;
  const k =
    light.length === n && n > 0 && Number.isInteger(r) && r >= 0 ? preprocessKernels(4 * floats) : null;
  if (k === null) return null;
  const heap = new Float32Array(k.memory.buffer, 0, floats);
  heap.set(light);
  const padded = 16 * n;
  const v = padded + 12 * p;
  const hist = v + 12 * line;
  k.inkMap(
    0,
    4 * n,
    8 * n,
    12 * n,
    w,
    h,
    r,
    padded,
    padded + 4 * p,
    padded + 8 * p,
    v,
    v + 4 * line,
    v + 8 * line,
    hist,
  );
  return heap;
}
