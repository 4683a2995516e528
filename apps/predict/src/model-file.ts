// The model file read straight into the forward kernels' memory (src/wasm.ts), checked there, and
// run from there: every check of `loadModel` (header, architecture, each tensor's name, shape, dtype
// and finiteness) is made, but the weights are not copied into the model's tensors, nor from them
// into the kernels. Each fresh page a process touches costs it microseconds (page faults: about 8 ms
// per MB measured on the bench's virtual machine, and as much again on the first pass over bytes just
// read), so the big tensors (a Dense layer's weights) are not read at load at all: the forward pass
// reads them in small chunks into one reused buffer as it goes, checking each chunk's finiteness.
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import type { Sequential } from '@scratchnet/layers';
import {
  MAX_MODEL_FILE_BYTES,
  type ModelMetadata,
  SerializationError,
  type SafetensorsFile,
  decodeSafetensors,
  modelFromBytes,
} from '@scratchnet/serialization/node';
import { type Predictor, type WeightSource, compilable, compiledPredictor } from './forward.js';
import { type PreprocessKernels, forwardKernels, forwardKernelsMade } from './wasm.js';
import { leaveUnchecked } from './wasm-finite.js';

/** A model ready to predict. */
export interface ReadyModel {
  model: Sequential;
  metadata: ModelMetadata;
  predictor: Predictor;
}

/** Float32 tensors of at least this many bytes stay in the file until the forward pass reads them. */
export const STREAMED_BYTES = 128 * 1024;

/** The model file laid out at offset 0 of the forward kernels' memory. */
interface FileInKernels {
  /** The file's bytes: all of them but the `unread` ranges, which hold zeros until read. */
  bytes: Uint8Array;
  /** The open file, while some ranges are unread. */
  fd: number;
  /** Byte offset → end of each range left unread (big float32 tensors). */
  unread: Map<number, number>;
  /** Inode, size and modification time: a file opened again must be this one. */
  identity: string;
  /** The header, decoded (when it decodes): its tensors are views of `bytes`. */
  decoded?: SafetensorsFile;
}

const identityOf = (s: { ino: number; size: number; mtimeMs: number }) => `${s.ino}:${s.size}:${s.mtimeMs}`;

/** Reads `length` bytes of `fd` at `position` into memory `to`; false when the file ends first. */
function readFully(fd: number, k: PreprocessKernels, to: number, length: number, position: number): boolean {
  const view = new Uint8Array(k.memory.buffer, to, length);
  for (let at = 0; at < length; ) {
    const n = readSync(fd, view, at, length - at, position + at);
    if (n === 0) return false;
    at += n;
  }
  return true;
}

/**
 * The header of `bytes` decoded (the data not read yet: its views are not looked at), and which
 * float32 tensors to leave unread: the big ones. When the header does not decode, nothing is left
 * unread (everything is read), so that the ordinary checks see the whole file and report it.
 */
function planReads(
  bytes: Uint8Array,
  path: string,
): { decoded?: SafetensorsFile; unread: Map<number, number> } {
  const unread = new Map<number, number>();
  let decoded: SafetensorsFile;
  try {
    decoded = decodeSafetensors(bytes, path);
  } catch {
    return { unread };
  }
  for (const t of decoded.tensors.values()) {
    const at = t.data.byteOffset;
    if (t.dtype === 'F32' && t.data.byteLength >= STREAMED_BYTES && at % 4 === 0) {
      unread.set(at, at + t.data.byteLength);
    }
  }
  return { decoded, unread };
}

/**
 * The regular file `path` laid out at the start of the forward kernels' memory (its header and small
 * tensors read, its big tensors left for later), or undefined for anything unusual (not a regular
 * file, over the size cap, changing while read, no WebAssembly, an error): the caller then loads it
 * the ordinary way, which says what is wrong.
 */
function readIntoKernels(path: string): FileInKernels | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  let keepOpen = false;
  try {
    const stats = fstatSync(fd);
    const size = stats.size;
    if (!stats.isFile() || size === 0 || size > MAX_MODEL_FILE_BYTES) return undefined;
    const used = forwardKernelsMade();
    const k = forwardKernels(size);
    if (k === null) return undefined;
    // The header's length (u64, little-endian), then the header; a length past the file's end leaves
    // nothing unread, and the checks report it.
    let reads: ReturnType<typeof planReads> = { unread: new Map() };
    if (size >= 8 && readFully(fd, k, 0, 8, 0)) {
      const view = new DataView(k.memory.buffer, 0, 8);
      const headerEnd = 8 + view.getUint32(0, true);
      if (view.getUint32(4, true) === 0 && headerEnd <= size && readFully(fd, k, 8, headerEnd - 8, 8)) {
        reads = planReads(new Uint8Array(k.memory.buffer, 0, size), path);
      }
    }
    const { unread, decoded } = reads;
    // Everything else, around the ranges left unread. Those read as zeros until they are read: a
    // fresh memory's are (and are never touched), a used one's are cleared.
    let at = 0;
    for (const [begin, end] of [...unread].sort((a, b) => a[0] - b[0])) {
      if (begin > at && !readFully(fd, k, at, begin - at, at)) return undefined;
      if (used) new Uint8Array(k.memory.buffer, begin, end - begin).fill(0);
      at = end;
    }
    if (size > at && !readFully(fd, k, at, size - at, at)) return undefined;
    if (readSync(fd, new Uint8Array(1), 0, 1, size) !== 0) return undefined;
    keepOpen = unread.size > 0;
    const bytes = new Uint8Array(k.memory.buffer, 0, size);
    return { bytes, fd, unread, identity: identityOf(stats), decoded };
  } catch {
    return undefined;
  } finally {
    if (!keepOpen) closeSync(fd);
  }
}
/**
 * The model of file `path`, checked like `loadModel` does (the same errors), predicting through the
 * compiled forward pass on the file's own bytes when it can; undefined when the file could not be
 * read this way (the caller loads it with `loadModel`). The finiteness of the tensors left in the file
 * is checked as the pass reads them: a NaN there fails the prediction with `loadModel`'s error.
 *
 * @throws {SerializationError} naming the file when it is not a valid model.
 */
export function loadIntoKernels(path: string): ReadyModel | undefined {
  const file = readIntoKernels(path);
  if (file === undefined) return undefined;
  const { unread } = file;
  const reserved = file.bytes.byteLength;
  let fd: number | null = unread.size > 0 ? file.fd : null;
  const release = (): void => {
    if (fd !== null) closeSync(fd);
    fd = null;
  };
  /** The open file, opened again when needed and still the same file, else null. */
  const open = (): number | null => {
    if (fd === null) {
      try {
        fd = openSync(path, 'r');
        if (identityOf(fstatSync(fd)) !== file.identity) release();
      } catch {
        release();
      }
    }
    return fd;
  };
  // The ordinary load: for a model the pass cannot run, or to give a bad file's exact error.
  const loaded = (): Predictor => modelFromBytes(readFileSync(path), path).model;
  /** Fails a read of the unread ranges: with loadModel's error for the file as it is now. */
  const fail = (): never => {
    release();
    loaded();
    throw new SerializationError(path, 'the file changed while it was read');
  };
  const kernels = () => forwardKernels(reserved) as PreprocessKernels;
  /** Reads bytes [from, from + length) of the unread range at `at` to memory `to`, checked finite. */
  const read = (at: number, from: number, length: number, to: number): void => {
    const f = open();
    const k = kernels();
    if (f === null || !readFully(f, k, to, length, at + from) || k.firstNonFinite(to, length >> 2) !== -1) {
      fail();
    }
  };
  /** Reads the unread range at `at` (if it is one) into its place. */
  const fill = (at: number): void => {
    const end = unread.get(at);
    if (end === undefined) return;
    read(at, 0, end - at, at);
    unread.delete(at);
  };

  let checked: { model: Sequential; metadata: ModelMetadata };
  try {
    checked = leaveUnchecked(file.bytes.buffer, unread.keys(), () =>
      modelFromBytes(file.decoded ?? file.bytes, path, { loadWeights: false }),
    );
    if (!compilable(checked.model)) {
      for (const at of [...unread.keys()]) fill(at);
      const { model, metadata } = modelFromBytes(new Uint8Array(kernels().memory.buffer, 0, reserved), path);
      return { model, metadata, predictor: model };
    }
  } catch (e) {
    // With tensors left unread, the first bad one found need not be the file's first: loadModel's
    // own error, from the whole file.
    if (e instanceof SerializationError && unread.size > 0) fail();
    throw e;
  } finally {
    if (unread.size === 0) release();
  }
  // Where each tensor lies: the file is at offset 0 of the memory, so a tensor's offset in the bytes
  // is its offset there (kept as numbers: growing the memory detaches views). An unaligned tensor
  // (not in files scratchnet writes) is read as a copy.
  const where = new Map<string, { at: number; bytes: number }>();
  // (Decoded: a header that did not decode failed the checks above.)
  for (const [name, t] of (file.decoded as SafetensorsFile).tensors) {
    where.set(name, { at: t.data.byteOffset, bytes: t.data.byteLength });
  }
  const placeOf = (name: string) => where.get(name) as { at: number; bytes: number };
  const weights: WeightSource = {
    values(name) {
      const { at, bytes: length } = placeOf(name);
      fill(at);
      return new Float32Array(new Uint8Array(kernels().memory.buffer, at, length).slice().buffer);
    },
    offset(name) {
      const { at } = placeOf(name);
      if (at % 4 !== 0) return undefined;
      fill(at);
      return at;
    },
    stream(name) {
      const { at } = placeOf(name);
      return unread.has(at) ? (from, length, to) => read(at, from, length, to) : undefined;
    },
    release,
    reserved,
  };
  // Should the compiled pass not run after all (its memory cannot grow), the model with its weights
  // loaded: the file read and checked again the ordinary way.
  return { ...checked, predictor: compiledPredictor(checked.model, weights, loaded) };
}
