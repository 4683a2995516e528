// The extremes of @scratchnet/datasets' preprocessing (packages/datasets/src/image/preprocess/
// extremes.ts), compiled: the same comparisons, so the same values. `out` receives lo, hi (f64).

/** The bits of the first value at `data` (n floats) equal to 0, as float64. */
function firstZero(data: usize, n: i32): f64 {
  for (let i = 0; i < n; i++) {
    const v = <f64>load<f32>(data + ((<usize>i) << 2));
    if (v === 0) return v;
  }
  return 0;
}

/**
 * Minimum and maximum of the n floats at `data` into out[0], out[1] (±∞ when n is 0; NaN skipped).
 * Four lanes at a time: `pmin(lo, v)` takes v exactly where `v < lo` (`pmax` where `v > hi`), so
 * each lane holds the extreme of its values, and the lanes' extreme is the scan's value; only a
 * zero's sign may depend on which came first: the scan keeps the first zero seen, taken again.
 */
export function extremes(data: usize, n: i32, out: usize): void {
  let lo4 = f32x4.splat(Infinity);
  let hi4 = f32x4.splat(-Infinity);
  const end4 = data + ((<usize>(n & ~3)) << 2);
  for (let p = data; p < end4; p += 16) {
    const v = v128.load(p);
    lo4 = f32x4.pmin(lo4, v);
    hi4 = f32x4.pmax(hi4, v);
  }
  let lo: f64 = Infinity;
  let hi: f64 = -Infinity;
  for (let lane = 0; lane < 4; lane++) {
    const a = <f64>f32x4.extract_lane(lo4, 0);
    const b = <f64>f32x4.extract_lane(hi4, 0);
    if (a < lo) lo = a;
    if (b > hi) hi = b;
    lo4 = i32x4.shuffle(lo4, lo4, 1, 2, 3, 0);
    hi4 = i32x4.shuffle(hi4, hi4, 1, 2, 3, 0);
  }
  for (let i = n & ~3; i < n; i++) {
    const v = <f64>load<f32>(data + ((<usize>i) << 2));
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === 0) lo = firstZero(data, n);
  if (hi === 0) hi = firstZero(data, n);
  store<f64>(out, lo);
  store<f64>(out + 8, hi);
}
