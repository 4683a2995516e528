// Softmax family over rows of [R, K], vectorised along K (exp by exp4), with a fixed summation order.

import { checkRange, checkSpan } from './check';
import { exp4, hmax, hsum, logf64 } from './simd';

function rowMax(x: usize, k: i32): f32 {
  let m: f32 = -Infinity;
  let j = 0;
  if (k >= 4) {
    let mv = v128.load(x);
    for (j = 4; j + 4 <= k; j += 4) mv = f32x4.max(mv, v128.load(x + <usize>j * 4));
    m = hmax(mv);
  }
  for (; j < k; j++) m = max(m, load<f32>(x + <usize>j * 4));
  return m;
}

/** out[j] = e^(x[j] − m) for one row; returns Σ out (f32, fixed order). out may alias x. */
function rowExp(x: usize, out: usize, k: i32, m: f32): f32 {
  const mv = f32x4.splat(m);
  let acc = f32x4.splat(0);
  let j = 0;
  for (; j + 4 <= k; j += 4) {
    const e = exp4(f32x4.sub(v128.load(x + <usize>j * 4), mv));
    v128.store(out + <usize>j * 4, e);
    acc = f32x4.add(acc, e);
  }
  let s = hsum(acc);
  for (; j < k; j++) {
    const e = f32x4.extract_lane(exp4(f32x4.splat(load<f32>(x + <usize>j * 4) - m)), 0);
    store<f32>(out + <usize>j * 4, e);
    s += e;
  }
  return s;
}

/** out ← softmax over rows [lo, hi) of x [R, K]. out may alias x. */
export function softmax(_tid: i32, _chunk: i32, lo: i32, hi: i32, x: usize, out: usize, k: i32): void {
  checkRange(lo, hi);
  checkSpan(x, hi * k);
  checkSpan(out, hi * k);
  for (let r = lo; r < hi; r++) {
    const xr = x + <usize>(r * k) * 4;
    const or = out + <usize>(r * k) * 4;
    const m = rowMax(xr, k);
    const inv = f32x4.splat(<f32>1 / rowExp(xr, or, k, m));
    let j = 0;
    for (; j + 4 <= k; j += 4) v128.store(or + <usize>j * 4, f32x4.mul(v128.load(or + <usize>j * 4), inv));
    for (; j < k; j++)
      store<f32>(or + <usize>j * 4, load<f32>(or + <usize>j * 4) * f32x4.extract_lane(inv, 0));
  }
}

/** out ← x − logΣexp(x) over rows [lo, hi). out may alias x. The exps go to this thread's scratch (K floats). */
export function logSoftmax(
  tid: i32,
  _chunk: i32,
  lo: i32,
  hi: i32,
  x: usize,
  out: usize,
  k: i32,
  scratchBase: usize,
  scratchStride: usize,
): void {
  checkRange(lo, hi);
  checkSpan(x, hi * k);
  checkSpan(out, hi * k);
  const t = scratchBase + <usize>tid * scratchStride;
  for (let r = lo; r < hi; r++) {
    const xr = x + <usize>(r * k) * 4;
    const or = out + <usize>(r * k) * 4;
    const m = rowMax(xr, k);
    // (x − m) − log Σ exp(x − m): exact even where |m| dwarfs the log term (x − (m + lse) is not).
    const ls = <f32>logf64(<f64>rowExp(xr, t, k, m));
    const mv = f32x4.splat(m);
    const lv = f32x4.splat(ls);
    let j = 0;
    for (; j + 4 <= k; j += 4)
      v128.store(or + <usize>j * 4, f32x4.sub(f32x4.sub(v128.load(xr + <usize>j * 4), mv), lv));
    for (; j < k; j++) store<f32>(or + <usize>j * 4, load<f32>(xr + <usize>j * 4) - m - ls);
  }
}

/**
 * Σ over rows [0, n) of logΣexp(x_r) − x_r[label_r], returned in f64 (the caller divides by n). With
 * dlogits ≠ 0 writes (softmax(x_r) − onehot(label_r)) / n. Labels are checked by the caller.
 * `tmp` holds K floats.
 */
export function softmaxCrossEntropy(
  logits: usize,
  labels: usize,
  dlogits: usize,
  n: i32,
  k: i32,
  tmp: usize,
): f64 {
  checkSpan(logits, n * k);
  checkSpan(labels, n);
  let total: f64 = 0;
  const invN: f32 = <f32>1 / <f32>n;
  for (let r = 0; r < n; r++) {
    const xr = logits + <usize>(r * k) * 4;
    const label = load<i32>(labels + <usize>r * 4);
    const m = rowMax(xr, k);
    const out = dlogits !== 0 ? dlogits + <usize>(r * k) * 4 : tmp;
    const s = rowExp(xr, out, k, m);
    total += <f64>m + logf64(<f64>s) - <f64>load<f32>(xr + <usize>label * 4);
    if (dlogits !== 0) {
      const scale = f32x4.splat(invN / s);
      let j = 0;
      for (; j + 4 <= k; j += 4)
        v128.store(out + <usize>j * 4, f32x4.mul(v128.load(out + <usize>j * 4), scale));
      for (; j < k; j++) store<f32>(out + <usize>j * 4, load<f32>(out + <usize>j * 4) * (invN / s));
      const lp = out + <usize>label * 4;
      store<f32>(lp, load<f32>(lp) - invN);
    }
  }
  return total;
}

/** Rows of scores [n, k] whose first maximum sits at the label. */
export function countCorrect(scores: usize, labels: usize, n: i32, k: i32): i32 {
  checkSpan(scores, n * k);
  checkSpan(labels, n);
  let correct = 0;
  for (let r = 0; r < n; r++) {
    const row = scores + <usize>(r * k) * 4;
    let best = 0;
    let bv = load<f32>(row);
    for (let j = 1; j < k; j++) {
      const v = load<f32>(row + <usize>j * 4);
      if (v > bv) {
        bv = v;
        best = j;
      }
    }
    if (best === load<i32>(labels + <usize>r * 4)) correct++;
  }
  return correct;
}
