// The CLI's area-averaging resize (build.mjs puts this module in place of the datasets library's
// image/resample.ts): both axes in one compiled call (src/wasm.ts says why), the same bits, with the
// intermediate [height, outWidth] image and the spans in the kernels' memory instead of fresh arrays.
import { resizeArea as resizeAreaJs } from '../../../packages/datasets/src/image/resample.js';
import { preprocessKernels } from './wasm.js';

/** Area-averaging resize of a [height, width] image to [outHeight, outWidth] (see the library's). */
export function resizeArea(
  src: Float32Array,
  width: number,
  height: number,
  outWidth: number,
  outHeight: number,
): Float32Array {
  const n = width * height;
  const tmpN = height * outWidth;
  const outN = outHeight * outWidth;
  // Bytes: src [n f32], tmp [tmpN f32]; the output over src (dead once tmp is done) when it fits
  // there, else after tmp; then the spans' first and count [i32] and weights [f32].
  const tmpAt = 4 * n;
  const outAt = outN <= n ? 0 : tmpAt + 4 * tmpN;
  const spansAt = Math.max(tmpAt + 4 * tmpN, outAt + 4 * outN);
  const lines = Math.max(outWidth, outHeight);
  const weights = Math.max(width + 2 * outWidth, height + 2 * outHeight);
  const valid =
    src.length === n && [width, height, outWidth, outHeight].every((v) => Number.isInteger(v) && v >= 1);
  const k = valid ? preprocessKernels(spansAt + 8 * lines + 4 * weights) : null;
  if (k === null) return resizeAreaJs(src, width, height, outWidth, outHeight);
  const { buffer } = k.memory;
  new Float32Array(buffer, 0, n).set(src);
  const countAt = spansAt + 4 * lines;
  k.resizeArea(0, tmpAt, outAt, width, height, outWidth, outHeight, spansAt, countAt, countAt + 4 * lines);
  return new Float32Array(buffer, outAt, outN).slice();
}
