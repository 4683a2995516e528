// The CLI's area-averaging resize (build.mjs puts this module in place of the datasets library's
// image/resample.ts): both axes in one compiled call (src/wasm.ts says why), the same bits, streamed
// through a few resampled rows in the kernels' memory (no [height, outWidth] intermediate); and a
// decoded PNG shrunk straight from its rows, where they were decoded (src/wasm-png-rows.ts).
import type { GrayImage } from '../../../packages/datasets/src/image/decode.js';
import { decodeImage } from '../../../packages/datasets/src/image/decode.js';
import { pngSize } from '../../../packages/datasets/src/image/png.js';
import {
  type Shrunk,
  resizeArea as resizeAreaJs,
  shrinkToFit as shrinkToFitJs,
} from '../../../packages/datasets/src/image/resample.js';
import { decodeInKernels, fillPlane, pendingRows, planesEnd } from './wasm-png-rows.js';
import { preprocessKernels } from './wasm.js';

export type { Shrunk };

/** Area-averaging resize of a [height, width] image to [outHeight, outWidth] (see the library's). */
export function resizeArea(
  src: Float32Array,
  width: number,
  height: number,
  outWidth: number,
  outHeight: number,
): Float32Array {
  const shrunk = shrinkPending(src, width, height, outWidth, outHeight);
  if (shrunk !== null) return shrunk;
  fillPlane(src);
  const n = width * height;
  const outN = outHeight * outWidth;
  // Bytes: src [n f32] (or the plane where it lies), the output [outN f32], the kernel's scratch.
  const end = planesEnd(src);
  const srcAt = end < 0 ? 0 : src.byteOffset;
  const outAt = end < 0 ? 4 * n : end;
  const scratchAt = (outAt + 4 * outN + 15) & ~15;
  const valid =
    src.length === n && [width, height, outWidth, outHeight].every((v) => Number.isInteger(v) && v >= 1);
  const k0 = valid ? preprocessKernels(0) : null;
  const k =
    k0 === null
      ? null
      : preprocessKernels(scratchAt + k0.shrinkRowsScratch(width, height, outWidth, outHeight));
  if (k === null) return resizeAreaJs(src, width, height, outWidth, outHeight);
  const { buffer } = k.memory;
  if (end < 0) new Float32Array(buffer, 0, n).set(src);
  k.shrinkRows(srcAt, 4 * width, 0, width, height, outWidth, outHeight, outAt, scratchAt, -1);
  return new Float32Array(buffer, outAt, outN).slice();
}

/**
 * {@link resizeArea} of the decoded picture's plane `src` straight from the rows it is still to be
 * read from (src/wasm-png-rows.ts), with neither the full-size plane nor the [height, outWidth]
 * intermediate: the output where the plane would be, then the kernel's scratch. Null when `src` has
 * no such rows or the memory (pinned) lacks the room.
 */
function shrinkPending(
  src: Float32Array,
  width: number,
  height: number,
  outWidth: number,
  outHeight: number,
): Float32Array | null {
  const rows = pendingRows(src);
  const valid =
    rows !== null &&
    src.length === width * height &&
    [width, height, outWidth, outHeight].every((v) => Number.isInteger(v) && v >= 1);
  const k = valid ? preprocessKernels(0) : null;
  if (k === null || rows === null) return null;
  // Bytes: the output [outHeight·outWidth f32] from the plane's first, then the scratch; past the
  // rows when they lie there.
  const outAt = src.byteOffset;
  const outEnd = outAt + 4 * outHeight * outWidth;
  const scratch = k.shrinkRowsScratch(width, height, outWidth, outHeight);
  const rowsEnd = rows.at + (height - 1) * rows.stride + width * rows.channels;
  let scratchAt = (outEnd + 15) & ~15;
  if (scratchAt < rowsEnd && scratchAt + scratch > rows.at) scratchAt = (rowsEnd + 15) & ~15;
  if (rows.at < outEnd && outAt < rowsEnd) return null;
  if (preprocessKernels(scratchAt + scratch) === null) return null;
  // With alpha, composited onto the paper decodeImage would choose (the scratch holds its table first).
  const alpha = rows.channels === 2 || rows.channels === 4;
  const paper = alpha ? k.rowsPaper(rows.at, rows.stride, rows.channels, width, height, scratchAt) : -1;
  k.shrinkRows(
    rows.at,
    rows.stride,
    rows.channels,
    width,
    height,
    outWidth,
    outHeight,
    outAt,
    scratchAt,
    paper,
  );
  return new Float32Array(k.memory.buffer, outAt, outHeight * outWidth).slice();
}

/** `image` shrunk so that its longer side is at most `size` (see the library's `shrinkToFit`). */
export function shrinkToFit(image: GrayImage, size: number): Shrunk {
  return shrinkToFitJs(image, size, resizeArea);
}

/**
 * The picture `bytes` decode to, shrunk (see the library's `decodeShrunk`): decoded into the kernels'
 * memory and resized there, so the full-size picture takes no fresh arrays.
 */
export function decodeShrunk(bytes: Uint8Array, file: string, size: number): Shrunk {
  // A PNG of 8-bit gray+alpha or RGBA, not interlaced (its IHDR's depth, colour type and interlace
  // method; the chunk a PNG that decodes starts with): composited from its rows as it is shrunk.
  const alphaRows =
    bytes.length > 28 && bytes[24] === 8 && (bytes[25] === 4 || bytes[25] === 6) && bytes[28] === 0;
  return decodeInKernels(
    () => {
      const image = decodeImage(bytes, file);
      const shrunk = shrinkToFitJs(image, size, resizeArea);
      // Small enough to analyse as it is: out of the kernels' memory, which is scratch again after.
      if (planesEnd(shrunk.lum) >= 0) {
        fillPlane(shrunk.lum);
        shrunk.lum = shrunk.lum.slice();
      }
      return shrunk;
    },
    (alphaRows && pngSize(bytes)) || null,
  );
}
