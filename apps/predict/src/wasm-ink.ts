// The CLI's per-pixel preprocessing passes (build.mjs puts this module in place of the datasets
// library's preprocess/ink.ts): compiled (src/wasm.ts says why), the same bits.
import * as js from '../../../packages/datasets/src/image/preprocess/ink.js';
import type { Box } from '../../../packages/datasets/src/image/preprocess/select.js';
import { preprocessKernels } from './wasm.js';

/** Histogram bins of the percentiles (levels.ts). */
const BINS = 4096;

/** `1 − v` for every value (see the library's `complement`). */
export function complement(lum: Float32Array): Float32Array {
  const n = lum.length;
  const k = n > 0 ? preprocessKernels(8 * n) : null;
  if (k === null) return js.complement(lum);
  const heap = new Float32Array(k.memory.buffer, 0, 2 * n);
  heap.set(lum);
  k.complement(0, 4 * n, n);
  return heap.slice(n);
}

/** The ink level of the strokes (see the library's `strokeLevel`). */
export function strokeLevel(ink: Float32Array): number {
  const n = ink.length;
  const k = n > 0 ? preprocessKernels(4 * n + 4 * BINS) : null;
  if (k === null) return js.strokeLevel(ink);
  new Float32Array(k.memory.buffer, 0, n).set(ink);
  return k.strokeLevel(0, n, 4 * n);
}

/** 1 where `ink` is above `on`, else 0. */
export function thresholdInk(ink: Float32Array, on: number): Uint8Array {
  const n = ink.length;
  const k = n > 0 ? preprocessKernels(5 * n) : null;
  if (k === null) return js.thresholdInk(ink, on);
  new Float32Array(k.memory.buffer, 0, n).set(ink);
  k.thresholdInk(0, 4 * n, n, on);
  return new Uint8Array(k.memory.buffer, 4 * n, n).slice();
}

/** `kind[label]` for every pixel's label. */
export function labelKinds(labels: Int32Array, kind: Uint8Array): Uint8Array {
  const n = labels.length;
  const k = n > 0 ? preprocessKernels(5 * n + kind.length) : null;
  if (k === null) return js.labelKinds(labels, kind);
  new Int32Array(k.memory.buffer, 0, n).set(labels);
  new Uint8Array(k.memory.buffer, 5 * n, kind.length).set(kind);
  k.labelKinds(0, 5 * n, kind.length, 4 * n, n);
  return new Uint8Array(k.memory.buffer, 4 * n, n).slice();
}

/** The digit's ink (mask 2) in `box`, as `max(ink · scale − offset, 0)`. */
export function cropInk(
  ink: Float32Array,
  mask: Uint8Array,
  w: number,
  box: Box,
  scale: number,
  offset: number,
): Float32Array {
  const n = ink.length;
  const size = box.width * box.height;
  const inside =
    box.x >= 0 &&
    box.y >= 0 &&
    box.width >= 0 &&
    box.height >= 0 &&
    box.x + box.width <= w &&
    (box.y + box.height) * w <= n &&
    mask.length === n;
  const k = inside && size > 0 ? preprocessKernels(4 * n + 8 * Math.ceil(n / 8) + 4 * size) : null;
  if (k === null) return js.cropInk(ink, mask, w, box, scale, offset);
  const maskAt = 4 * n;
  const out = maskAt + 8 * Math.ceil(n / 8);
  new Float32Array(k.memory.buffer, 0, n).set(ink);
  new Uint8Array(k.memory.buffer, maskAt, n).set(mask);
  k.cropInk(0, maskAt, out, w, box.x, box.y, box.width, box.height, scale, offset);
  return new Float32Array(k.memory.buffer, out, size).slice();
}

/** Mean stroke width of the ink ≈ 2·area / boundary length (see the library's `strokeWidth`). */
export function strokeWidth(img: Float32Array, w: number, h: number): number {
  const n = img.length;
  const k = n > 0 && n === w * h ? preprocessKernels(4 * n) : null;
  if (k === null) return js.strokeWidth(img, w, h);
  new Float32Array(k.memory.buffer, 0, n).set(img);
  return k.strokeWidth(0, w, h);
}

/** The frame×frame input and bytes of a scaled digit (see the library's `frameInk`). */
export function frameInk(
  small: Float32Array,
  bw: number,
  bh: number,
  frame: number,
): { input: Float32Array; pixels28: Uint8Array } {
  const n = bw * bh;
  const size = frame * frame;
  // Bytes: small [4n], input [4·size], pixels [size].
  const valid =
    n > 0 &&
    small.length === n &&
    Number.isInteger(bw) &&
    Number.isInteger(bh) &&
    Number.isInteger(frame) &&
    bw <= frame &&
    bh <= frame;
  const k = valid ? preprocessKernels(4 * n + 5 * size) : null;
  if (k === null) return js.frameInk(small, bw, bh, frame);
  const { buffer } = k.memory;
  new Float32Array(buffer, 0, n).set(small);
  k.frameInk(0, bw, bh, frame, 4 * n, 4 * n + 4 * size);
  return {
    input: new Float32Array(buffer, 4 * n, size).slice(),
    pixels28: new Uint8Array(buffer, 4 * n + 4 * size, size).slice(),
  };
}
