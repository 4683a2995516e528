// The CLI's PNG row loops (build.mjs puts this module in place of the datasets library's
// image/png-rows.ts): the kernels compiled (src/wasm.ts says why), the same bytes and bits. Large
// images keep the library's loops rather than copying tens of megabytes into the module's memory.
//
// Inside decodeInKernels, the inflated rows stay in the kernels' memory (src/native-inflate.ts) and
// the decoder's output arrays are views of it (past the rows), filled there and read
// there by the resize that follows (src/wasm-resample.ts): the full-size picture never costs fresh
// JavaScript arrays, nor copies in and out. The memory is pinned meanwhile (growing it would detach
// the views): a kernel needing more runs as the library's JavaScript.
import {
  crc32 as crc32Js,
  lumPlanes as lumPlanesJs,
  rowOf8Bits,
  rowsOf8Bits as rowsOf8BitsJs,
  unfilterRows as unfilterRowsJs,
} from '../../../packages/datasets/src/image/png-rows.js';
import { type PreprocessKernels, pinPreprocessMemory, preprocessKernels } from './wasm.js';

export { rowOf8Bits };

/** Largest work, in bytes of the module's memory, done compiled. */
const MAX_BYTES = 64 << 20;

/**
 * A picture's rows left unread: 8-bit gray (`channels` 1) or RGB (3) rows, or gray+alpha (2) or RGBA
 * (4) ones to be composited, `stride` bytes apart from byte `at` of the kernels' memory, that make
 * the whole luminance plane.
 */
export interface PendingRows {
  at: number;
  stride: number;
  channels: number;
}

/**
 * The size of the picture being decoded when its plane's reader composites its 8-bit gray+alpha or
 * RGBA rows itself (see {@link decodeInKernels}), else null.
 */
let alphaLater: { width: number; height: number } | null = null;

/**
 * Whether decodeInKernels is running; the planes it decoded into, the byte after them, and the rows
 * their luminance is still to be read from (see {@link pendingRows}).
 */
let wanted = false;
let planes: {
  lum: Float32Array;
  alpha: Float32Array | null;
  end: number;
  pending: (() => void) | null;
  rows: PendingRows | null;
  /** Alpha is left to the plane's reader: no alpha plane, and the rows must stay pending. */
  composite: boolean;
} | null = null;
/** The inflated rows kept in the kernels' memory inside decodeInKernels (src/native-inflate.ts). */
let keptRows: Uint8Array | null = null;
/** Where the decoder's planes go in the kernels' memory: 0, or past the kept rows (and the inflater's stream). */
let planesAt = 0;

/**
 * Whether inflated rows may stay in the kernels' memory: decodeInKernels is running and has kept
 * none yet. The caller grows the memory for them and what follows, then calls {@link keepRows}.
 */
export function rowsMayStay(): boolean {
  return wanted && keptRows === null && planes === null;
}

/**
 * Registers `raw`, a view of the kernels' memory, as the rows being decoded, the planes to go from
 * byte `at` (past them), and pins the memory.
 */
export function keepRows(raw: Uint8Array, at: number): void {
  keptRows = raw;
  planesAt = at;
  pinPreprocessMemory(true);
}

/**
 * Runs `decode` (a picture's decoding, and whatever reads its planes) with the decoder's output
 * arrays in the kernels' memory when they fit; they are scratch again once it returns, so nothing
 * it returns may be a view of them (see {@link planesEnd}). `compositeRows`: the size of the PNG
 * when it is one of 8-bit gray+alpha or RGBA rows, not interlaced, whose plane's reader composites
 * it from its rows ({@link pendingRows}, {@link fillPlane}): the decoder then gets no alpha plane
 * (nothing it returns besides the plane, such as whether a pixel was transparent, may be used).
 */
export function decodeInKernels<T>(
  decode: () => T,
  compositeRows: { width: number; height: number } | null = null,
): T {
  wanted = true;
  alphaLater = compositeRows;
  try {
    return decode();
  } finally {
    wanted = false;
    alphaLater = null;
    planes = null;
    keptRows = null;
    planesAt = 0;
    pinPreprocessMemory(false);
  }
}

/**
 * The first byte of the kernels' memory free for scratch when `lum` is the decoded picture's plane
 * there, else -1. The plane's values are there once {@link fillPlane} ran.
 */
export function planesEnd(lum: Float32Array): number {
  return planes !== null && lum === planes.lum ? planes.end : -1;
}

/**
 * The rows the decoded picture's plane `lum` is still to be read from, or null when its values are
 * there (or it is not that plane): a reader that resamples them itself ({@link fillPlane} otherwise)
 * needs no full-size plane.
 */
export function pendingRows(lum: Float32Array): PendingRows | null {
  return planes !== null && lum === planes.lum ? planes.rows : null;
}

/** Reads the decoded picture's pending rows (see {@link pendingRows}) into its plane `lum`, composited. */
export function fillPlane(lum: Float32Array): void {
  if (planes === null || lum !== planes.lum || planes.pending === null) return;
  const fill = planes.pending;
  planes.pending = null;
  planes.rows = null;
  fill();
}

/** The decoder's output arrays (see the library's `lumPlanes`): in the kernels' memory inside decodeInKernels. */
export function lumPlanes(n: number, withAlpha: boolean): { lum: Float32Array; alpha: Float32Array | null } {
  // Rows with alpha that stay in the memory, composited by the plane's reader: no alpha plane. With
  // room past the plane for the kernels' scratch of any shrink of the picture (twice that of a shrink
  // to its own size bounds it; the memory is pinned by then).
  const size = alphaLater;
  const composite =
    size !== null &&
    withAlpha &&
    keptRows !== null &&
    n === size.width * size.height &&
    compositeRoom(planesAt + 4 * n, size.width, size.height);
  const planeCount = withAlpha && !composite ? 2 : 1;
  const end = planesAt + 4 * planeCount * n;
  // Grown now, with room for a copy of the rows (at most 8 bytes a pixel and a filter byte a row)
  // and for the resize's output and scratch after the planes: pinned, it cannot grow later
  // (the inflater grew it for the rows it keeps, enough for a picture of 8 bits or more: one of fewer
  // bits a pixel may have its planes in JavaScript).
  const k =
    wanted && planes === null && n > 0 && end + 16 * n <= MAX_BYTES
      ? preprocessKernels(end + 16 * n + 65536)
      : null;
  if (k === null) return lumPlanesJs(n, withAlpha);
  pinPreprocessMemory(true);
  // Without alpha, the plane is left as it is: the decoder's passes write every pixel before anything
  // reads it (a failing decode throws first), and rows read whole may never need it (rowsOf8Bits).
  const lum = new Float32Array(k.memory.buffer, planesAt, n);
  if (planeCount === 2) lum.fill(0);
  const alpha = planeCount === 2 ? new Float32Array(k.memory.buffer, planesAt + 4 * n, n).fill(1) : null;
  planes = { lum, alpha, end, pending: null, rows: null, composite };
  return { lum, alpha };
}

/** The CRC-32 of a PNG chunk's `bytes[start, end)` (see the library's `crc32`). */
export function crc32(bytes: Uint8Array, start: number, end: number): number {
  const n = end - start;
  // Bytes: the chunk's bytes, then the table [256 u32]. From byte 0: the chunks are checked before
  // anything of the picture lies in the memory (else the library's loop).
  const tableAt = 8 * Math.ceil(n / 8);
  const free = keptRows === null && planes === null;
  const valid = free && start >= 0 && n >= 0 && end <= bytes.length && tableAt + 1024 <= MAX_BYTES;
  const k = valid ? preprocessKernels(tableAt + 1024) : null;
  if (k === null) return crc32Js(bytes, start, end);
  new Uint8Array(k.memory.buffer, 0, n).set(bytes.subarray(start, end));
  return k.crc32(0, n, tableAt) >>> 0;
}

/** Reverses the per-row filters of a pass in place; -1, or the first row with an unknown filter. */
export function unfilterRows(
  raw: Uint8Array,
  at: number,
  rows: number,
  rowBytes: number,
  bpp: number,
): number {
  const length = rows * (rowBytes + 1);
  const valid = at >= 0 && rows >= 0 && at + length <= raw.length;
  // The rows kept in the kernels' memory: reversed where they are.
  if (valid && raw === keptRows) {
    return (preprocessKernels(0) as PreprocessKernels).unfilterRows(
      raw.byteOffset + at,
      0,
      rows,
      rowBytes,
      bpp,
    );
  }
  // Bytes: the pass's rows, past the planes when they are in the kernels' memory.
  const base = planes === null ? 0 : planes.end;
  // Other rows than the kept ones are copied in only when no rows are kept (the layout would overlap them).
  const k = valid && keptRows === null && length <= MAX_BYTES ? preprocessKernels(base + length) : null;
  if (k === null) return unfilterRowsJs(raw, at, rows, rowBytes, bpp);
  const region = raw.subarray(at, at + length);
  const heap = new Uint8Array(k.memory.buffer, base, length);
  heap.set(region);
  const bad = k.unfilterRows(base, 0, rows, rowBytes, bpp);
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
  const inPlanes = planes !== null && lum === planes.lum && alpha === planes.alpha;
  const inPlace = raw === keptRows;
  // The whole picture's gray or RGB rows without alpha, or gray+alpha or RGBA rows left to be
  // composited, in place: read later, by whoever reads the plane (src/wasm-resample.ts shrinks the
  // picture straight from them); until then, the plane holds no values.
  const composite = planes?.composite === true;
  if (
    inPlace &&
    inPlanes &&
    planes !== null &&
    planes.pending === null &&
    alpha === null &&
    key === undefined &&
    (composite ? channels === 2 || channels === 4 : channels === 1 || channels === 3) &&
    first === 0 &&
    dx === 1 &&
    rowStep === cols &&
    rows * cols === n &&
    row >= 0 &&
    row + (rows - 1) * stride + cols * channels <= raw.length
  ) {
    const pending = { at: raw.byteOffset + row, stride, channels };
    planes.rows = pending;
    planes.pending = composite
      ? () => compositeRows(pending, cols, rows, lum)
      : () => readRows(raw, row, stride, rows, cols, channels, first, rowStep, dx, key, lum, alpha);
    return;
  }
  // The planes lack the alpha these rows would need.
  if (composite) throw new Error('scratchnet-predict: PNG rows with alpha, not read whole (internal error)');
  readRows(raw, row, stride, rows, cols, channels, first, rowStep, dx, key, lum, alpha);
}

/** Whether the kernels' memory holds, from byte `at`, the scratch of any shrink of a [height, width] picture. */
function compositeRoom(at: number, width: number, height: number): boolean {
  const k = preprocessKernels(0);
  return (
    k !== null &&
    preprocessKernels(at + 2 * k.shrinkRowsScratch(width, height, width, height) + 4096) !== null
  );
}

/**
 * The luminance of the [height, width] rows `rows` (with alpha) composited as the library's
 * decodeImage composites them, into `lum`, past which the memory holds the kernels' scratch: the
 * kernels' shrink to the same size, whose spans are single pixels of weight 1 (the same bits).
 */
function compositeRows(rows: PendingRows, width: number, height: number, lum: Float32Array): void {
  const k = preprocessKernels(0) as PreprocessKernels;
  const scratchAt = (lum.byteOffset + 4 * lum.length + 15) & ~15;
  const scratch = k.shrinkRowsScratch(width, height, width, height);
  if (preprocessKernels(scratchAt + scratch) === null) {
    throw new Error('scratchnet-predict: no room to composite PNG rows (internal error)');
  }
  const paper = k.rowsPaper(rows.at, rows.stride, rows.channels, width, height, scratchAt);
  k.shrinkRows(
    rows.at,
    rows.stride,
    rows.channels,
    width,
    height,
    width,
    height,
    lum.byteOffset,
    scratchAt,
    paper,
  );
}

/** {@link rowsOf8Bits}, read now. */
function readRows(
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
  const inPlanes = planes !== null && lum === planes.lum && alpha === planes.alpha;
  const inPlace = raw === keptRows;
  // Kept rows into JavaScript arrays, or other rows while some are kept: the library's loop (the
  // layout below would overlap the kept rows).
  if ((inPlace && !inPlanes) || (!inPlace && keptRows !== null)) {
    rowsOf8BitsJs(raw, row, stride, rows, cols, channels, first, rowStep, dx, key, lum, alpha);
    return;
  }
  // Bytes: lum [n f32], alpha [n f32] when there is one (the planes themselves when they are in the
  // kernels' memory), then the rows' bytes, then the kernel's table [256 f32] (past all the rows
  // kept in the memory: the other passes' are still to be read; the inflater's dead tables follow).
  const rawAt = inPlace
    ? raw.byteOffset + row
    : inPlanes
      ? (planes as { end: number }).end
      : (alpha === null ? 4 : 8) * n;
  const length = rows === 0 ? 0 : (rows - 1) * stride + cols * channels;
  const fits =
    row >= 0 &&
    row + length <= raw.length &&
    (alpha === null || alpha.length === n) &&
    (inPlace || rawAt + length <= MAX_BYTES);
  const tableAt = 8 * Math.ceil((inPlace ? raw.byteOffset + raw.length : rawAt + length) / 8);
  const k = fits ? preprocessKernels(tableAt + 1024) : null;
  if (k === null) {
    rowsOf8BitsJs(raw, row, stride, rows, cols, channels, first, rowStep, dx, key, lum, alpha);
    return;
  }
  const { buffer } = k.memory;
  const lumHeap = inPlanes ? lum : new Float32Array(buffer, 0, n);
  const alphaHeap = inPlanes || alpha === null ? alpha : new Float32Array(buffer, 4 * n, n);
  // A pass that writes every pixel (any non-interlaced image) needs none of the old values: copying
  // them in would read the fresh arrays' pages only to overwrite them.
  const whole = first === 0 && dx === 1 && rowStep === cols && rows * cols === n;
  if (!inPlanes && !whole) {
    lumHeap.set(lum);
    alphaHeap?.set(alpha as Float32Array);
  }
  if (!inPlace) new Uint8Array(buffer, rawAt, length).set(raw.subarray(row, row + length));
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
    lumHeap.byteOffset,
    alphaHeap === null ? 0 : alphaHeap.byteOffset,
    tableAt,
  );
  if (inPlanes) return;
  lum.set(lumHeap);
  if (alpha !== null && alphaHeap !== null) alpha.set(alphaHeap);
}
