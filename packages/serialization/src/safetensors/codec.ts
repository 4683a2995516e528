/**
 * The safetensors format (https://github.com/huggingface/safetensors), as pure functions over bytes:
 *
 * ```text
 * [8 bytes: header length n, u64 little-endian]
 * [n bytes: JSON header, UTF-8, padded with spaces so that 8 + n is a multiple of 8]
 *   { "__metadata__": { "key": "value", … },
 *     "<name>": { "dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end] }, … }
 * [data area: every tensor's bytes, little-endian, row-major, contiguous, offsets relative to here]
 * ```
 *
 * Decoding treats the bytes as untrusted: the header length is bounded before anything is allocated,
 * and every offset, shape and dtype is checked before a byte of tensor data is handed out.
 */
import { SerializationError, messageOf, shown } from '../errors.js';

/** Element types of the safetensors format, with their sizes in bytes. */
export const DTYPE_SIZES = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  U16: 2,
  I16: 2,
  F16: 2,
  BF16: 2,
  U32: 4,
  I32: 4,
  F32: 4,
  U64: 8,
  I64: 8,
  F64: 8,
} as const;

/** A safetensors element type: `'F32'`, `'I64'`, … (see {@link DTYPE_SIZES}). */
export type Dtype = keyof typeof DTYPE_SIZES;

/** One tensor of a safetensors file: element type, shape, and its little-endian bytes. */
export interface SafetensorsTensor {
  dtype: Dtype;
  shape: readonly number[];
  /** `product(shape) · size(dtype)` bytes, little-endian, row-major. */
  data: Uint8Array;
}

/** A decoded safetensors file. Tensor data are views into the decoded bytes (no copy). */
export interface SafetensorsFile {
  /** Tensors in header order. */
  tensors: Map<string, SafetensorsTensor>;
  /** The `__metadata__` string map (empty when the file has none). */
  metadata: Record<string, string>;
}

/**
 * Largest header accepted, as in the reference implementation (100 MB): a file claiming more is
 * rejected before its header is allocated.
 */
export const MAX_HEADER_LENGTH = 100_000_000;

const METADATA_KEY = '__metadata__';

function isDtype(s: unknown): s is Dtype {
  return typeof s === 'string' && Object.hasOwn(DTYPE_SIZES, s);
}

/** Bytes a tensor of `shape` and `dtype` occupies, or -1 when that overflows a safe integer. */
function byteLength(shape: readonly number[], dtype: Dtype): number {
  let n: number = DTYPE_SIZES[dtype];
  for (let i = 0; i < shape.length; i++) {
    n *= shape[i];
    if (!Number.isSafeInteger(n)) return -1;
  }
  return n;
}

function isDim(d: unknown): d is number {
  return typeof d === 'number' && Number.isSafeInteger(d) && d >= 0;
}

/** Whether `a` is a list of {@link isDim} sizes. */
function isDims(a: unknown): a is number[] {
  if (!Array.isArray(a)) return false;
  for (let i = 0; i < a.length; i++) if (!isDim(a[i])) return false;
  return true;
}

/** A tensor's header entry, checked: where its bytes lie in the data area. */
interface HeaderEntry {
  name: string;
  dtype: Dtype;
  shape: number[];
  begin: number;
  end: number;
}

/**
 * Encodes tensors (in the order given) and optional string metadata as a safetensors file. The header
 * is padded with spaces to a multiple of 8 bytes, so every tensor starts 8-byte aligned.
 *
 * @example
 * ```ts
 * const bytes = encodeSafetensors(
 *   [['w', { dtype: 'F32', shape: [2], data: new Uint8Array(new Float32Array([1, 2]).buffer) }]],
 *   { format: 'pt' },
 * );
 * ```
 */
export function encodeSafetensors(
  tensors: Iterable<readonly [string, SafetensorsTensor]>,
  metadata: Readonly<Record<string, string>> = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string')
        throw new TypeError(`encodeSafetensors: metadata '${k}' must be a string, got ${typeof v}`);
    }
    header[METADATA_KEY] = metadata;
  }
  const list: SafetensorsTensor[] = [];
  let offset = 0;
  for (const [name, t] of tensors) {
    if (name === METADATA_KEY || Object.hasOwn(header, name)) {
      throw new Error(`encodeSafetensors: duplicate or reserved tensor name '${name}'`);
    }
    if (!isDtype(t.dtype))
      throw new Error(`encodeSafetensors: tensor '${name}' has unknown dtype '${t.dtype}'`);
    if (!t.shape.every(isDim))
      throw new Error(`encodeSafetensors: tensor '${name}' has invalid shape ${JSON.stringify(t.shape)}`);
    const n = byteLength(t.shape, t.dtype);
    if (n !== t.data.byteLength) {
      throw new Error(
        `encodeSafetensors: tensor '${name}' (${t.dtype} [${t.shape.join(', ')}]) needs ${n} bytes, got ${t.data.byteLength}`,
      );
    }
    header[name] = { dtype: t.dtype, shape: [...t.shape], data_offsets: [offset, offset + n] };
    list.push(t);
    offset += n;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = json.length + ((8 - (json.length % 8)) % 8);
  const out = new Uint8Array(8 + padded + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + padded); // spaces, as the reference implementation pads
  let at = 8 + padded;
  for (const t of list) {
    out.set(t.data, at);
    at += t.data.byteLength;
  }
  return out;
}

/** The part of Node's `Buffer` used here (absent in browsers). */
interface NodeBufferApi {
  from(buffer: ArrayBufferLike, byteOffset: number, length: number): { toString(): string };
}

const NODE_BUFFER = (globalThis as { Buffer?: NodeBufferApi }).Buffer;

/**
 * `bytes[begin, end)` decoded as UTF-8, or undefined when they are not valid UTF-8 (what a strict
 * TextDecoder says, which also drops a leading byte order mark). On Node, Node's own decoder goes
 * first: a one-shot program pays ~0.2 ms for TextDecoder's first use. It replaces a malformed sequence
 * by U+FFFD and keeps a byte order mark, so a text holding U+FFFD (malformed, or a real U+FFFD) or
 * starting with a byte order mark's first byte gets TextDecoder's verdict.
 */
function utf8Text(bytes: Uint8Array, begin: number, end: number): string | undefined {
  if (NODE_BUFFER !== undefined && bytes[begin] !== 0xef) {
    const text = NODE_BUFFER.from(bytes.buffer, bytes.byteOffset + begin, end - begin).toString();
    if (!text.includes('\uFFFD')) return text;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(begin, end));
  } catch {
    return undefined;
  }
}

/**
 * Decodes a safetensors file, validating everything: header length (bounded by
 * {@link MAX_HEADER_LENGTH} and the file size, before allocating), UTF-8 and JSON, string-only
 * metadata, known dtypes, shapes, `shape × dtype = byte length`, and offsets that stay inside the data
 * area, do not overlap, and cover it exactly. Errors are {@link SerializationError}s naming `file`.
 *
 * @param bytes - the whole file
 * @param file - name used in error messages (a path, or a label for in-memory bytes)
 */
export function decodeSafetensors(bytes: Uint8Array, file = '<bytes>'): SafetensorsFile {
  const fail = (problem: string): never => {
    throw new SerializationError(file, problem);
  };
  if (bytes.byteLength < 8) {
    fail(`too short for a safetensors file (${bytes.byteLength} bytes; the header length alone takes 8)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n64 = view.getBigUint64(0, true);
  if (n64 > BigInt(MAX_HEADER_LENGTH)) {
    fail(
      `header length ${n64} exceeds the ${MAX_HEADER_LENGTH}-byte limit (corrupt or not a safetensors file)`,
    );
  }
  const n = Number(n64);
  if (8 + n > bytes.byteLength) {
    fail(`header length ${n} runs past the end of the file (${bytes.byteLength} bytes): truncated?`);
  }
  const text = utf8Text(bytes, 8, 8 + n);
  if (text === undefined) return fail('header is not valid UTF-8');
  if (!text.startsWith('{')) fail('header is not a JSON object (it must start with "{")');
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    return fail(`header is not valid JSON: ${messageOf(e)}`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    fail('header is not a JSON object');
  }

  const dataStart = 8 + n;
  const dataLength = bytes.byteLength - dataStart;
  const metadata: Record<string, string> = {};
  const entries: HeaderEntry[] = [];
  // Indexed loops, no per-tensor arrays or closures: this runs once per load, in the interpreter.
  const fields = header as Record<string, unknown>;
  const names = Object.keys(fields);
  // Whether the entries come in the order of their data (as written): then nothing to sort.
  let inOrder = true;
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    const info = fields[name];
    if (name === METADATA_KEY) {
      if (info === null) continue;
      if (typeof info !== 'object' || Array.isArray(info)) fail('__metadata__ is not an object');
      const values = info as Record<string, unknown>;
      for (const k of Object.keys(values)) {
        const v = values[k];
        if (typeof v !== 'string') fail(`__metadata__ value '${k}' is not a string (got ${shown(v)})`);
        metadata[k] = v as string;
      }
      continue;
    }
    if (typeof info !== 'object' || info === null || Array.isArray(info))
      fail(`tensor '${name}': entry is not an object`);
    const { dtype, shape, data_offsets: offsets } = info as Record<string, unknown>;
    if (dtype === undefined) fail(`tensor '${name}': has no dtype`);
    if (shape === undefined) fail(`tensor '${name}': has no shape`);
    if (offsets === undefined) fail(`tensor '${name}': has no data_offsets`);
    if (!isDtype(dtype)) fail(`tensor '${name}': unsupported dtype ${shown(dtype)}`);
    if (!isDims(shape))
      fail(`tensor '${name}': shape ${shown(shape)} is not a list of non-negative integers`);
    if (!isDims(offsets) || offsets.length !== 2 || offsets[0] > offsets[1]) {
      fail(`tensor '${name}': data_offsets ${shown(offsets)} is not [begin, end] with 0 ≤ begin ≤ end`);
    }
    const begin = (offsets as number[])[0];
    const end = (offsets as number[])[1];
    if (end > dataLength) {
      fail(
        `tensor '${name}': data_offsets [${begin}, ${end}] lie outside the data area (${dataLength} bytes): truncated or corrupt`,
      );
    }
    const need = byteLength(shape as number[], dtype as Dtype);
    if (need !== end - begin) {
      fail(
        `tensor '${name}': ${dtype} [${(shape as number[]).join(', ')}] needs ${need < 0 ? 'too many' : need} bytes but data_offsets [${begin}, ${end}] hold ${end - begin}`,
      );
    }
    const last = entries[entries.length - 1];
    if (last !== undefined && (begin < last.begin || (begin === last.begin && end < last.end)))
      inOrder = false;
    entries.push({ name, dtype: dtype as Dtype, shape: shape as number[], begin, end });
  }

  // The tensors must tile the data area exactly: no overlap, no gap, nothing left over.
  const byOffset = inOrder ? entries : [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let previous = '';
  for (let i = 0; i < byOffset.length; i++) {
    const e = byOffset[i];
    if (e.begin < covered) {
      fail(
        `tensor '${e.name}' (bytes [${e.begin}, ${e.end})) overlaps tensor '${previous}' (ends at ${covered})`,
      );
    }
    if (e.begin > covered) {
      fail(`bytes [${covered}, ${e.begin}) of the data area belong to no tensor (gap before '${e.name}')`);
    }
    covered = e.end;
    previous = e.name;
  }
  if (covered !== dataLength) {
    fail(
      `the data area has ${dataLength} bytes but the tensors cover ${covered} (trailing bytes or truncated)`,
    );
  }

  const tensors = new Map<string, SafetensorsTensor>();
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    tensors.set(e.name, {
      dtype: e.dtype,
      shape: e.shape,
      data: bytes.subarray(dataStart + e.begin, dataStart + e.end),
    });
  }
  return { tensors, metadata };
}
