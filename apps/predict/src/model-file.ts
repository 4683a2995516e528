// The model file read for the compiled forward pass (src/forward.ts): every check of `loadModel`
// (header, architecture, each tensor's name, shape, dtype and finiteness) is made, but the weights are
// not copied into the model's tensors. Each fresh page a process touches costs it microseconds (page
// faults: about 8 ms per MB measured on the bench's virtual machine, and as much again on the first
// pass over bytes just read), so the big tensors (a Dense layer's weights) are not read at load at
// all: the forward pass reads them in small chunks into the kernels' memory as it goes, checking each
// chunk's finiteness. The rest of the file lies in a buffer of the file's size whose unread ranges
// are never touched (zero pages the system has not handed out yet).
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import type { Sequential } from '@scratchnet/layers';
import {
  MAX_MODEL_FILE_BYTES,
  type ModelMetadata,
  SerializationError,
  type SafetensorsFile,
  type SafetensorsTensor,
  decodeSafetensors,
  modelFromBytes,
} from '@scratchnet/serialization/node';
import {
  type Predictor,
  type StreamedTensor,
  type WeightSource,
  compilable,
  compiledPredictor,
} from './forward.js';
import { preprocessKernels } from './wasm.js';
import { allFinite, leaveUnchecked } from './wasm-finite.js';

/** A model ready to predict. */
export interface ReadyModel {
  model: Sequential;
  metadata: ModelMetadata;
  predictor: Predictor;
}

/** Float32 tensors of at least this many bytes stay in the file until the forward pass reads them. */
export const STREAMED_BYTES = 128 * 1024;

/** Bytes read first: the header's length and (usually all of) the header. */
const FIRST_READ_BYTES = 4096;

/** The model file, partly read. */
interface FileRead {
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

/** Reads `view.length` bytes of `fd` at `position` into `view`; false when the file ends first. */
function readFully(fd: number, view: Uint8Array, position: number): boolean {
  const length = view.length;
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
 * The regular file `path` read (its header and small tensors; its big tensors left for later, zeros
 * until read), or undefined for anything unusual (not a regular file, over the size cap, changing
 * while read, no WebAssembly, an error): the caller then loads it the ordinary way, which says what
 * is wrong.
 */
function readPartly(path: string): FileRead | undefined {
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
    if (preprocessKernels(0) === null) return undefined;
    // Zeros, and no page of them touched until written: the unread ranges stay untouched.
    const bytes = new Uint8Array(size);
    // The header's length (u64, little-endian) and the header, with the first page's worth read at
    // once (the header is usually shorter); a length past the file's end leaves nothing unread, and
    // the checks report it.
    let at = Math.min(size, FIRST_READ_BYTES);
    if (!readFully(fd, bytes.subarray(0, at), 0)) return undefined;
    let reads: ReturnType<typeof planReads> = { unread: new Map() };
    if (size >= 8) {
      const view = new DataView(bytes.buffer, 0, 8);
      const headerEnd = 8 + view.getUint32(0, true);
      if (
        view.getUint32(4, true) === 0 &&
        headerEnd <= size &&
        (headerEnd <= at || readFully(fd, bytes.subarray(at, headerEnd), at))
      ) {
        at = Math.max(at, headerEnd);
        reads = planReads(bytes, path);
      }
    }
    const { unread, decoded } = reads;
    // Everything else, around the ranges left unread.
    for (const [begin, end] of [...unread].sort((a, b) => a[0] - b[0])) {
      if (begin > at && !readFully(fd, bytes.subarray(at, begin), at)) return undefined;
      at = Math.max(at, end);
    }
    if (size > at && !readFully(fd, bytes.subarray(at, size), at)) return undefined;
    if (readSync(fd, new Uint8Array(1), 0, 1, size) !== 0) return undefined;
    keepOpen = unread.size > 0;
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
  const file = readPartly(path);
  if (file === undefined) return undefined;
  const { unread, bytes } = file;
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
  /** The unread range at `at`, read to the kernels' memory as the forward pass asks. */
  const streamed = (at: number): StreamedTensor => ({
    read(from, length, to) {
      const f = open();
      const k = preprocessKernels(to + length);
      if (f === null || k === null || !readFully(f, new Uint8Array(k.memory.buffer, to, length), at + from)) {
        fail();
      }
    },
    check(to, length) {
      const k = preprocessKernels(to + length);
      if (k === null || k.firstNonFinite(to, length >> 2) !== -1) fail();
    },
  });
  /** Reads the unread range at `at` (if it is one) into its place in `bytes`, checked finite. */
  const fill = (at: number): void => {
    const end = unread.get(at);
    if (end === undefined) return;
    const f = open();
    const range = bytes.subarray(at, end);
    if (f === null || !readFully(f, range, at) || !allFinite(range)) fail();
    unread.delete(at);
  };

  let checked: { model: Sequential; metadata: ModelMetadata };
  try {
    checked = leaveUnchecked(bytes.buffer, unread.keys(), () =>
      modelFromBytes(file.decoded ?? bytes, path, { loadWeights: false }),
    );
    if (!compilable(checked.model)) {
      for (const at of [...unread.keys()]) fill(at);
      const { model, metadata } = modelFromBytes(bytes, path);
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
  // Where each tensor lies in the file (a header that did not decode failed the checks above).
  const tensors = (file.decoded as SafetensorsFile).tensors;
  const placeOf = (name: string) => (tensors.get(name) as SafetensorsTensor).data;
  const weights: WeightSource = {
    values(name) {
      const data = placeOf(name);
      fill(data.byteOffset);
      // An unaligned tensor (not in files scratchnet writes) is read as a copy.
      const aligned = data.byteOffset % 4 === 0 ? data : data.slice();
      return new Float32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength >> 2);
    },
    stream(name) {
      const at = placeOf(name).byteOffset;
      return unread.has(at) ? streamed(at) : undefined;
    },
    release,
  };
  // Should the compiled pass not run after all (its memory cannot grow), the model with its weights
  // loaded: the file read and checked again the ordinary way.
  return { ...checked, predictor: compiledPredictor(checked.model, weights, loaded) };
}
