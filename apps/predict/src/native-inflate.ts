// The CLI's inflater (build.mjs puts it in place of the datasets library's for the PNG decoder): a
// zlib stream inflates in the compiled kernels (assembly/inflate.ts), which accept only a stream
// zlib accepts and that fits the budget; anything else (corrupt, truncated or oversized data, gzip,
// no WebAssembly) goes to the library's own inflater, so errors and limits are exactly the
// library's. Inflating is deterministic: a valid stream gives the same bytes either way. Node's zlib
// is not used: loading it brings some twenty stream modules into every PNG run.
import { inflateCapped as inflateCappedJs } from '../../../packages/datasets/src/io/inflate.js';
import { keepRows, rowsMayStay } from './wasm-png-rows.js';
import { preprocessKernels } from './wasm.js';

export { InflateError, concat, inflateStream } from '../../../packages/datasets/src/io/inflate.js';

/** Largest input plus output, in bytes of the kernels' memory, inflated compiled. */
const MAX_BYTES = 256 << 20;

/**
 * `inflateCapped` of the datasets library, compiled when the stream is a valid zlib stream that
 * inflates to at most `maxBytes`; otherwise the library's (its errors, its budget). While a PNG is
 * decoded into the kernels' memory (src/wasm-png-rows.ts), the rows stay there, from byte 0 (the
 * pages every later kernel lays its arrays in from byte 0 too), the decoder's planes after the
 * stream, and the memory is grown for what follows.
 */
export function inflateCapped(
  data: Uint8Array,
  format: 'gzip' | 'zlib',
  maxBytes: number,
  tooLarge: () => Error,
): Uint8Array {
  if (format === 'zlib' && maxBytes >= 0) {
    const work = (data.length + 7) & ~7;
    const cap = (maxBytes + 7) & ~7;
    // Bytes, kept: output [cap], tables [8192], the stream, then from a 16-byte boundary the room of
    // src/wasm-png-rows.ts's planes and their scratch (24·cap + 64 KB: 8 bytes a pixel at most, and
    // a pixel has at least one row byte); else from 0: the stream, the tables, the output.
    const planesAt = (cap + 8192 + work + 15) & ~15;
    const stay = rowsMayStay() && planesAt + 24 * cap + 65536 <= MAX_BYTES;
    const out = stay ? 0 : work + 8192;
    const tables = stay ? cap : work;
    const src = stay ? tables + 8192 : 0;
    const end = Math.max(src + work, out + maxBytes);
    if (end <= MAX_BYTES) {
      const k = preprocessKernels(stay ? planesAt + 24 * cap + 65536 : end);
      if (k !== null && k.INFLATE_WORK_BYTES.value <= 8192) {
        new Uint8Array(k.memory.buffer, src, data.length).set(data);
        const n = k.inflateZlib(src, data.length, out, maxBytes, tables);
        if (n >= 0 && stay) {
          const raw = new Uint8Array(k.memory.buffer, out, n);
          keepRows(raw, planesAt);
          return raw;
        }
        if (n >= 0) return new Uint8Array(k.memory.buffer, out, n).slice();
      }
    }
  }
  return inflateCappedJs(data, format, maxBytes, tooLarge);
}
