// The ink map of @scratchnet/datasets' preprocessing (packages/datasets/src/image/preprocess/
// illumination.ts and the percentiles of levels.ts), compiled: the same float64 arithmetic stored
// as float32 at the same steps, so the same bits. Pointers are byte offsets laid out by the caller.
import { borderClosing } from './extreme';
import { histogramRank } from './histogram';

/** Bins of the percentile histogram (levels.ts). */
const BINS: i32 = 4096;
/** Darkest paper the ink contrast is measured against, as a fraction of the typical paper. */
const PAPER_FLOOR: f64 = 0.3;

/** levels.ts' `percentile` of the `n` floats at `data`; `hist` is scratch for BINS u32. */
export function percentileOf(data: usize, n: i32, q: f64, lo: f64, hi: f64, hist: usize): f64 {
  const span = hi - lo;
  // JavaScript's `hi - lo || 1`: 0, −0 and NaN give 1.
  const scale = <f64>BINS / (span !== 0 && !Number.isNaN(span) ? span : 1);
  const b = histogramRank(data, n, lo, scale, BINS, q * <f64>n, hist);
  return b < 0 ? hi : lo + (<f64>b + 0.5) / scale;
}

/**
 * The paper estimate of inkMap in place: light [h, w] at `at` becomes its closing, with
 * (w + 2r)(h + 2r) floats from `at` as room; `a` [64 bytes × (h + 2r)], `v`, `pre` [16 bytes ×
 * (max(w, h) + 2r)], `suf` [max(w, h) + 2r] and `hist` [4096 u32] are scratch. Returns the floor of
 * the paper the ink is measured against ({@link inkOver}).
 */
export function paperOf(
  at: usize,
  w: i32,
  h: i32,
  r: i32,
  a: usize,
  v: usize,
  pre: usize,
  suf: usize,
  hist: usize,
): f64 {
  borderClosing(at, at, w, h, r, at, a, v, pre, suf);
  return max<f64>(1e-3, PAPER_FLOOR * percentileOf(at, w * h, 0.9, 0, 1, hist));
}

/**
 * The ink of inkMap over `light` [n] (each pixel's difference and then its ink computed from its own
 * light), against `paper` [n] from {@link paperOf} and its `floor`; `hist` [4096 u32] is scratch.
 */
export function inkOver(paper: usize, light: usize, n: i32, floor: f64, hist: usize): void {
  const diff = light;
  const ink = light;
  // Four at a time: a float32 difference is the float64 one rounded to float32 (float64 holds more
  // than twice float32's digits, so rounding twice rounds as once).
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const at = (<usize>i) << 2;
    v128.store(diff + at, f32x4.sub(v128.load(paper + at), v128.load(light + at)));
  }
  for (let i = n4; i < n; i++) {
    const at = (<usize>i) << 2;
    store<f32>(diff + at, <f32>(<f64>load<f32>(paper + at) - <f64>load<f32>(light + at)));
  }
  const noise = 3 * percentileOf(diff, n, 0.5, -1, 1, hist);
  // Two float64 lanes at a time, the same operations; 0 (+0) where the difference is noise.
  const floor2 = f64x2.splat(floor);
  const noise2 = f64x2.splat(noise);
  for (let i = 0; i < n4; i += 4) {
    const at = (<usize>i) << 2;
    const d = v128.load(diff + at);
    const q = v128.load(paper + at);
    const dLo = f64x2.promote_low_f32x4(d);
    const dHi = f64x2.promote_low_f32x4(i32x4.shuffle(d, d, 2, 3, 0, 1));
    const pLo = f64x2.max(f64x2.promote_low_f32x4(q), floor2);
    const pHi = f64x2.max(f64x2.promote_low_f32x4(i32x4.shuffle(q, q, 2, 3, 0, 1)), floor2);
    const lo = f32x4.demote_f64x2_zero(f64x2.div(dLo, pLo));
    const hi = f32x4.demote_f64x2_zero(f64x2.div(dHi, pHi));
    const ink4 = i32x4.shuffle(lo, hi, 0, 1, 4, 5);
    const on = i32x4.shuffle(f64x2.gt(dLo, noise2), f64x2.gt(dHi, noise2), 0, 2, 4, 6);
    v128.store(ink + at, v128.and(ink4, on));
  }
  for (let i = n4; i < n; i++) {
    const at = (<usize>i) << 2;
    const p = max<f64>(<f64>load<f32>(paper + at), floor);
    const d = <f64>load<f32>(diff + at);
    store<f32>(ink + at, d > noise ? <f32>(d / p) : 0);
  }
}
