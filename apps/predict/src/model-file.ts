// The model file read straight into the forward kernels' memory (src/wasm.ts), checked there, and
// run from there: every check of `loadModel` (header, architecture, each tensor's name, shape, dtype
// and finiteness) is made, but the weights are not copied into the model's tensors, nor from them
// into the kernels. Each fresh megabyte a process touches costs it milliseconds (page faults; 8 ms
// per MB measured on the bench's virtual machine), and this saves two copies of the weights.
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import type { Sequential } from '@scratchnet/layers';
import {
  MAX_MODEL_FILE_BYTES,
  type ModelMetadata,
  decodeSafetensors,
  modelFromBytes,
} from '@scratchnet/serialization/node';
import { type Predictor, type WeightSource, compilable, compiledPredictor } from './forward.js';
import { forwardKernels } from './wasm.js';

/** A model ready to predict. */
export interface ReadyModel {
  model: Sequential;
  metadata: ModelMetadata;
  predictor: Predictor;
}

/**
 * The bytes of the regular file `path`, read into the start of the forward kernels' memory, or
 * undefined for anything unusual (not a regular file, over the size cap, changing while read, no
 * WebAssembly, an error): the caller then loads it the ordinary way, which says what is wrong.
 */
function readIntoKernels(path: string): Uint8Array | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const stats = fstatSync(fd);
    const size = stats.size;
    if (!stats.isFile() || size === 0 || size > MAX_MODEL_FILE_BYTES) return undefined;
    const k = forwardKernels(size);
    if (k === null) return undefined;
    const bytes = new Uint8Array(k.memory.buffer, 0, size);
    for (let at = 0; at < size; ) {
      const n = readSync(fd, bytes, at, size - at, at);
      if (n === 0) return undefined;
      at += n;
    }
    if (readSync(fd, new Uint8Array(1), 0, 1, size) !== 0) return undefined;
    return bytes;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * The model of file `path`, checked like `loadModel` does (the same errors), predicting through the
 * compiled forward pass on the file's own bytes when it can; undefined when the file could not be
 * read this way (the caller loads it with `loadModel`).
 *
 * @throws {SerializationError} naming the file when it is not a valid model.
 */
export function loadIntoKernels(path: string): ReadyModel | undefined {
  const bytes = readIntoKernels(path);
  if (bytes === undefined) return undefined;
  const checked = modelFromBytes(bytes, path, { loadWeights: false });
  if (!compilable(checked.model)) {
    const { model, metadata } = modelFromBytes(bytes, path);
    return { model, metadata, predictor: model };
  }
  // Where each tensor lies: the file is at offset 0 of the memory, so a tensor's offset in the bytes
  // is its offset there (kept as numbers: growing the memory detaches views). An unaligned tensor
  // (not in files scratchnet writes) is read as a copy.
  const where = new Map<string, { at: number; bytes: number }>();
  for (const [name, t] of decodeSafetensors(bytes, path).tensors) {
    where.set(name, { at: t.data.byteOffset, bytes: t.data.byteLength });
  }
  const reserved = bytes.byteLength;
  const weights: WeightSource = {
    values(name) {
      const { at, bytes: length } = where.get(name) as { at: number; bytes: number };
      const k = forwardKernels(reserved) as NonNullable<ReturnType<typeof forwardKernels>>;
      return new Float32Array(new Uint8Array(k.memory.buffer, at, length).slice().buffer);
    },
    offset(name) {
      const at = (where.get(name) as { at: number }).at;
      return at % 4 === 0 ? at : undefined;
    },
    reserved,
  };
  // Should the compiled pass not run after all (its memory cannot grow), the model with its weights
  // loaded: the file read and checked again the ordinary way.
  const loaded = (): Predictor => modelFromBytes(readFileSync(path), path).model;
  return { ...checked, predictor: compiledPredictor(checked.model, weights, loaded) };
}
