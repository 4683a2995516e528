/**
 * The smallest and largest value of a picture (./levels.ts). Its own module so that a program can put
 * a compiled one in its place (scratchnet-predict does), which must give the same values.
 */

/** Minimum and maximum of `data` (±∞ when it is empty; NaN values are skipped). */
export function extremes(data: Float32Array): { lo: number; hi: number } {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return { lo, hi };
}
