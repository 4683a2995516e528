/** Histogram statistics of values in [0, 1]: median, percentiles, extremes. */
import { extremes } from './extremes.js';
import { histogramRank } from './histogram.js';

const BINS = 4096;

/** The value below which a fraction `q` of `data` lies (from a 4096-bin histogram: exact enough, O(n)). */
export function percentile(data: Float32Array, q: number, lo = 0, hi = 1): number {
  const scale = BINS / (hi - lo || 1);
  const b = histogramRank(data, lo, scale, BINS, q * data.length);
  return b < 0 ? hi : lo + (b + 0.5) / scale;
}

/** Median, minimum and maximum of values in [0, 1]. */
export function levels(data: Float32Array): { median: number; lo: number; hi: number } {
  const { lo, hi } = extremes(data);
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
