import { Gunzip, Unzlib } from 'fflate';

/**
 * Compressed bytes handed to the inflater per step. One step's output is at most ~1032× its input, so
 * highly compressible data (a bomb) goes in small steps whose output stays ≤ 4 MiB; ordinary data
 * (a few times smaller than its output) in larger, faster ones.
 */
const SMALL_STEP = 4 * 1024;
const LARGE_STEP = 64 * 1024;
/** Output/input ratio of the last step above which the next one is small. */
const BOMB_RATIO = 32;

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
  let produced = 0;
  const ondata = (chunk: Uint8Array) => {
    produced += chunk.length;
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
    let step = SMALL_STEP;
    for (let at = 0; at < data.length && failure === undefined; ) {
      const end = Math.min(at + step, data.length);
      ended = end === data.length;
      const before = produced;
      inflater.push(data.subarray(at, end), ended);
      step = produced - before > BOMB_RATIO * (end - at) ? SMALL_STEP : LARGE_STEP;
      at = end;
    }
    if (!ended && failure === undefined) inflater.push(new Uint8Array(0), true);
  } catch (e) {
    if (failure === undefined) {
      const m = e instanceof Error ? e.message : String(e);
      throw new InflateError(
        m === 'unexpected EOF' ? 'truncated compressed data' : `corrupt compressed data (${m})`,
      );
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
