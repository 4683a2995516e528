// The CLI's inflater (build.mjs puts it in place of the datasets library's for the PNG decoder): a
// zlib stream inflates in the compiled kernels (assembly/inflate.ts), which accept only a stream
// zlib accepts and that fits the budget; anything else (corrupt, truncated or oversized data, gzip,
// no WebAssembly) goes to the library's own inflater, so errors and limits are exactly the
// library's. Inflating is deterministic: a valid stream gives the same bytes either way. Node's zlib
// is not used: loading it brings some twenty stream modules into every PNG run.
import { inflateCapped as inflateCappedJs } from '../../../packages/datasets/src/io/inflate.js';
import { preprocessKernels } from './wasm.js';

export { InflateError, concat, inflateStream } from '../../../packages/datasets/src/io/inflate.js';

/** Largest input plus output, in bytes of the kernels' memory, inflated compiled. */
const MAX_BYTES = 256 << 20;

/**
 * `inflateCapped` of the datasets library, compiled when the stream is a valid zlib stream that
 * inflates to at most `maxBytes`; otherwise the library's (its errors, its budget).
 */
export function inflateCapped(
  data: Uint8Array,
  format: 'gzip' | 'zlib',
  maxBytes: number,
  tooLarge: () => Error,
): Uint8Array {
  // Bytes: the stream, the code tables, the output.
  const work = (data.length + 7) & ~7;
  if (format === 'zlib' && maxBytes >= 0 && work + 8192 + maxBytes <= MAX_BYTES) {
    const k = preprocessKernels(work + 8192 + maxBytes);
    if (k !== null && k.INFLATE_WORK_BYTES.value <= 8192) {
      new Uint8Array(k.memory.buffer, 0, data.length).set(data);
      const n = k.inflateZlib(0, data.length, work + 8192, maxBytes, work);
      if (n >= 0) return new Uint8Array(k.memory.buffer, work + 8192, n).slice();
    }
  }
  return inflateCappedJs(data, format, maxBytes, tooLarge);
}
