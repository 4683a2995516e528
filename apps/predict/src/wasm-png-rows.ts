// The CLI's PNG row loops (build.mjs puts this module in place of the datasets library's
// image/png-rows.ts): the kernels compiled (src/wasm.ts says why), the same bytes and bits. Large
// images keep the library's loops rather than copying tens of megabytes into the module's memory.
import {
  rowOf8Bits,
  rowsOf8Bits as rowsOf8BitsJs,
  unfilterRows as unfilterRowsJs,
} from '../../../packages/datasets/src/image/png-rows.js';
import { preprocessKernels } from './wasm.js';

export { rowOf8Bits };

/** Largest work, in bytes of the module's memory, done compiled. */
const MAX_BYTES = 64 << 20;

/** Reverses the per-row filters of a pass in place; -1, or the first row with an unknown filter. */
export function unfilterRows(
  raw: Uint8Array,
  at: number,
  rows: number,
  rowBytes: number,
  bpp: number,
): number {
  const length = rows * (rowBytes + 1);
  const k =
    at >= 0 && rows >= 0 && at + length <= raw.length && length <= MAX_BYTES
      ? preprocessKernels(length)
      : null;
  if (k === null) return unfilterRowsJs(raw, at, rows, rowBytes, bpp);
  const region = raw.subarray(at, at + length);
  const heap = new Uint8Array(k.memory.buffer, 0, length);
  heap.set(region);
  const bad = k.unfilterRows(0, 0, rows, rowBytes, bpp);
  region.set(heap);
  return bad;
}

/** A pass of 8-bit gray, gray+alpha, RGB or RGBA rows into `lum` and `alpha` (see the library's). */
export function rowsOf8Bits(
  raw: Uint8Array,
  row: number,
  stride: number,
  rows: number,
  cols: number,
  channels: number,
  first: number,
  rowStep: number,
  dx: number,
  key: number[] | undefined,
  lum: Float32Array,
  alpha: Float32Array | null,
): void {
  const n = lum.length;
  // Bytes: lum [n f32], alpha [n f32] when there is one, then the rows' bytes.
  const rawAt = (alpha === null ? 4 : 8) * n;
  const length = rows === 0 ? 0 : (rows - 1) * stride + cols * channels;
  const fits =
    row >= 0 &&
    row + length <= raw.length &&
    (alpha === null || alpha.length === n) &&
    rawAt + length <= MAX_BYTES;
  const k = fits ? preprocessKernels(rawAt + length) : null;
  if (k === null) {
    rowsOf8BitsJs(raw, row, stride, rows, cols, channels, first, rowStep, dx, key, lum, alpha);
    return;
  }
  const { buffer } = k.memory;
  const lumHeap = new Float32Array(buffer, 0, n);
  const alphaHeap = alpha === null ? null : new Float32Array(buffer, 4 * n, n);
  // A pass that writes every pixel (any non-interlaced image) needs none of the old values: copying
  // them in would read the fresh arrays' pages only to overwrite them.
  if (!(first === 0 && dx === 1 && rowStep === cols && rows * cols === n)) {
    lumHeap.set(lum);
    alphaHeap?.set(alpha as Float32Array);
  }
  new Uint8Array(buffer, rawAt, length).set(raw.subarray(row, row + length));
  const keyed = key === undefined ? 0 : 1;
  const [k0, k1, k2] = key ?? [0, 0, 0];
  k.rowsOf8Bits(
    rawAt,
    0,
    stride,
    rows,
    cols,
    channels,
    first,
    rowStep,
    dx,
    keyed,
    k0,
    k1 ?? 0,
    k2 ?? 0,
    0,
    alpha === null ? 0 : 4 * n,
  );
  lum.set(lumHeap);
  if (alpha !== null && alphaHeap !== null) alpha.set(alphaHeap);
}
