/** Histogram statistics of values in [0, 1]: median, percentiles, extremes. */

const BINS = 4096;

/** The value below which a fraction `q` of `data` lies (from a 4096-bin histogram: exact enough, O(n)). */
export function percentile(data: Float32Array, q: number, lo = 0, hi = 1): number {
  const hist = new Uint32Array(BINS);
  const scale = BINS / (hi - lo || 1);
  for (let i = 0; i < data.length; i++) {
    const b = ((data[i] - lo) * scale) | 0;
    hist[b < 0 ? 0 : b >= BINS ? BINS - 1 : b]++;
  }
  const want = q * data.length;
  let acc = 0;
  for (let b = 0; b < BINS; b++) {
    acc += hist[b];
    if (acc >= want) return lo + (b + 0.5) / scale;
  }
  return hi;
}

/** Median, minimum and maximum of values in [0, 1]. */
export function levels(data: Float32Array): { median: number; lo: number; hi: number } {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return { median: percentile(data, 0.5), lo, hi };
}

/**
 * Whether the ink is darker than the paper: the paper is the median pixel (paper covers most of a
 * picture of one digit) and the ink the extreme furthest from it.
 */
export function darkInk(data: Float32Array): boolean {
  const { median, lo, hi } = levels(data);
  return median - lo > hi - median;
}
