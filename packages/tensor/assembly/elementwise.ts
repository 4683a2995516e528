// Elementwise kernels over element ranges [lo, hi): a 4-lane SIMD body and a scalar tail.

import { checkRange, checkSpan } from './check';
import { exp4 } from './simd';

/** x[lo..hi) ← value. */
export function fill(_tid: i32, _chunk: i32, lo: i32, hi: i32, x: usize, value: f32): void {
  checkRange(lo, hi);
  checkSpan(x, hi);
  const v = f32x4.splat(value);
  let i = lo;
  for (; i + 4 <= hi; i += 4) v128.store(x + <usize>i * 4, v);
  for (; i < hi; i++) store<f32>(x + <usize>i * 4, value);
}

/** out[lo, hi) ← α·x + β·y (β = 0 ignores y); out may be x or y. */
export function axpby(
  _tid: i32,
  _chunk: i32,
  lo: i32,
  hi: i32,
  alpha: f32,
  x: usize,
  beta: f32,
  y: usize,
  out: usize,
): void {
  checkRange(lo, hi);
  checkSpan(x, hi);
  checkSpan(out, hi);
  const va = f32x4.splat(alpha),
    vb = f32x4.splat(beta);
  let i = lo;
  if (beta === 0) {
    for (; i + 4 <= hi; i += 4) v128.store(out + <usize>i * 4, f32x4.mul(va, v128.load(x + <usize>i * 4)));
    for (; i < hi; i++) store<f32>(out + <usize>i * 4, alpha * load<f32>(x + <usize>i * 4));
    return;
  }
  for (; i + 4 <= hi; i += 4) {
    const p = <usize>i * 4;
    v128.store(out + p, f32x4.add(f32x4.mul(va, v128.load(x + p)), f32x4.mul(vb, v128.load(y + p))));
  }
  for (; i < hi; i++) {
    const p = <usize>i * 4;
    store<f32>(out + p, alpha * load<f32>(x + p) + beta * load<f32>(y + p));
  }
}

/** out[lo, hi) ← β·y + value·a·b (β = 0 ignores y); out may be any of the inputs. */
export function addcmul(
  _tid: i32,
  _chunk: i32,
  lo: i32,
  hi: i32,
  y: usize,
  a: usize,
  b: usize,
  value: f32,
  beta: f32,
  out: usize,
): void {
  checkRange(lo, hi);
  checkSpan(a, hi);
  checkSpan(b, hi);
  checkSpan(out, hi);
  const vv = f32x4.splat(value),
    vb = f32x4.splat(beta);
  let i = lo;
  for (; i + 4 <= hi; i += 4) {
    const p = <usize>i * 4;
    const prod = f32x4.mul(vv, f32x4.mul(v128.load(a + p), v128.load(b + p)));
    v128.store(out + p, beta === 0 ? prod : f32x4.add(f32x4.mul(vb, v128.load(y + p)), prod));
  }
  for (; i < hi; i++) {
    const p = <usize>i * 4;
    const prod = value * (load<f32>(a + p) * load<f32>(b + p));
    store<f32>(out + p, beta === 0 ? prod : beta * load<f32>(y + p) + prod);
  }
}

/** out[lo, hi) ← β·y + value·a / (d + eps), d = √b·scale (sqrt ≠ 0) or b·scale. */
export function addcdiv(
  _tid: i32,
  _chunk: i32,
  lo: i32,
  hi: i32,
  y: usize,
  a: usize,
  b: usize,
  value: f32,
  beta: f32,
  sqrt: i32,
  scale: f32,
  eps: f32,
  out: usize,
): void {
  checkRange(lo, hi);
  checkSpan(a, hi);
  checkSpan(b, hi);
  checkSpan(out, hi);
  const vv = f32x4.splat(value),
    vb = f32x4.splat(beta),
    vs = f32x4.splat(scale),
    ve = f32x4.splat(eps);
  let i = lo;
  for (; i + 4 <= hi; i += 4) {
    const p = <usize>i * 4;
    const bv = v128.load(b + p);
    const d = f32x4.add(f32x4.mul(sqrt !== 0 ? f32x4.sqrt(bv) : bv, vs), ve);
    const q = f32x4.div(f32x4.mul(vv, v128.load(a + p)), d);
    v128.store(out + p, beta === 0 ? q : f32x4.add(f32x4.mul(vb, v128.load(y + p)), q));
  }
  for (; i < hi; i++) {
    const p = <usize>i * 4;
    const bv = load<f32>(b + p);
    const d = (sqrt !== 0 ? Mathf.sqrt(bv) : bv) * scale + eps;
    const q = (value * load<f32>(a + p)) / d;
    store<f32>(out + p, beta === 0 ? q : beta * load<f32>(y + p) + q);
  }
}

// Activation codes shared with the JS side.
const RELU = 0;
const LEAKY = 1;
const SIGMOID = 2;
// 3: tanh (every other code)

function sigmoid4(v: v128): v128 {
  // e = exp(−|v|) ≤ 1 never overflows: σ(v) = 1/(1+e) for v ≥ 0, e/(1+e) below.
  const e = exp4(f32x4.neg(f32x4.abs(v)));
  const one = f32x4.splat(1);
  const r = f32x4.div(one, f32x4.add(one, e));
  return v128.bitselect(r, f32x4.mul(e, r), f32x4.ge(v, f32x4.splat(0)));
}

function tanh4(v: v128): v128 {
  // |v| ≥ 1/16: (1 − e)/(1 + e) with e = exp(−2|v|) and the sign restored; below, the odd Taylor
  // polynomial to v⁹ (the rational form would cancel).
  const a = f32x4.abs(v);
  const one = f32x4.splat(1);
  const e = exp4(f32x4.mul(a, f32x4.splat(-2)));
  const big = f32x4.div(f32x4.sub(one, e), f32x4.add(one, e));
  const signed = v128.or(big, v128.and(v, f32x4.splat(-0.0)));
  const v2 = f32x4.mul(v, v);
  let p = f32x4.splat(62.0 / 2835.0);
  p = f32x4.sub(f32x4.mul(p, v2), f32x4.splat(17.0 / 315.0));
  p = f32x4.add(f32x4.mul(p, v2), f32x4.splat(2.0 / 15.0));
  p = f32x4.sub(f32x4.mul(p, v2), f32x4.splat(1.0 / 3.0));
  const small = f32x4.add(v, f32x4.mul(f32x4.mul(p, v2), v));
  return v128.bitselect(small, signed, f32x4.lt(a, f32x4.splat(0.0625)));
}

/** y ← act(x) (op: 0 relu, 1 leakyRelu with slope α, 2 sigmoid, 3 tanh). y may alias x. */
export function activation(
  _tid: i32,
  _chunk: i32,
  lo: i32,
  hi: i32,
  op: i32,
  x: usize,
  y: usize,
  alpha: f32,
): void {
  const zero = f32x4.splat(0);
  const va = f32x4.splat(alpha);
  let i = lo;
  // One loop per op; tails go through a zero-padded vector so they match the SIMD results exactly.
  if (op === RELU) {
    for (; i + 4 <= hi; i += 4) {
      const v = v128.load(x + <usize>i * 4);
      v128.store(y + <usize>i * 4, v128.and(v, v128.or(f32x4.gt(v, zero), f32x4.ne(v, v))));
    }
  } else if (op === LEAKY) {
    for (; i + 4 <= hi; i += 4) {
      const v = v128.load(x + <usize>i * 4);
      v128.store(y + <usize>i * 4, v128.bitselect(v, f32x4.mul(v, va), f32x4.gt(v, zero)));
    }
  } else if (op === SIGMOID) {
    for (; i + 4 <= hi; i += 4) v128.store(y + <usize>i * 4, sigmoid4(v128.load(x + <usize>i * 4)));
  } else {
    for (; i + 4 <= hi; i += 4) v128.store(y + <usize>i * 4, tanh4(v128.load(x + <usize>i * 4)));
  }
  for (; i < hi; i++) {
    const v = f32x4.splat(load<f32>(x + <usize>i * 4));
    let r: v128;
    if (op === RELU) r = v128.and(v, v128.or(f32x4.gt(v, zero), f32x4.ne(v, v)));
    else if (op === LEAKY) r = v128.bitselect(v, f32x4.mul(v, va), f32x4.gt(v, zero));
    else if (op === SIGMOID) r = sigmoid4(v);
    else r = tanh4(v);
    store<f32>(y + <usize>i * 4, f32x4.extract_lane(r, 0));
  }
}

/** dx ← dy·act′ using x (relu, leakyRelu) or y (sigmoid, tanh). dx may alias dy. */
export function activationBackward(
  _tid: i32,
  _chunk: i32,
  lo: i32,
  hi: i32,
  op: i32,
  x: usize,
  y: usize,
  dy: usize,
  dx: usize,
  alpha: f32,
): void {
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  const va = f32x4.splat(alpha);
  let i = lo;
  if (op === RELU) {
    for (; i + 4 <= hi; i += 4) {
      const p = <usize>i * 4;
      v128.store(dx + p, v128.and(v128.load(dy + p), f32x4.gt(v128.load(x + p), zero)));
    }
  } else if (op === LEAKY) {
    for (; i + 4 <= hi; i += 4) {
      const p = <usize>i * 4;
      const d = v128.load(dy + p);
      v128.store(dx + p, v128.bitselect(d, f32x4.mul(d, va), f32x4.gt(v128.load(x + p), zero)));
    }
  } else if (op === SIGMOID) {
    for (; i + 4 <= hi; i += 4) {
      const p = <usize>i * 4;
      const s = v128.load(y + p);
      v128.store(dx + p, f32x4.mul(f32x4.mul(v128.load(dy + p), s), f32x4.sub(one, s)));
    }
  } else {
    for (; i + 4 <= hi; i += 4) {
      const p = <usize>i * 4;
      const s = v128.load(y + p);
      v128.store(dx + p, f32x4.mul(v128.load(dy + p), f32x4.sub(one, f32x4.mul(s, s))));
    }
  }
  for (; i < hi; i++) {
    const p = <usize>i * 4;
    const d = load<f32>(dy + p);
    let r: f32;
    if (op === RELU) r = load<f32>(x + p) > 0 ? d : 0;
    else if (op === LEAKY) r = load<f32>(x + p) > 0 ? d : alpha * d;
    else if (op === SIGMOID) {
      const s = load<f32>(y + p);
      r = d * s * (1 - s);
    } else {
      const s = load<f32>(y + p);
      r = d * (1 - s * s);
    }
    store<f32>(dx + p, r);
  }
}

/** Σ x² over [0, n) in f64 (two f64x2 accumulators). Single-threaded, so the sum order is fixed. */
export function sumSquares(x: usize, n: i32): f64 {
  checkSpan(x, n);
  let a0 = f64x2.splat(0),
    a1 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(x + <usize>i * 4);
    const lo = f64x2.promote_low_f32x4(v);
    const hi = f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1));
    a0 = f64x2.add(a0, f64x2.mul(lo, lo));
    a1 = f64x2.add(a1, f64x2.mul(hi, hi));
  }
  const s = f64x2.add(a0, a1);
  let t = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  for (; i < n; i++) {
    const v = <f64>load<f32>(x + <usize>i * 4);
    t += v * v;
  }
  return t;
}

// Binary op codes shared with the JS side: add, sub, mul, div, maximum, minimum.
const ADD = 0;
const SUB = 1;
const MUL = 2;
const DIV = 3;
const MAXIMUM = 4;
// 5: minimum (every other code)

/** x ∘ y on four lanes (maximum and minimum propagate NaN from either side, as NumPy). */
function binary4(op: i32, x: v128, y: v128): v128 {
  if (op === ADD) return f32x4.add(x, y);
  if (op === SUB) return f32x4.sub(x, y);
  if (op === MUL) return f32x4.mul(x, y);
  if (op === DIV) return f32x4.div(x, y);
  if (op === MAXIMUM) return v128.bitselect(x, y, v128.or(f32x4.gt(x, y), f32x4.ne(x, x)));
  return v128.bitselect(x, y, v128.or(f32x4.lt(x, y), f32x4.ne(x, x)));
}

/** Four elements of an operand at element i: contiguous (stride 1) or a scalar repeated (stride 0). */
function operand(p: usize, stride: i32, scalar: v128, i: i32): v128 {
  return stride !== 0 ? v128.load(p + <usize>i * 4) : scalar;
}

/**
 * out[lo, hi) ← a ∘ b (op: 0 add, 1 sub, 2 mul, 3 div, 4 maximum, 5 minimum), each operand contiguous
 * (stride 1) or one scalar (stride 0). out may be a or b.
 */
export function binary(
  _tid: i32,
  _chunk: i32,
  lo: i32,
  hi: i32,
  op: i32,
  a: usize,
  sa: i32,
  b: usize,
  sb: i32,
  out: usize,
): void {
  checkRange(lo, hi);
  checkSpan(a, sa !== 0 ? hi : 1);
  checkSpan(b, sb !== 0 ? hi : 1);
  checkSpan(out, hi);
  const A = f32x4.splat(load<f32>(a));
  const B = f32x4.splat(load<f32>(b));
  let i = lo;
  // One loop per op, so that each body is a single operation.
  if (op === ADD) {
    for (; i + 4 <= hi; i += 4)
      v128.store(out + <usize>i * 4, f32x4.add(operand(a, sa, A, i), operand(b, sb, B, i)));
  } else if (op === SUB) {
    for (; i + 4 <= hi; i += 4)
      v128.store(out + <usize>i * 4, f32x4.sub(operand(a, sa, A, i), operand(b, sb, B, i)));
  } else if (op === MUL) {
    for (; i + 4 <= hi; i += 4)
      v128.store(out + <usize>i * 4, f32x4.mul(operand(a, sa, A, i), operand(b, sb, B, i)));
  } else if (op === DIV) {
    for (; i + 4 <= hi; i += 4)
      v128.store(out + <usize>i * 4, f32x4.div(operand(a, sa, A, i), operand(b, sb, B, i)));
  } else {
    for (; i + 4 <= hi; i += 4)
      v128.store(out + <usize>i * 4, binary4(op, operand(a, sa, A, i), operand(b, sb, B, i)));
  }
  // Tails through lane 0 of the same vector operations.
  for (; i < hi; i++) {
    const x = sa !== 0 ? f32x4.splat(load<f32>(a + <usize>i * 4)) : A;
    const y = sb !== 0 ? f32x4.splat(load<f32>(b + <usize>i * 4)) : B;
    store<f32>(out + <usize>i * 4, f32x4.extract_lane(binary4(op, x, y), 0));
  }
}

/**
 * One SGD step of a parameter over elements [lo, hi), the arithmetic of the axpby sequence it fuses
 * (every product and sum rounded to f32): g ← λ·θ + ∇θ (λ ≠ 0); with a buffer (flags bit 0),
 * b ← g on the first step (bit 2) or d1·g + μ·b, then g ← μ·b + g (Nesterov, bit 1) or b; finally
 * θ ← −γ·g + θ (negLr = −γ, d1 = 1 − τ).
 */
export function sgdUpdate(
  _tid: i32,
  _chunk: i32,
  lo: i32,
  hi: i32,
  param: usize,
  grad: usize,
  buffer: usize,
  negLr: f32,
  momentum: f32,
  d1: f32,
  weightDecay: f32,
  flags: i32,
): void {
  checkRange(lo, hi);
  checkSpan(param, hi);
  checkSpan(grad, hi);
  const hasBuffer = (flags & 1) !== 0;
  const nesterov = (flags & 2) !== 0;
  const first = (flags & 4) !== 0;
  if (hasBuffer) checkSpan(buffer, hi);
  const decay = weightDecay !== 0;
  let i = lo;
  if (hasBuffer && !first && !nesterov && !decay) {
    // Plain momentum, every preset's: a loop without branches.
    const vlr = f32x4.splat(negLr),
      vmu = f32x4.splat(momentum),
      vd1 = f32x4.splat(d1);
    // Blocks of 1024 elements: the buffer's update, then the parameter's from the buffer still in
    // L1 (five streams at once in one loop ran slower than the two passes it replaces).
    for (; i + 4 <= hi; ) {
      const end = min(hi & ~3, i + 1024);
      for (let k = i; k < end; k += 4) {
        const o = <usize>k * 4;
        v128.store(
          buffer + o,
          f32x4.add(f32x4.mul(vd1, v128.load(grad + o)), f32x4.mul(vmu, v128.load(buffer + o))),
        );
      }
      for (let k = i; k < end; k += 4) {
        const o = <usize>k * 4;
        v128.store(param + o, f32x4.add(f32x4.mul(vlr, v128.load(buffer + o)), v128.load(param + o)));
      }
      i = end;
    }
  } else {
    const vlr = f32x4.splat(negLr),
      vmu = f32x4.splat(momentum),
      vd1 = f32x4.splat(d1),
      vwd = f32x4.splat(weightDecay);
    for (; i + 4 <= hi; i += 4) {
      const o = <usize>i * 4;
      const p = v128.load(param + o);
      let g = v128.load(grad + o);
      const b0 = hasBuffer ? v128.load(buffer + o) : g;
      if (decay) g = f32x4.add(f32x4.mul(vwd, p), g);
      if (hasBuffer) {
        const b = first ? g : f32x4.add(f32x4.mul(vd1, g), f32x4.mul(vmu, b0));
        v128.store(buffer + o, b);
        g = nesterov ? f32x4.add(f32x4.mul(vmu, b), g) : b;
      }
      v128.store(param + o, f32x4.add(f32x4.mul(vlr, g), p));
    }
  }
  for (; i < hi; i++) {
    const o = <usize>i * 4;
    const p = load<f32>(param + o);
    let g = load<f32>(grad + o);
    if (decay) g = weightDecay * p + g;
    if (hasBuffer) {
      const b = first ? g : d1 * g + momentum * load<f32>(buffer + o);
      store<f32>(buffer + o, b);
      g = nesterov ? momentum * b + g : b;
    }
    store<f32>(param + o, negLr * g + p);
  }
}
