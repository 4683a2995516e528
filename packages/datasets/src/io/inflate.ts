import { Gunzip, Unzlib } from 'fflate';

/** Compressed bytes handed to the inflater per step: bounds the output of one step (≤ ~1032× input, 4 MiB). */
const STEP = 4 * 1024;

/** A corrupt or truncated compressed stream; the message says what the inflater found. */
export class InflateError extends Error {
  override name = 'InflateError';
}

/**
 * Inflates a gzip or zlib stream in steps, handing each piece of output to `sink` as soon as it is
 * produced. `sink` may throw to stop early (the caller's size budget): nothing more is inflated, so a
 * decompression bomb costs only what the budget allows.
 *
 * @throws {InflateError} for corrupt or truncated data; whatever `sink` throws.
 */
export function inflateStream(
  data: Uint8Array,
  format: 'gzip' | 'zlib',
  sink: (chunk: Uint8Array) => void,
): void {
  let failure: unknown;
  const ondata = (chunk: Uint8Array) => {
    if (failure !== undefined) return;
    try {
      sink(chunk);
    } catch (e) {
      failure = e;
    }
  };
  const inflater = format === 'gzip' ? new Gunzip(ondata) : new Unzlib(ondata);
  let ended = false;
  try {
    for (let at = 0; at < data.length && failure === undefined; at += STEP) {
      const end = Math.min(at + STEP, data.length);
      ended = end === data.length;
      inflater.push(data.subarray(at, end), ended);
    }
    if (!ended && failure === undefined) inflater.push(new Uint8Array(0), true);
  } catch (e) {
    if (failure === undefined) {
      const m = e instanceof Error ? e.message : String(e);
      throw new InflateError(m === 'unexpected EOF' ? 'truncated compressed data' : `corrupt compressed data (${m})`);
    }
  }
  if (failure !== undefined) throw failure;
}

/**
 * Inflates into one array of at most `maxBytes`; `tooLarge` makes the error thrown as soon as the
 * output would pass it.
 */
export function inflateCapped(
  data: Uint8Array,
  format: 'gzip' | 'zlib',
  maxBytes: number,
  tooLarge: () => Error,
): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 0;
  inflateStream(data, format, (chunk) => {
    total += chunk.length;
    if (total > maxBytes) throw tooLarge();
    parts.push(chunk);
  });
  return concat(parts, total);
}

/** The parts, joined. */
export function concat(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
