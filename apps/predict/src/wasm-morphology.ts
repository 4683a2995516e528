// The CLI's grey-level morphology (build.mjs puts this module in place of the datasets library's
// preprocess/morphology.ts): the border-extended closing as one compiled kernel, padding and crop
// included (src/wasm.ts says why), the same bits; the rest is the library's.
import { borderClosing as borderClosingJs } from '../../../packages/datasets/src/image/preprocess/morphology.js';
import { preprocessKernels } from './wasm.js';

export {
  boxBlur,
  closing,
  extremeFilter,
} from '../../../packages/datasets/src/image/preprocess/morphology.js';

/**
 * Morphological closing of the picture extended by r pixels on every side (edge pixels repeated),
 * cropped back: dark regions reaching the border are kept however narrow they are inside.
 */
export function borderClosing(src: Float32Array, w: number, h: number, r: number): Float32Array {
  const n = w * h;
  const p = (w + 2 * r) * (h + 2 * r);
  const line = Math.max(w, h) + 2 * r;
  // Floats: src, dst [n each], padded, a [p each], then the scratch lines v, pre, suf.
  const floats = 2 * n + 2 * p + 3 * line;
  const k = src.length === n && n > 0 && Number.isInteger(r) && r >= 0 ? preprocessKernels(4 * floats) : null;
  if (k === null) return borderClosingJs(src, w, h, r);
  const heap = new Float32Array(k.memory.buffer, 0, floats);
  heap.set(src);
  const padded = 8 * n;
  const v = padded + 8 * p;
  k.borderClosing(0, 4 * n, w, h, r, padded, padded + 4 * p, v, v + 4 * line, v + 8 * line);
  return heap.slice(n, 2 * n);
}
