// The CLI's inflater (build.mjs puts it in place of the datasets library's for the PNG decoder):
// Node's native zlib for a stream that inflates cleanly within the budget, the library's own
// streaming inflater for anything else, so corrupt, truncated and oversized data get exactly the
// library's errors and limits. Inflating is deterministic: a valid stream gives the same bytes either
// way; natively it costs a few milliseconds less than cold JavaScript on a fresh start.
import { gunzipSync, inflateSync } from 'node:zlib';
import { inflateCapped as inflateCappedJs } from '../../../packages/datasets/src/io/inflate.js';

export { InflateError, concat, inflateStream } from '../../../packages/datasets/src/io/inflate.js';

/** Output buffer size of one native step: enough for an ordinary picture, never the whole budget up front. */
const CHUNK = 1 << 20;

/**
 * `inflateCapped` of the datasets library, native when the stream is valid and inflates to at most
 * `maxBytes`; otherwise the library's (its errors, its budget).
 */
export function inflateCapped(
  data: Uint8Array,
  format: 'gzip' | 'zlib',
  maxBytes: number,
  tooLarge: () => Error,
): Uint8Array {
  if (maxBytes >= 1 && maxBytes <= 2 ** 31 - 1) {
    const options = { maxOutputLength: maxBytes, chunkSize: Math.max(64, Math.min(CHUNK, maxBytes)) };
    try {
      return format === 'gzip' ? gunzipSync(data, options) : inflateSync(data, options);
    } catch {
      // corrupt, truncated or over the budget: the library says which
    }
  }
  return inflateCappedJs(data, format, maxBytes, tooLarge);
}
