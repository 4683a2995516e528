// The CLI's JPEG scan decoding (build.mjs puts this module in place of the datasets library's
// image/jpeg-scan.ts): the DC path's Huffman decoding compiled (src/wasm.ts says why), the same
// bits. Whatever the kernel does not handle, and every invalid code, goes to the library's
// JavaScript, so that errors stay the library's.
import {
  type Huffman,
  type ScanComponent,
  type ScanFrame,
  Truncated,
  buildHuffman,
  decodeScan as decodeScanJs,
  scanBlocks,
} from '../../../packages/datasets/src/image/jpeg-scan.js';
import { preprocessKernels } from './wasm.js';

export { type Huffman, type ScanComponent, type ScanFrame, Truncated, buildHuffman, scanBlocks };

/** Largest work, in bytes of the module's memory, done compiled. */
const MAX_BYTES = 256 << 20;

// The kernel's layout (assembly/jpeg-scan.ts): component records, predictions, tables, then the
// grid and the bytes.
const COMPONENT_BYTES = 32;
const MAX_COMPONENTS = 4;
const PREDS = MAX_COMPONENTS * COMPONENT_BYTES;
const TABLES = PREDS + 4 * MAX_COMPONENTS;
const TABLE_BYTES = 1536;
const GRID = TABLES + 2 * MAX_COMPONENTS * TABLE_BYTES;

/** The kernel's results other than a position. */
const TRUNCATED = -1;

function writeTable(heap: DataView, at: number, t: Huffman): void {
  for (let l = 0; l < 18; l++) heap.setInt32(at + 4 * l, t.maxCode[l], true);
  for (let l = 0; l < 17; l++) heap.setInt32(at + 72 + 4 * l, t.valPtr[l], true);
  for (let l = 0; l < 17; l++) heap.setInt32(at + 140 + 4 * l, t.minCode[l], true);
  heap.setInt32(at + 208, t.values.length, true);
  for (let i = 0; i < t.values.length; i++) heap.setUint8(at + 212 + i, t.values[i]);
}

/**
 * The compiled kernel's result for the library's `decodeScan`: the byte after the last one read, or
 * -1 (truncated), -2 (an invalid code), -3 (a symbol outside its table); null when the kernel cannot
 * run (no WebAssembly, too much memory, too many components or symbols). Fills `grid` on success.
 */
export function decodeScanCompiled(
  bytes: Uint8Array,
  start: number,
  frame: ScanFrame,
  scan: readonly ScanComponent[],
  restartInterval: number,
  mcusX: number,
  mcusY: number,
  grid: Float32Array,
  gridW: number,
  q: number,
): number | null {
  if (scan.length < 1 || scan.length > MAX_COMPONENTS || !(start >= 0 && start <= bytes.length)) return null;
  if (scan.some((c) => c.dc.values.length > 256 || c.ac.values.length > 256)) return null;
  const { blocksX, blocksY } = scanBlocks(frame, scan, mcusX, mcusY);
  const length = bytes.length - start;
  const dataAt = GRID + 4 * grid.length;
  const k = dataAt + length <= MAX_BYTES ? preprocessKernels(dataAt + length) : null;
  if (k === null) return null;
  const { buffer } = k.memory;
  const heap = new DataView(buffer, 0, GRID);
  const single = scan.length === 1;
  scan.forEach((c, i) => {
    const at = i * COMPONENT_BYTES;
    const { h, v } = frame.components[c.index];
    const dc = TABLES + 2 * i * TABLE_BYTES;
    heap.setInt32(at, single ? 1 : h, true);
    heap.setInt32(at + 4, single ? 1 : v, true);
    heap.setInt32(at + 8, c.index === 0 ? 1 : 0, true);
    heap.setInt32(at + 12, dc, true);
    heap.setInt32(at + 16, dc + TABLE_BYTES, true);
    writeTable(heap, dc, c.dc);
    writeTable(heap, dc + TABLE_BYTES, c.ac);
  });
  const gridHeap = new Float32Array(buffer, GRID, grid.length);
  gridHeap.set(grid);
  new Uint8Array(buffer, dataAt, length).set(bytes.subarray(start));
  const r = k.decodeDcScan(
    dataAt,
    length,
    0,
    scan.length,
    blocksX,
    blocksY,
    restartInterval,
    GRID,
    gridW,
    grid.length,
    q,
    PREDS,
  );
  if (r < 0) return r;
  grid.set(gridHeap);
  return start + r;
}

/** The library's `decodeScan`, compiled when it can be (the same results and errors). */
export function decodeScan(
  bytes: Uint8Array,
  start: number,
  frame: ScanFrame,
  scan: readonly ScanComponent[],
  restartInterval: number,
  mcusX: number,
  mcusY: number,
  grid: Float32Array,
  gridW: number,
  q: number,
): number {
  const r = decodeScanCompiled(bytes, start, frame, scan, restartInterval, mcusX, mcusY, grid, gridW, q);
  if (r !== null && r >= 0) return r;
  if (r === TRUNCATED) throw new Truncated();
  return decodeScanJs(bytes, start, frame, scan, restartInterval, mcusX, mcusY, grid, gridW, q);
}
