import { InflateError, concat, inflateStream } from '../io/inflate.js';
import {
  IDX_DTYPES,
  type IdxArrays,
  type IdxData,
  type IdxDtype,
  IdxFormatError,
  dtypeOfCode,
} from './format.js';

/** What a caller requires of an IDX file; a mismatch is an {@link IdxFormatError}. */
export interface IdxExpectation<D extends IdxDtype = IdxDtype> {
  /** Required element type. */
  dtype?: D;
  /** Required number of dimensions. */
  rank?: number;
}

/** True when `bytes` start with the gzip magic number `1f 8b`. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Largest IDX contents accepted by default once inflated: 2 GiB (MNIST's training images are 47 MB).
 * A gzip stream is inflated only up to the size its IDX header declares (and this cap), so a
 * decompression bomb is refused after that much output, not after inflating all of it.
 */
export const MAX_IDX_BYTES = 2 ** 31;

/** Options of {@link parseIdx}. */
export interface ParseIdxOptions<D extends IdxDtype = IdxDtype> extends IdxExpectation<D> {
  /** Largest raw (inflated) IDX contents accepted, in bytes (default {@link MAX_IDX_BYTES}). */
  maxBytes?: number;
}

/**
 * Parses IDX bytes (raw, or gzip-compressed: detected from the gzip magic number, whatever the file
 * is called). `file` names the source in errors. uint8 data of raw bytes is a view of `bytes` (no
 * copy); wider types are converted from big-endian to native order. Works in browsers.
 *
 * @throws {IdxFormatError} on a wrong magic number, unknown type code, truncated or over-long file,
 *   corrupt gzip stream, contents over `maxBytes`, or a dtype/rank other than `expect` asks for.
 */
export function parseIdx<D extends IdxDtype = IdxDtype>(
  bytes: Uint8Array,
  file = '<idx bytes>',
  expect: ParseIdxOptions<D> = {},
): IdxData<D> {
  const maxBytes = expect.maxBytes ?? MAX_IDX_BYTES;
  if (!isGzip(bytes)) {
    if (bytes.length > maxBytes)
      throw new IdxFormatError(
        file,
        `${bytes.length} bytes, over the limit of ${maxBytes} (option maxBytes)`,
      );
    return parseRaw(bytes, file, expect);
  }
  return parseRaw(gunzipIdx(bytes, file, maxBytes), file, expect);
}

/**
 * Inflates a gzipped IDX file, stopping as soon as the output passes the size its header declares
 * (or `maxBytes`): trailing garbage or a bomb is refused without inflating it all.
 */
function gunzipIdx(bytes: Uint8Array, file: string, maxBytes: number): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 0;
  let limit = maxBytes;
  let declared: number | undefined;
  try {
    inflateStream(bytes, 'gzip', (chunk) => {
      total += chunk.length;
      parts.push(chunk);
      if (declared === undefined) {
        const head =
          total >= 4 ? concat(parts.slice(), total).subarray(0, Math.min(total, 4 + 4 * 255)) : undefined;
        declared = head === undefined ? undefined : declaredSize(head);
        if (declared !== undefined && Number.isNaN(declared)) throw new StopInflate(); // not IDX: parseRaw says why
        if (declared !== undefined) {
          if (declared > maxBytes) {
            throw new IdxFormatError(
              file,
              `the header declares ${declared} bytes of contents, over the limit of ${maxBytes} (option maxBytes)`,
            );
          }
          limit = declared;
        }
      }
      if (total > limit) {
        throw new IdxFormatError(
          file,
          declared === undefined
            ? `inflates to more than ${maxBytes} bytes (option maxBytes): refused`
            : `unexpected trailing bytes: the gzip data inflates past the ${declared} bytes the header declares`,
        );
      }
    });
  } catch (e) {
    if (e instanceof InflateError) throw new IdxFormatError(file, `corrupt gzip data (${e.message})`);
    if (!(e instanceof StopInflate)) throw e;
  }
  return concat(parts, total);
}

/** Stops inflating a stream that turned out not to be IDX. */
class StopInflate extends Error {}

/** Header plus elements the IDX header in `head` declares, or undefined while `head` is too short to say. */
function declaredSize(head: Uint8Array): number | undefined {
  if (head.length < 4) return undefined;
  const info = dtypeOfCode(head[2]);
  const rank = head[3];
  if (head[0] !== 0 || head[1] !== 0 || info === undefined || rank === 0) return Number.NaN; // parseRaw says why
  const headerBytes = 4 + 4 * rank;
  if (head.length < headerBytes) return undefined;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  let count = 1;
  for (let i = 0; i < rank; i++) count *= view.getUint32(4 + 4 * i, false);
  return headerBytes + count * IDX_DTYPES[info].bytes;
}

export function parseRaw<D extends IdxDtype>(
  bytes: Uint8Array,
  file: string,
  expect: IdxExpectation<D>,
): IdxData<D> {
  if (bytes.length < 4) {
    throw new IdxFormatError(file, `too short for an IDX header (${bytes.length} bytes)`);
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const magic = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new IdxFormatError(
      file,
      `wrong magic number ${magic} (an IDX file starts with 00 00 <type> <rank>): not an IDX file`,
    );
  }
  const dtype = dtypeOfCode(bytes[2]);
  if (dtype === undefined) {
    throw new IdxFormatError(
      file,
      `unknown IDX element type code 0x${bytes[2].toString(16).padStart(2, '0')}`,
    );
  }
  const rank = bytes[3];
  if (rank === 0) throw new IdxFormatError(file, 'IDX header declares zero dimensions');
  if (expect.dtype !== undefined && dtype !== expect.dtype) {
    throw new IdxFormatError(file, `holds ${dtype} elements, expected ${expect.dtype}`);
  }
  if (expect.rank !== undefined && rank !== expect.rank) {
    throw new IdxFormatError(file, `has ${rank} dimensions, expected ${expect.rank}`);
  }
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    throw new IdxFormatError(
      file,
      `truncated: the header needs ${headerBytes} bytes for ${rank} dimensions, the file has ${bytes.length}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  let count = 1;
  for (let i = 0; i < rank; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    shape.push(d);
    count *= d;
  }
  const elementBytes = IDX_DTYPES[dtype].bytes;
  const expected = headerBytes + count * elementBytes;
  if (bytes.length !== expected) {
    const what = `${shape.join('×')} ${dtype} = ${expected} bytes with the header`;
    throw new IdxFormatError(
      file,
      bytes.length < expected
        ? `truncated: the header declares ${what}, the file has ${bytes.length}`
        : `${bytes.length - expected} unexpected trailing bytes after ${what}`,
    );
  }
  return { dtype: dtype as D, shape, data: readElements(view, headerBytes, count, dtype) as IdxArrays[D] };
}

function readElements(view: DataView, at: number, n: number, dtype: IdxDtype): IdxArrays[IdxDtype] {
  switch (dtype) {
    case 'uint8':
      return new Uint8Array(view.buffer, view.byteOffset + at, n);
    case 'int8':
      return new Int8Array(view.buffer, view.byteOffset + at, n);
    case 'int16': {
      const out = new Int16Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt16(at + 2 * i, false);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt32(at + 4 * i, false);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(at + 4 * i, false);
      return out;
    }
    case 'float64': {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(at + 8 * i, false);
      return out;
    }
  }
}
