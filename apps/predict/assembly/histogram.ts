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

/** Adds the value at `p` to its bin, as JavaScript's `| 0` and the clamp place it. */
function countOne(p: usize, lo: f64, scale: f64, bins: i32, hist: usize): void {
  const x = (<f64>load<f32>(p) - lo) * scale;
  let b: i32;
  // Within ±2³¹ (nearly every value), the truncation of the value clamped to the bins; else ToInt32
  // and the clamp.
  if (Math.abs(x) < 2147483648.0) b = <i32>min<f64>(max<f64>(x, 0), <f64>(bins - 1));
  else {
    b = toInt32(x);
    b = b < 0 ? 0 : b >= bins ? bins - 1 : b;
  }
  const at = hist + ((<usize>b) << 2);
  store<u32>(at, load<u32>(at) + 1);
}

/**
 * Counts the `n` floats at `data` into `bins` bins (u32 at `hist`) of width 1/scale from `lo`
 * (values outside go to the end bins); returns the first bin where the running count reaches
 * `want`, or -1 when none does. Four values at a time: their positions in float64 lanes (the same
 * float64 arithmetic), clamped and truncated there when all four lie within ±2³¹ (clamping before
 * truncating gives the same bin there: `pmax` keeps −0, which truncates to 0); one by one otherwise.
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
  const lo2 = f64x2.splat(lo);
  const scale2 = f64x2.splat(scale);
  const zero = f64x2.splat(0);
  const last = f64x2.splat(<f64>(bins - 1));
  const big = f64x2.splat(2147483648.0);
  const end = data + ((<usize>n) << 2);
  const end4 = data + ((<usize>(n & ~3)) << 2);
  let p = data;
  for (; p < end4; p += 16) {
    const v = v128.load(p);
    const a = f64x2.mul(f64x2.sub(f64x2.promote_low_f32x4(v), lo2), scale2);
    const b = f64x2.mul(f64x2.sub(f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)), lo2), scale2);
    if (!i64x2.all_true(v128.and(f64x2.lt(f64x2.abs(a), big), f64x2.lt(f64x2.abs(b), big)))) {
      for (let q = p; q < p + 16; q += 4) countOne(q, lo, scale, bins, hist);
      continue;
    }
    const ia = i32x4.trunc_sat_f64x2_s_zero(f64x2.pmin(f64x2.pmax(a, zero), last));
    const ib = i32x4.trunc_sat_f64x2_s_zero(f64x2.pmin(f64x2.pmax(b, zero), last));
    let at = hist + ((<usize>i32x4.extract_lane(ia, 0)) << 2);
    store<u32>(at, load<u32>(at) + 1);
    at = hist + ((<usize>i32x4.extract_lane(ia, 1)) << 2);
    store<u32>(at, load<u32>(at) + 1);
    at = hist + ((<usize>i32x4.extract_lane(ib, 0)) << 2);
    store<u32>(at, load<u32>(at) + 1);
    at = hist + ((<usize>i32x4.extract_lane(ib, 1)) << 2);
    store<u32>(at, load<u32>(at) + 1);
  }
  for (; p < end; p += 4) countOne(p, lo, scale, bins, hist);
  let acc: f64 = 0;
  for (let b = 0; b < bins; b++) {
    acc += <f64>load<u32>(hist + ((<usize>b) << 2));
    if (acc >= want) return b;
  }
  return -1;
}
