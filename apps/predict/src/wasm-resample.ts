// The CLI's resize sums (build.mjs puts this module in place of the datasets library's
// image/resample.ts): the kernel compiled (src/wasm.ts says why), the same bits.
import { resampleLines as resampleLinesJs } from '../../../packages/datasets/src/image/resample.js';
import { preprocessKernels } from './wasm.js';

/** Weighted sums along one axis, as the library's `resampleLines` (which says how). */
export function resampleLines(
  src: Float32Array,
  dst: Float32Array,
  lines: number,
  inStride: number,
  outStride: number,
  lineStrideIn: number,
  lineStrideOut: number,
  first: Int32Array,
  count: Int32Array,
  w: Float32Array,
): void {
  const outSize = first.length;
  // Bytes: src, dst, first, count, w, one after the other.
  const dstAt = 4 * src.length;
  const firstAt = dstAt + 4 * dst.length;
  const countAt = firstAt + 4 * outSize;
  const wAt = countAt + 4 * outSize;
  const k = count.length === outSize ? preprocessKernels(wAt + 4 * w.length) : null;
  if (k === null) {
    resampleLinesJs(src, dst, lines, inStride, outStride, lineStrideIn, lineStrideOut, first, count, w);
    return;
  }
  const { buffer } = k.memory;
  new Float32Array(buffer, 0, src.length).set(src);
  const out = new Float32Array(buffer, dstAt, dst.length);
  out.set(dst);
  new Int32Array(buffer, firstAt, outSize).set(first);
  new Int32Array(buffer, countAt, outSize).set(count);
  new Float32Array(buffer, wAt, w.length).set(w);
  k.resampleLines(
    0,
    dstAt,
    lines,
    inStride,
    outStride,
    lineStrideIn,
    lineStrideOut,
    firstAt,
    countAt,
    wAt,
    outSize,
  );
  dst.set(out);
}
