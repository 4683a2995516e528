// The CLI's full-scale JPEG decode (build.mjs puts this module in place of the datasets library's
// image/jpeg-full.ts): baseline images of one scan decoded by the compiled kernels (src/wasm.ts says
// why) with jpeg-js's arithmetic, so the same bits; everything else, and anything the kernel finds
// unexpected, goes to the library's jpeg-js decode, so that errors stay the library's.
import {
  type FullFrame,
  decodeFull as decodeFullJs,
} from '../../../packages/datasets/src/image/jpeg-full.js';
import { type Huffman, buildHuffman } from '../../../packages/datasets/src/image/jpeg-scan.js';
import type { Luminance } from '../../../packages/datasets/src/image/raster.js';
import { preprocessKernels } from './wasm.js';

export type { FullFrame };

/** Largest work, in bytes of the module's memory, done compiled. */
const MAX_BYTES = 256 << 20;

// The kernel's layout (assembly/jpeg-full.ts): component records, the zigzag order, a block of
// coefficients, quantization and Huffman tables, then the planes, the luminance and the bytes.
const RECORD = 64;
const ZIGZAG = 4 * RECORD;
const BLOCK = ZIGZAG + 64;
const QUANT = BLOCK + 256;
const TABLES = QUANT + 4 * 256;
const TABLE_BYTES = 1536;
const HEADER = TABLES + 8 * TABLE_BYTES;

const ZIGZAG_ORDER = [
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7,
  14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46,
  53, 60, 61, 54, 47, 55, 62, 63,
];

/** A baseline JPEG of one scan as the kernel takes it. */
interface Plan {
  quant: Map<number, Int32Array>;
  scan: { index: number; dc: Huffman; ac: Huffman }[];
  restartInterval: number;
  /** Offset of the entropy-coded data. */
  start: number;
}

/** Whether a table's code lengths leave room for its codes (jpeg-js rejects it otherwise). */
function complete(counts: Uint8Array): boolean {
  let code = 0;
  for (let len = 1; len <= 16; len++) {
    code += counts[len - 1];
    if (code > 1 << len) return false;
    code <<= 1;
  }
  return true;
}

/**
 * The segments of a baseline JPEG of one scan holding every component, in frame order (SOI, APPn,
 * COM, DQT, DHT, DRI, one SOF0/SOF1, SOS), or null for anything else.
 */
function plan(bytes: Uint8Array, frame: FullFrame): Plan | null {
  if (frame.type !== 0xc0 && frame.type !== 0xc1) return null;
  const n = frame.components.length;
  if (n !== 1 && n !== 3) return null;
  const quant = new Map<number, Int32Array>();
  const dcTables = new Map<number, Huffman>();
  const acTables = new Map<number, Huffman>();
  let restartInterval = 0;
  let frames = 0;
  for (let at = 2; at + 4 <= bytes.length; ) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1];
    const end = at + 2 + ((bytes[at + 2] << 8) | bytes[at + 3]);
    if (end > bytes.length || end < at + 4) return null;
    const s = at + 4;
    if ((marker >= 0xe0 && marker <= 0xef) || marker === 0xfe) {
      // Application data and comments change nothing in the pixels here.
    } else if (marker === 0xdb) {
      for (let p = s; p < end; ) {
        const wide = bytes[p] >> 4;
        if (wide > 1 || p + 1 + (wide ? 128 : 64) > end) return null;
        const table = new Int32Array(64);
        for (let j = 0; j < 64; j++) {
          table[ZIGZAG_ORDER[j]] = wide
            ? (bytes[p + 1 + 2 * j] << 8) | bytes[p + 2 + 2 * j]
            : bytes[p + 1 + j];
        }
        quant.set(bytes[p] & 15, table);
        p += 1 + (wide ? 128 : 64);
      }
    } else if (marker === 0xc4) {
      for (let p = s; p < end; ) {
        if (p + 17 > end) return null;
        const counts = bytes.subarray(p + 1, p + 17);
        const total = counts.reduce((a, b) => a + b, 0);
        if (p + 17 + total > end || total > 256 || !complete(counts)) return null;
        const table = buildHuffman(counts, bytes.subarray(p + 17, p + 17 + total));
        (bytes[p] >> 4 === 0 ? dcTables : bytes[p] >> 4 === 1 ? acTables : null)?.set(bytes[p] & 15, table);
        if (bytes[p] >> 4 > 1) return null;
        p += 17 + total;
      }
    } else if (marker === 0xdd) {
      if (end - s < 2) return null;
      restartInterval = (bytes[s] << 8) | bytes[s + 1];
    } else if (marker === 0xc0 || marker === 0xc1) {
      frames++;
    } else if (marker === 0xda) {
      if (frames !== 1 || bytes[s] !== n || s + 1 + 2 * n > end) return null;
      const scan: Plan['scan'] = [];
      for (let i = 0; i < n; i++) {
        const sel = bytes[s + 2 + 2 * i];
        const dc = dcTables.get(sel >> 4);
        const ac = acTables.get(sel & 15);
        if (bytes[s + 1 + 2 * i] !== frame.components[i].id || dc === undefined || ac === undefined)
          return null;
        if (!quant.has(frame.components[i].tq)) return null;
        scan.push({ index: i, dc, ac });
      }
      // jpeg-js starts the data after the scan header's components and three bytes.
      return { quant, scan, restartInterval, start: s + 1 + 2 * n + 3 };
    } else return null;
    at = end;
  }
  return null;
}

function writeTable(heap: DataView, at: number, t: Huffman): void {
  for (let l = 0; l < 18; l++) heap.setInt32(at + 4 * l, t.maxCode[l], true);
  for (let l = 0; l < 17; l++) heap.setInt32(at + 72 + 4 * l, t.valPtr[l], true);
  for (let l = 0; l < 17; l++) heap.setInt32(at + 140 + 4 * l, t.minCode[l], true);
  heap.setInt32(at + 208, t.values.length, true);
  for (let i = 0; i < t.values.length; i++) heap.setUint8(at + 212 + i, t.values[i]);
}

/** The compiled decode's luminance, or null when jpeg-js is to decode. */
export function decodeFullCompiled(bytes: Uint8Array, frame: FullFrame): Luminance | null {
  const p = plan(bytes, frame);
  if (p === null) return null;
  const { width, height, components } = frame;
  const maxH = Math.max(1, ...components.map((c) => c.h));
  const maxV = Math.max(1, ...components.map((c) => c.v));
  const mcusX = Math.ceil(width / 8 / maxH);
  const mcusY = Math.ceil(height / 8 / maxV);
  const geometry = components.map((c) => {
    const blocksPerLine = Math.ceil((Math.ceil(width / 8) * c.h) / maxH);
    const blocksPerColumn = Math.ceil((Math.ceil(height / 8) * c.v) / maxV);
    return { blocksPerLine, blocksPerColumn, bytes: blocksPerLine * blocksPerColumn * 64 };
  });
  const planes = geometry.reduce((a, g) => a + g.bytes, 0);
  const lumAt = HEADER + ((planes + 15) & ~15);
  const dataAt = lumAt + 4 * width * height;
  const k = dataAt + bytes.length <= MAX_BYTES ? preprocessKernels(dataAt + bytes.length) : null;
  if (k === null) return null;
  const { buffer } = k.memory;
  const heap = new DataView(buffer, 0, HEADER);
  new Uint8Array(buffer, ZIGZAG, 64).set(ZIGZAG_ORDER);
  let planeAt = HEADER;
  p.scan.forEach((s, i) => {
    const c = components[s.index];
    const at = i * RECORD;
    const dc = TABLES + 2 * i * TABLE_BYTES;
    const q = QUANT + 256 * i;
    heap.setInt32(at, c.h, true);
    heap.setInt32(at + 4, c.v, true);
    heap.setInt32(at + 8, dc, true);
    heap.setInt32(at + 12, dc + TABLE_BYTES, true);
    heap.setInt32(at + 16, q, true);
    heap.setInt32(at + 24, geometry[i].blocksPerLine, true);
    heap.setInt32(at + 28, geometry[i].blocksPerColumn, true);
    heap.setInt32(at + 32, planeAt, true);
    planeAt += geometry[i].bytes;
    writeTable(heap, dc, s.dc);
    writeTable(heap, dc + TABLE_BYTES, s.ac);
    new Int32Array(buffer, q, 64).set(p.quant.get(c.tq) as Int32Array);
  });
  new Uint8Array(buffer, dataAt, bytes.length).set(bytes);
  const n = p.scan.length;
  const after = k.decodeJpegScan(
    dataAt,
    bytes.length,
    p.start,
    0,
    n,
    mcusX,
    mcusY,
    p.restartInterval,
    ZIGZAG,
    BLOCK,
  );
  // jpeg-js reads the end of the image next; anything else there is its to handle.
  if (after < 0 || after + 1 >= bytes.length || bytes[after] !== 0xff || bytes[after + 1] !== 0xd9)
    return null;
  k.jpegLuminance(0, n, width, height, maxH, maxV, lumAt);
  const lum = new Float32Array(width * height);
  lum.set(new Float32Array(buffer, lumAt, width * height));
  return { width, height, lum, alpha: null };
}

/** The library's `decodeFull`, compiled for baseline images of one scan (the same results and errors). */
export function decodeFull(bytes: Uint8Array, frame: FullFrame, file: string, maxPixels: number): Luminance {
  return decodeFullCompiled(bytes, frame) ?? decodeFullJs(bytes, frame, file, maxPixels);
}
