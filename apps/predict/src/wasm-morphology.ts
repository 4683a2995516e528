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
  // Bytes: src, dst [4n each], padded [4p], then the scratch a [64 a padded row], v, pre [16 a sample
  // of a line each], suf [4 each].
  const padded = 8 * n;
  const v = padded + 4 * p + 64 * (h + 2 * r);
  const pre = v + 16 * line;
  const suf = pre + 16 * line;
  const valid = src.length === n && n > 0 && Number.isInteger(r) && r >= 0;
  const k = valid ? preprocessKernels(suf + 4 * line) : null;
  if (k === null) return borderClosingJs(src, w, h, r);
  const heap = new Float32Array(k.memory.buffer, 0, 2 * n);
  heap.set(src);
  k.borderClosing(0, 4 * n, w, h, r, padded, padded + 4 * p, v, pre, suf);
  return heap.slice(n, 2 * n);
}
