// The extremes of @scratchnet/datasets' preprocessing (packages/datasets/src/image/preprocess/
// extremes.ts), compiled: the same comparisons, so the same values. `out` receives lo, hi (f64).

/** Minimum and maximum of the n floats at `data` into out[0], out[1] (±∞ when n is 0; NaN skipped). */
export function extremes(data: usize, n: i32, out: usize): void {
  let lo: f64 = Infinity;
  let hi: f64 = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = <f64>load<f32>(data + ((<usize>i) << 2));
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  store<f64>(out, lo);
  store<f64>(out + 8, hi);
}
