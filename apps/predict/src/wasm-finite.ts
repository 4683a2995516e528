// The model file's finiteness check (build.mjs puts this module in place of the serialization
// library's model/finite.ts): the library's check, which names the tensor and the value exactly as
// `loadModel` does, but not over the tensors left unread (src/model-file.ts); and the compiled scan
// of bytes read later, copied a chunk at a time into the kernels' scratch memory.
import { checkFinite as checkFiniteJs } from '../../../packages/serialization/src/model/finite.js';
import type { SafetensorsFile } from '../../../packages/serialization/src/safetensors/codec.js';
import { preprocessKernels } from './wasm.js';

/** Bytes scanned per copy: a few pages of the kernels' memory, reused. */
const CHUNK_BYTES = 64 * 1024;

/** Tensors not yet read (src/model-file.ts): checked when they are read. */
let unread: { buffer: ArrayBufferLike; offsets: Set<number> } | null = null;

/**
 * Runs `load` with the tensors at byte offsets `offsets` of `buffer` left out of the finiteness
 * check: they are not read yet, and whoever reads them checks them then.
 */
export function leaveUnchecked<T>(buffer: ArrayBufferLike, offsets: Iterable<number>, load: () => T): T {
  unread = { buffer, offsets: new Set(offsets) };
  try {
    return load();
  } finally {
    unread = null;
  }
}

/**
 * Whether every float32 of `bytes` (little-endian, a whole number of floats) is finite, scanned in
 * the kernels' scratch memory; false too when the kernels cannot be used.
 */
export function allFinite(bytes: Uint8Array): boolean {
  const n = bytes.byteLength;
  if (n % 4 !== 0) return false;
  const k = preprocessKernels(Math.min(n, CHUNK_BYTES));
  if (k === null) return false;
  for (let at = 0; at < n; at += CHUNK_BYTES) {
    const length = Math.min(CHUNK_BYTES, n - at);
    new Uint8Array(k.memory.buffer, 0, length).set(bytes.subarray(at, at + length));
    if (k.firstNonFinite(0, length >> 2) !== -1) return false;
  }
  return true;
}

/**
 * Throws unless every float of every F32 tensor read is finite (the library's check and errors).
 * The library's own scan runs (native, over the bytes where they lie: measured faster than copying
 * them into the kernels' memory), on all tensors but the unread ones, which it would otherwise walk
 * through, touching their pages.
 */
export function checkFinite(file: SafetensorsFile, name: string): void {
  if (unread === null) {
    checkFiniteJs(file, name);
    return;
  }
  const { buffer, offsets } = unread;
  checkFiniteJs(file, name, (t) => t.data.buffer === buffer && offsets.has(t.data.byteOffset));
}
