// The histogram of @scratchnet/datasets' percentiles (packages/datasets/src/image/preprocess/
// histogram.ts), compiled: the same float64 bin positions truncated as JavaScript's `| 0` does, so
// the same bin. Pointers are byte offsets laid out by the caller.

/** JavaScript's ToInt32 (`x | 0`): truncated toward zero, modulo 2³², NaN and ±∞ to 0. */
function toInt32(x: f64): i32 {
  if (Math.abs(x) < 2147483648.0) return <i32>x;
  if (!Number.isFinite(x)) return 0;
  const t = Math.trunc(x);
  return <i32>(<i64>(t - 4294967296.0 * Math.floor(t / 4294967296.0)));
}

/**
 * Counts the `n` floats at `data` into `bins` bins (u32 at `hist`) of width 1/scale from `lo`
 * (values outside go to the end bins); returns the first bin where the running count reaches
 * `want`, or -1 when none does.
 */
export function histogramRank(
  data: usize,
  n: i32,
  lo: f64,
  scale: f64,
  bins: i32,
  want: f64,
  hist: usize,
): i32 {
  memory.fill(hist, 0, (<usize>bins) << 2);
  const top = <f64>bins;
  for (let i = 0; i < n; i++) {
    const x = (<f64>load<f32>(data + ((<usize>i) << 2)) - lo) * scale;
    // Inside the bins (most values), the truncation alone; else ToInt32 and the clamp.
    let b: i32;
    if (x >= 0 && x < top) b = <i32>x;
    else {
      b = toInt32(x);
      b = b < 0 ? 0 : b >= bins ? bins - 1 : b;
    }
    const at = hist + ((<usize>b) << 2);
    store<u32>(at, load<u32>(at) + 1);
  }
  let acc: f64 = 0;
  for (let b = 0; b < bins; b++) {
    acc += <f64>load<u32>(hist + ((<usize>b) << 2));
    if (acc >= want) return b;
  }
  return -1;
}
