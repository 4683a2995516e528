// The CLI's percentile histogram (build.mjs puts this module in place of the datasets library's
// preprocess/histogram.ts): the kernel compiled (src/wasm.ts says why), the same bin.
import { histogramRank as histogramRankJs } from '../../../packages/datasets/src/image/preprocess/histogram.js';
import { preprocessKernels } from './wasm.js';

/** The first bin where the running count of `data`'s histogram reaches `want` (see the library's). */
export function histogramRank(
  data: Float32Array,
  lo: number,
  scale: number,
  bins: number,
  want: number,
): number {
  const n = data.length;
  const k = Number.isInteger(bins) && bins > 0 ? preprocessKernels(4 * n + 4 * bins) : null;
  if (k === null) return histogramRankJs(data, lo, scale, bins, want);
  new Float32Array(k.memory.buffer, 0, n).set(data);
  return k.histogramRank(0, n, lo, scale, bins, want, 4 * n);
}
