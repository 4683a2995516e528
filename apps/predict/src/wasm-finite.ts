// The model file's finiteness check (build.mjs puts this module in place of the serialization
// library's model/finite.ts): when the tensors lie in the kernels' memory (the file read there,
// src/model-file.ts), one compiled scan over them; a non-finite value found, or tensors elsewhere,
// and the library's check runs, which names the tensor and the value exactly as `loadModel` does.
import { checkFinite as checkFiniteJs } from '../../../packages/serialization/src/model/finite.js';
import type { SafetensorsFile } from '../../../packages/serialization/src/safetensors/codec.js';
import { kernelsHolding } from './wasm.js';

/** Tensors not yet read into the kernels' memory (src/model-file.ts): checked when they are read. */
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

/** Throws unless every float of every F32 tensor is finite (the library's check and errors). */
export function checkFinite(file: SafetensorsFile, name: string): void {
  for (const t of file.tensors.values()) {
    if (t.dtype !== 'F32') continue;
    const b = t.data;
    if (unread !== null && b.buffer === unread.buffer && unread.offsets.has(b.byteOffset)) continue;
    const k = kernelsHolding(b.buffer);
    if (k === null || b.byteOffset % 4 !== 0 || k.firstNonFinite(b.byteOffset, b.length >> 2) !== -1) {
      checkFiniteJs(file, name);
      return;
    }
  }
}
