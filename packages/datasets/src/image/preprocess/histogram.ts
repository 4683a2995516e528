/**
 * The histogram behind the percentiles of ./levels.ts. Its own module so that a program can put a
 * compiled one in its place (scratchnet-predict does), which must give the same bin.
 */

/**
 * Counts `data` into `bins` bins of width 1/scale from `lo` (values outside go to the end bins) and
 * returns the first bin where the running count reaches `want`, or -1 when none does.
 */
export function histogramRank(
  data: Float32Array,
  lo: number,
  scale: number,
  bins: number,
  want: number,
): number {
  const hist = new Uint32Array(bins);
  for (let i = 0; i < data.length; i++) {
    const b = ((data[i] - lo) * scale) | 0;
    hist[b < 0 ? 0 : b >= bins ? bins - 1 : b]++;
  }
  let acc = 0;
  for (let b = 0; b < bins; b++) {
    acc += hist[b];
    if (acc >= want) return b;
  }
  return -1;
}
