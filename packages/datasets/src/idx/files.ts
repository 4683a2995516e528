import { writeFile } from 'node:fs/promises';
import { gzipSync } from 'fflate';
import { FileReadError, readFileCapped } from '../io/read-capped.js';
import { IdxFormatError, type IdxData, type IdxDtype } from './format.js';
import { MAX_IDX_BYTES, type ParseIdxOptions, parseIdx } from './read.js';
import { encodeIdx } from './write.js';

/**
 * Reads and parses an IDX file (raw or gzipped). The file is read under `expect.maxBytes` (default
 * 2 GiB), and a gzipped one inflated only up to the size its header declares.
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
  expect: ParseIdxOptions<D> = {},
): Promise<IdxData<D>> {
  let bytes: Uint8Array;
  try {
    bytes = await readFileCapped(path, expect.maxBytes ?? MAX_IDX_BYTES, 'an IDX file');
  } catch (e) {
    throw new IdxFormatError(path, e instanceof FileReadError ? e.problem : String(e));
  }
  return parseIdx(bytes, path, expect);
}

/**
 * Writes an IDX file; gzip-compressed when `options.gzip` is true (default: when `path` ends in `.gz`).
 *
 * @example
 * ```ts
 * await writeIdx('labels-idx1-ubyte.gz', { dtype: 'uint8', shape: [3], data: Uint8Array.of(5, 0, 4) });
 * ```
 */
export async function writeIdx(path: string, idx: IdxData, options: { gzip?: boolean } = {}): Promise<void> {
  const raw = encodeIdx(idx);
  await writeFile(path, (options.gzip ?? path.endsWith('.gz')) ? gzipSync(raw) : raw);
}
