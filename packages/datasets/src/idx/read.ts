import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip, gunzipSync } from 'node:zlib';
import {
  IDX_DTYPES,
  type IdxArrays,
  type IdxData,
  type IdxDtype,
  IdxFormatError,
  dtypeOfCode,
} from './format.js';

const gunzipAsync = promisify(gunzip);

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
 * Parses IDX bytes (raw, or gzip-compressed: detected from the gzip magic number, whatever the file
 * is called). `file` names the source in errors. uint8 data is a view of `bytes` (no copy); wider
 * types are converted from big-endian to native order.
 *
 * @throws {IdxFormatError} on a wrong magic number, unknown type code, truncated or over-long file,
 *   corrupt gzip stream, or a dtype/rank other than `expect` asks for.
 */
export function parseIdx<D extends IdxDtype = IdxDtype>(
  bytes: Uint8Array,
  file = '<idx bytes>',
  expect: IdxExpectation<D> = {},
): IdxData<D> {
  if (isGzip(bytes)) {
    let raw: Uint8Array;
    try {
      raw = gunzipSync(bytes);
    } catch (e) {
      throw new IdxFormatError(file, `corrupt gzip data (${(e as Error).message})`);
    }
    return parseRaw(raw, file, expect);
  }
  return parseRaw(bytes, file, expect);
}

/**
 * Reads and parses an IDX file (raw or gzipped).
 *
 * @example
 * ```ts
 * const { shape, data } = await readIdx('train-images-idx3-ubyte.gz', { dtype: 'uint8', rank: 3 });
 * // shape: [60000, 28, 28]; data: Uint8Array of 47,040,000 pixels
 * ```
 * @throws {IdxFormatError} as {@link parseIdx}, and for a file that cannot be read.
 */
export async function readIdx<D extends IdxDtype = IdxDtype>(
  path: string,
  expect: IdxExpectation<D> = {},
): Promise<IdxData<D>> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new IdxFormatError(
      path,
      `cannot read file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  if (isGzip(bytes)) {
    try {
      bytes = await gunzipAsync(bytes);
    } catch (e) {
      throw new IdxFormatError(path, `corrupt gzip data (${(e as Error).message})`);
    }
  }
  return parseRaw(bytes, path, expect);
}

function parseRaw<D extends IdxDtype>(
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
