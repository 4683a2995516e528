// The model file's finiteness check (build.mjs puts this module in place of the serialization
// library's model/finite.ts): when the tensors lie in the kernels' memory (the file read there,
// src/model-file.ts), one compiled scan over them; a non-finite value found, or tensors elsewhere,
// and the library's check runs, which names the tensor and the value exactly as `loadModel` does.
import { checkFinite as checkFiniteJs } from '../../../packages/serialization/src/model/finite.js';
import type { SafetensorsFile } from '../../../packages/serialization/src/safetensors/codec.js';
import { kernelsHolding } from './wasm.js';

/** Throws unless every float of every F32 tensor is finite (the library's check and errors). */
export function checkFinite(file: SafetensorsFile, name: string): void {
  for (const t of file.tensors.values()) {
    if (t.dtype !== 'F32') continue;
    const b = t.data;
    const k = kernelsHolding(b.buffer);
    if (k === null || b.byteOffset % 4 !== 0 || k.firstNonFinite(b.byteOffset, b.length >> 2) !== -1) {
      checkFiniteJs(file, name);
      return;
    }
  }
}
