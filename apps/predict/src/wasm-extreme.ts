// The CLI's running extremes (build.mjs puts this module in place of the datasets library's
// preprocess/extreme.ts): the kernel compiled (src/wasm.ts says why), the same bits.
import { extremeFilter as extremeFilterJs } from '../../../packages/datasets/src/image/preprocess/extreme.js';
import { preprocessKernels } from './wasm.js';

/** Maximum (`sign` 1, a dilation) or minimum (`sign` -1, an erosion) over a (2r+1)² square. */
export function extremeFilter(
  src: Float32Array,
  w: number,
  h: number,
  r: number,
  sign: 1 | -1,
): Float32Array {
  const n = src.length;
  const line = Math.max(w, h);
  // Bytes: src, tmp, out [4n each], then the scratch v, pre [16 a sample of a line each], suf [4 each].
  const v = 4 * 3 * n;
  const pre = v + 16 * line;
  const suf = pre + 16 * line;
  const k = n === w * h && r >= 0 ? preprocessKernels(suf + 4 * line) : null;
  if (k === null) return extremeFilterJs(src, w, h, r, sign);
  const heap = new Float32Array(k.memory.buffer, 0, 3 * n);
  heap.set(src);
  k.extremeAxis(0, 4 * n, w, h, r, sign, 1, v, pre, suf);
  k.extremeAxis(4 * n, 8 * n, w, h, r, sign, 0, v, pre, suf);
  return heap.slice(2 * n, 3 * n);
}
