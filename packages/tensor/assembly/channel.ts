// Per-channel kernels over tensors viewed as [N, C, inner] (channel axis 1): reductions into [C]
// vectors and per-channel affine maps. Reductions split the channels across chunks, so each channel's
// sum is computed by one chunk in a fixed order: results do not depend on the thread count. Sums run in
// f32 lanes over blocks of at most BLOCK elements, each block's total then added in f64.

import { checkRange, checkSpan } from './check';
import { hsum, madd } from './simd';

/** Elements summed in f32 lanes before their total joins the f64 sum (bounds the f32 rounding). */
const BLOCK = 1024;

/** (Σ of four lane vectors) as f64, in a fixed order. */
function total4(v0: v128, v1: v128, v2: v128, v3: v128): f64 {
  return <f64>hsum(f32x4.add(f32x4.add(v0, v1), f32x4.add(v2, v3)));
}

// A channel's running sums between its rows, in the chunk's scratch (STATE bytes a channel, 16-aligned):
// lane vectors v0 … v5 at 0 … 80, f64 totals at 96 (the first sum) and 104 (the second), f32 scalar
// tails at 112 and 116, and the count of elements not yet added to the totals at 120.
const STATE: usize = 128;

/**
 * One row of a channel into its state at st: Σ a (the lanes v0 … v3, flushed to the f64 total every
 * ≥ BLOCK elements). The lanes run across rows, so short rows cost no flush each.
 */
function sumRow(st: usize, row: usize, inner: i32): void {
  const zero = f32x4.splat(0);
  let total = load<f64>(st, 96);
  let s0 = v128.load(st),
    s1 = v128.load(st, 16),
    s2 = v128.load(st, 32),
    s3 = v128.load(st, 48);
  let t = load<f32>(st, 112);
  let pending = load<i32>(st, 120);
  for (let i0 = 0; i0 < inner; i0 += BLOCK) {
    const i1 = min(i0 + BLOCK, inner);
    let i = i0;
    for (; i + 16 <= i1; i += 16) {
      const p = row + <usize>i * 4;
      s0 = f32x4.add(s0, v128.load(p));
      s1 = f32x4.add(s1, v128.load(p, 16));
      s2 = f32x4.add(s2, v128.load(p, 32));
      s3 = f32x4.add(s3, v128.load(p, 48));
    }
    for (; i + 4 <= i1; i += 4) s0 = f32x4.add(s0, v128.load(row + <usize>i * 4));
    for (; i < i1; i++) t += load<f32>(row + <usize>i * 4);
    pending += i1 - i0;
    if (pending >= BLOCK) {
      total += total4(s0, s1, s2, s3) + <f64>t;
      s0 = s1 = s2 = s3 = zero;
      t = 0;
      pending = 0;
    }
  }
  store<f64>(st, total, 96);
  v128.store(st, s0);
  v128.store(st, s1, 16);
  v128.store(st, s2, 32);
  v128.store(st, s3, 48);
  store<f32>(st, t, 112);
  store<i32>(st, pending, 120);
}

/** One row of a channel into its state at st: Σ (a − ca)² (lanes v0 … v3, as in sumRow). */
function squaresRow(st: usize, row: usize, ca: f32, inner: i32): void {
  const zero = f32x4.splat(0);
  const vc = f32x4.splat(ca);
  let total = load<f64>(st, 96);
  let d0 = v128.load(st),
    d1 = v128.load(st, 16),
    d2 = v128.load(st, 32),
    d3 = v128.load(st, 48);
  let t = load<f32>(st, 112);
  let pending = load<i32>(st, 120);
  for (let i0 = 0; i0 < inner; i0 += BLOCK) {
    const i1 = min(i0 + BLOCK, inner);
    let i = i0;
    for (; i + 16 <= i1; i += 16) {
      const p = row + <usize>i * 4;
      const u0 = f32x4.sub(v128.load(p), vc);
      const u1 = f32x4.sub(v128.load(p, 16), vc);
      const u2 = f32x4.sub(v128.load(p, 32), vc);
      const u3 = f32x4.sub(v128.load(p, 48), vc);
      d0 = madd(u0, u0, d0);
      d1 = madd(u1, u1, d1);
      d2 = madd(u2, u2, d2);
      d3 = madd(u3, u3, d3);
    }
    for (; i + 4 <= i1; i += 4) {
      const u = f32x4.sub(v128.load(row + <usize>i * 4), vc);
      d0 = madd(u, u, d0);
    }
    for (; i < i1; i++) {
      const u = load<f32>(row + <usize>i * 4) - ca;
      t += u * u;
    }
    pending += i1 - i0;
    if (pending >= BLOCK) {
      total += total4(d0, d1, d2, d3) + <f64>t;
      d0 = d1 = d2 = d3 = zero;
      t = 0;
      pending = 0;
    }
  }
  store<f64>(st, total, 96);
  v128.store(st, d0);
  v128.store(st, d1, 16);
  v128.store(st, d2, 32);
  v128.store(st, d3, 48);
  store<f32>(st, t, 112);
  store<i32>(st, pending, 120);
}

/**
 * One row of a channel into its state at st: Σ (a − ca) (lanes v0, v1, total at 96, tail at 112) and
 * Σ (a − ca)·(b − cb) (lanes v2 … v5, total at 104, tail at 116).
 */
function dotRow(st: usize, pa: usize, ca: f32, pb: usize, cb: f32, inner: i32): void {
  const zero = f32x4.splat(0);
  const va = f32x4.splat(ca);
  const vb = f32x4.splat(cb);
  let totalS = load<f64>(st, 96);
  let totalD = load<f64>(st, 104);
  let s0 = v128.load(st),
    s1 = v128.load(st, 16),
    d0 = v128.load(st, 32),
    d1 = v128.load(st, 48),
    d2 = v128.load(st, 64),
    d3 = v128.load(st, 80);
  let ts = load<f32>(st, 112);
  let td = load<f32>(st, 116);
  let pending = load<i32>(st, 120);
  for (let i0 = 0; i0 < inner; i0 += BLOCK) {
    const i1 = min(i0 + BLOCK, inner);
    let i = i0;
    for (; i + 16 <= i1; i += 16) {
      const p = pa + <usize>i * 4;
      const q = pb + <usize>i * 4;
      const u0 = f32x4.sub(v128.load(p), va);
      const u1 = f32x4.sub(v128.load(p, 16), va);
      const u2 = f32x4.sub(v128.load(p, 32), va);
      const u3 = f32x4.sub(v128.load(p, 48), va);
      s0 = f32x4.add(s0, f32x4.add(u0, u1));
      s1 = f32x4.add(s1, f32x4.add(u2, u3));
      d0 = madd(u0, f32x4.sub(v128.load(q), vb), d0);
      d1 = madd(u1, f32x4.sub(v128.load(q, 16), vb), d1);
      d2 = madd(u2, f32x4.sub(v128.load(q, 32), vb), d2);
      d3 = madd(u3, f32x4.sub(v128.load(q, 48), vb), d3);
    }
    for (; i + 4 <= i1; i += 4) {
      const u = f32x4.sub(v128.load(pa + <usize>i * 4), va);
      s0 = f32x4.add(s0, u);
      d0 = madd(u, f32x4.sub(v128.load(pb + <usize>i * 4), vb), d0);
    }
    for (; i < i1; i++) {
      const u = load<f32>(pa + <usize>i * 4) - ca;
      ts += u;
      td += u * (load<f32>(pb + <usize>i * 4) - cb);
    }
    pending += i1 - i0;
    if (pending >= BLOCK) {
      totalS += total4(s0, s1, zero, zero) + <f64>ts;
      totalD += total4(d0, d1, d2, d3) + <f64>td;
      s0 = s1 = d0 = d1 = d2 = d3 = zero;
      ts = td = 0;
      pending = 0;
    }
  }
  store<f64>(st, totalS, 96);
  store<f64>(st, totalD, 104);
  v128.store(st, s0);
  v128.store(st, s1, 16);
  v128.store(st, d0, 32);
  v128.store(st, d1, 48);
  v128.store(st, d2, 64);
  v128.store(st, d3, 80);
  store<f32>(st, ts, 112);
  store<f32>(st, td, 116);
  store<i32>(st, pending, 120);
}

/** out[c] ← v, or out[c] + v when accumulating (in f64, rounded once). */
function put(out: usize, c: i32, v: f64, accumulate: i32): void {
  const p = out + <usize>c * 4;
  store<f32>(p, <f32>(accumulate !== 0 ? <f64>load<f32>(p) + v : v));
}

/**
 * For channels c in [lo, hi) of a, b [N, C, inner]: sum[c] (+)= Σ (a − aCenter[c]) and dot[c] (+)=
 * Σ (a − aCenter[c])·(b − bCenter[c]). A zero address drops that term: b (no dot: then there are no
 * centres either), a centre (0), sum or dot (not written). The rows are read sample by sample (the
 * chunk's channels of one sample lie side by side: long runs, where a channel's rows alone are short
 * runs far apart), each channel's running sums kept in the thread's scratch (STATE bytes a channel):
 * every channel is still summed row after row, in one order whatever the chunks. With inner = 1, lo
 * and hi are channels too and the sums run down the rows, four channels a vector.
 */
export function channelReduce(
  tid: i32,
  _chunk: i32,
  lo: i32,
  hi: i32,
  a: usize,
  aCenter: usize,
  b: usize,
  bCenter: usize,
  sum: usize,
  dot: usize,
  N: i32,
  C: i32,
  inner: i32,
  accumulate: i32,
  scratchBase: usize,
  scratchStride: usize,
): void {
  checkRange(lo, hi);
  checkSpan(a, N * C * inner);
  if (b !== 0) checkSpan(b, N * C * inner);
  if (inner === 1) {
    reduceColumns(lo, hi, a, aCenter, b, bCenter, sum, dot, N, C, accumulate);
    return;
  }
  const states = (scratchBase + <usize>tid * scratchStride + 15) & ~(<usize>15);
  memory.fill(states, 0, <usize>(hi - lo) * STATE);
  // x − μ squared: one operand read once
  const squares = b === a && aCenter === bCenter && sum === 0;
  const rowBytes = <usize>inner * 4;
  for (let n = 0; n < N; n++) {
    for (let c = lo; c < hi; c++) {
      const st = states + <usize>(c - lo) * STATE;
      const off = (<usize>n * <usize>C + <usize>c) * rowBytes;
      const ca: f32 = aCenter === 0 ? 0 : load<f32>(aCenter + <usize>c * 4);
      if (b === 0) sumRow(st, a + off, inner);
      else if (squares) squaresRow(st, a + off, ca, inner);
      else dotRow(st, a + off, ca, b + off, bCenter === 0 ? 0 : load<f32>(bCenter + <usize>c * 4), inner);
    }
  }
  const zero = f32x4.splat(0);
  for (let c = lo; c < hi; c++) {
    const st = states + <usize>(c - lo) * STATE;
    const v0 = v128.load(st),
      v1 = v128.load(st, 16);
    if (b === 0 || squares) {
      const total =
        load<f64>(st, 96) + total4(v0, v1, v128.load(st, 32), v128.load(st, 48)) + <f64>load<f32>(st, 112);
      if (b === 0) {
        if (sum !== 0) put(sum, c, total, accumulate);
      } else if (dot !== 0) put(dot, c, total, accumulate);
      continue;
    }
    if (sum !== 0)
      put(sum, c, load<f64>(st, 96) + total4(v0, v1, zero, zero) + <f64>load<f32>(st, 112), accumulate);
    if (dot !== 0) {
      const d = total4(v128.load(st, 32), v128.load(st, 48), v128.load(st, 64), v128.load(st, 80));
      put(dot, c, load<f64>(st, 104) + d + <f64>load<f32>(st, 116), accumulate);
    }
  }
}

/** channelReduce for a, b [N, C] (inner = 1): channels [lo, hi) four at a time, down the N rows. */
function reduceColumns(
  lo: i32,
  hi: i32,
  a: usize,
  aCenter: usize,
  b: usize,
  bCenter: usize,
  sum: usize,
  dot: usize,
  N: i32,
  C: i32,
  accumulate: i32,
): void {
  const zero = f32x4.splat(0);
  const row = <usize>C * 4;
  let c = lo;
  for (; c + 4 <= hi; c += 4) {
    const p0 = <usize>c * 4;
    const va = aCenter === 0 ? zero : v128.load(aCenter + p0);
    const vb = bCenter === 0 ? zero : v128.load(bCenter + p0);
    let sl = f64x2.splat(0),
      sh = f64x2.splat(0),
      dl = f64x2.splat(0),
      dh = f64x2.splat(0);
    for (let n0 = 0; n0 < N; n0 += BLOCK) {
      const n1 = min(n0 + BLOCK, N);
      let s = zero,
        d = zero;
      if (b === 0) {
        for (let n = n0; n < n1; n++) s = f32x4.add(s, f32x4.sub(v128.load(a + <usize>n * row + p0), va));
      } else {
        for (let n = n0; n < n1; n++) {
          const x = f32x4.sub(v128.load(a + <usize>n * row + p0), va);
          s = f32x4.add(s, x);
          d = madd(x, f32x4.sub(v128.load(b + <usize>n * row + p0), vb), d);
        }
      }
      sl = f64x2.add(sl, f64x2.promote_low_f32x4(s));
      sh = f64x2.add(sh, f64x2.promote_low_f32x4(v128.shuffle<f32>(s, s, 2, 3, 0, 1)));
      dl = f64x2.add(dl, f64x2.promote_low_f32x4(d));
      dh = f64x2.add(dh, f64x2.promote_low_f32x4(v128.shuffle<f32>(d, d, 2, 3, 0, 1)));
    }
    if (sum !== 0) {
      put(sum, c, f64x2.extract_lane(sl, 0), accumulate);
      put(sum, c + 1, f64x2.extract_lane(sl, 1), accumulate);
      put(sum, c + 2, f64x2.extract_lane(sh, 0), accumulate);
      put(sum, c + 3, f64x2.extract_lane(sh, 1), accumulate);
    }
    if (dot !== 0) {
      put(dot, c, f64x2.extract_lane(dl, 0), accumulate);
      put(dot, c + 1, f64x2.extract_lane(dl, 1), accumulate);
      put(dot, c + 2, f64x2.extract_lane(dh, 0), accumulate);
      put(dot, c + 3, f64x2.extract_lane(dh, 1), accumulate);
    }
  }
  for (; c < hi; c++) {
    const p0 = <usize>c * 4;
    const ca: f32 = aCenter === 0 ? 0 : load<f32>(aCenter + p0);
    const cb: f32 = bCenter === 0 ? 0 : load<f32>(bCenter + p0);
    let s: f64 = 0;
    let d: f64 = 0;
    for (let n = 0; n < N; n++) {
      const x = <f64>(load<f32>(a + <usize>n * row + p0) - ca);
      s += x;
      if (b !== 0) d += x * <f64>(load<f32>(b + <usize>n * row + p0) - cb);
    }
    if (sum !== 0) put(sum, c, s, accumulate);
    if (dot !== 0) put(dot, c, d, accumulate);
  }
}

/**
 * y (+)= x·scale[c] + shift[c] for x, y [N, C, inner] (scale 0: 1; shift 0: 0), over rows n·C + c in
 * [lo, hi) (inner > 1) or rows n in [lo, hi) with the channels along the row (inner = 1). y may be x.
 */
export function channelScaleShift(
  _tid: i32,
  _chunk: i32,
  lo: i32,
  hi: i32,
  x: usize,
  scale: usize,
  shift: usize,
  y: usize,
  C: i32,
  inner: i32,
  accumulate: i32,
): void {
  checkRange(lo, hi);
  checkSpan(x, hi * (inner === 1 ? C : inner));
  checkSpan(y, hi * (inner === 1 ? C : inner));
  const one = f32x4.splat(1);
  const zero = f32x4.splat(0);
  if (inner === 1) {
    for (let n = lo; n < hi; n++) {
      const px = x + <usize>n * C * 4;
      const py = y + <usize>n * C * 4;
      let c = 0;
      for (; c + 4 <= C; c += 4) {
        const p = <usize>c * 4;
        const s = scale === 0 ? one : v128.load(scale + p);
        let h = shift === 0 ? zero : v128.load(shift + p);
        if (accumulate !== 0) h = f32x4.add(h, v128.load(py + p));
        v128.store(py + p, madd(v128.load(px + p), s, h));
      }
      for (; c < C; c++) {
        const p = <usize>c * 4;
        const s: f32 = scale === 0 ? 1 : load<f32>(scale + p);
        const h: f32 = shift === 0 ? 0 : load<f32>(shift + p);
        store<f32>(py + p, (accumulate !== 0 ? load<f32>(py + p) : 0) + load<f32>(px + p) * s + h);
      }
    }
    return;
  }
  for (let r = lo; r < hi; r++) {
    const c = r % C;
    const s: f32 = scale === 0 ? 1 : load<f32>(scale + <usize>c * 4);
    const h: f32 = shift === 0 ? 0 : load<f32>(shift + <usize>c * 4);
    const vs = f32x4.splat(s);
    const vh = f32x4.splat(h);
    const px = x + <usize>r * <usize>inner * 4;
    const py = y + <usize>r * <usize>inner * 4;
    let i = 0;
    if (accumulate !== 0) {
      for (; i + 4 <= inner; i += 4) {
        const p = <usize>i * 4;
        v128.store(py + p, madd(v128.load(px + p), vs, f32x4.add(v128.load(py + p), vh)));
      }
      for (; i < inner; i++) {
        const p = <usize>i * 4;
        store<f32>(py + p, load<f32>(py + p) + load<f32>(px + p) * s + h);
      }
    } else {
      for (; i + 8 <= inner; i += 8) {
        const p = <usize>i * 4;
        v128.store(py + p, madd(v128.load(px + p), vs, vh));
        v128.store(py + p, madd(v128.load(px + p, 16), vs, vh), 16);
      }
      for (; i + 4 <= inner; i += 4) {
        const p = <usize>i * 4;
        v128.store(py + p, madd(v128.load(px + p), vs, vh));
      }
      for (; i < inner; i++) {
        const p = <usize>i * 4;
        store<f32>(py + p, load<f32>(px + p) * s + h);
      }
    }
  }
}

/**
 * y ← a·alpha[c] + (b − center[c])·beta[c] + shift[c] for a, b, y [N, C, inner] (center, shift 0: none),
 * over rows as in channelScaleShift. y may be a or b.
 */
export function channelCombine(
  _tid: i32,
  _chunk: i32,
  lo: i32,
  hi: i32,
  a: usize,
  alpha: usize,
  b: usize,
  center: usize,
  beta: usize,
  shift: usize,
  y: usize,
  C: i32,
  inner: i32,
): void {
  checkRange(lo, hi);
  checkSpan(a, hi * (inner === 1 ? C : inner));
  checkSpan(b, hi * (inner === 1 ? C : inner));
  checkSpan(y, hi * (inner === 1 ? C : inner));
  const zero = f32x4.splat(0);
  if (inner === 1) {
    for (let n = lo; n < hi; n++) {
      const row = <usize>n * C * 4;
      let c = 0;
      for (; c + 4 <= C; c += 4) {
        const p = <usize>c * 4;
        const mu = center === 0 ? zero : v128.load(center + p);
        const h = shift === 0 ? zero : v128.load(shift + p);
        const t = madd(v128.load(a + row + p), v128.load(alpha + p), h);
        v128.store(y + row + p, madd(f32x4.sub(v128.load(b + row + p), mu), v128.load(beta + p), t));
      }
      for (; c < C; c++) {
        const p = <usize>c * 4;
        const mu: f32 = center === 0 ? 0 : load<f32>(center + p);
        const h: f32 = shift === 0 ? 0 : load<f32>(shift + p);
        const t = load<f32>(a + row + p) * load<f32>(alpha + p) + h;
        store<f32>(y + row + p, (load<f32>(b + row + p) - mu) * load<f32>(beta + p) + t);
      }
    }
    return;
  }
  for (let r = lo; r < hi; r++) {
    const c = r % C;
    const p0 = <usize>c * 4;
    const al = load<f32>(alpha + p0);
    const be = load<f32>(beta + p0);
    const mu: f32 = center === 0 ? 0 : load<f32>(center + p0);
    const h: f32 = shift === 0 ? 0 : load<f32>(shift + p0);
    const va = f32x4.splat(al);
    const vb = f32x4.splat(be);
    const vm = f32x4.splat(mu);
    const vh = f32x4.splat(h);
    const off = <usize>r * <usize>inner * 4;
    const pa = a + off;
    const pb = b + off;
    const py = y + off;
    let i = 0;
    for (; i + 4 <= inner; i += 4) {
      const p = <usize>i * 4;
      const t = madd(v128.load(pa + p), va, vh);
      v128.store(py + p, madd(f32x4.sub(v128.load(pb + p), vm), vb, t));
    }
    for (; i < inner; i++) {
      const p = <usize>i * 4;
      store<f32>(py + p, (load<f32>(pb + p) - mu) * be + (load<f32>(pa + p) * al + h));
    }
  }
}

/**
 * Units [lo, hi) of a Bernoulli mask of n elements, and optionally its product with x. The elements
 * [0, 4·units·q) are cut into 4·units lanes of q (a multiple of 4) consecutive elements; unit u draws
 * lanes 4u … 4u + 3 side by side in SIMD lanes, lane k from the xoshiro128** state (the generator of
 * the TypeScript `Random`) [s0, s1, s2, s3] at states + 16k, where the caller put the state the
 * sequential draws reach at the lane's start. The last unit then draws the tail [4·units·q, n) on from
 * where its last lane ends and writes the state after the tail at states + 16·4·units. One draw r per
 * element in element order: mask ← 0 where r < limit (that is, r/2³² < p with limit = p·2³²), else
 * `scale`; out ← x·mask unless x is 0. With draw = 0 nothing is drawn: every mask element is `scale`.
 */
export function bernoulliMaskMul(
  _tid: i32,
  _chunk: i32,
  lo: i32,
  hi: i32,
  states: usize,
  q: i32,
  units: i32,
  n: i32,
  draw: i32,
  limit: f64,
  scale: f32,
  mask: usize,
  x: usize,
  out: usize,
): void {
  checkRange(lo, hi);
  checkSpan(states, (4 * units + 1) * 4);
  checkSpan(mask, n);
  if (x !== 0) {
    checkSpan(x, n);
    checkSpan(out, n);
  }
  if (draw === 0) {
    // every element kept (or, with scale 0, every one dropped): the unit's share of the elements
    const per = (n + units - 1) / units;
    const vs = f32x4.splat(scale);
    for (let u = lo; u < hi; u++) {
      const end = min(n, (u + 1) * per);
      let i = u * per;
      for (; i + 4 <= end; i += 4) {
        const p = <usize>i * 4;
        v128.store(mask + p, vs);
        if (x !== 0) v128.store(out + p, f32x4.mul(v128.load(x + p), vs));
      }
      for (; i < end; i++) {
        const p = <usize>i * 4;
        store<f32>(mask + p, scale);
        if (x !== 0) store<f32>(out + p, load<f32>(x + p) * scale);
      }
    }
    return;
  }
  // r < limit ⟺ r ≤ ⌈limit⌉ − 1 for integer r; 0 < limit < 2³² here.
  const thr = i32x4.splat(<i32>(<u32>(Math.ceil(limit) - 1)));
  const vs = f32x4.splat(scale);
  const five = i32x4.splat(5),
    nine = i32x4.splat(9);
  const lane = <usize>q * 4;
  for (let u = lo; u < hi; u++) {
    // lanes 4u … 4u + 3: their s0 words to g0, s1 to g1, …
    const st = states + <usize>u * 64;
    const a = v128.load(st),
      b = v128.load(st, 16),
      c = v128.load(st, 32),
      d = v128.load(st, 48);
    const t0 = i32x4.shuffle(a, b, 0, 4, 1, 5),
      t1 = i32x4.shuffle(c, d, 0, 4, 1, 5),
      t2 = i32x4.shuffle(a, b, 2, 6, 3, 7),
      t3 = i32x4.shuffle(c, d, 2, 6, 3, 7);
    let g0 = i32x4.shuffle(t0, t1, 0, 1, 4, 5),
      g1 = i32x4.shuffle(t0, t1, 2, 3, 6, 7),
      g2 = i32x4.shuffle(t2, t3, 0, 1, 4, 5),
      g3 = i32x4.shuffle(t2, t3, 2, 3, 6, 7);
    let m = g0,
      t = g0;
    const base = <usize>u * 4 * lane;
    for (let j = 0; j < q; j += 4) {
      // draws j … j + 3 of the four lanes (one xoshiro128** step each), transposed below to each
      // lane's four consecutive draws
      m = i32x4.mul(g1, five);
      const r0 = i32x4.mul(v128.or(i32x4.shl(m, 7), i32x4.shr_u(m, 25)), nine);
      t = i32x4.shl(g1, 9);
      g2 = v128.xor(g2, g0);
      g3 = v128.xor(g3, g1);
      g1 = v128.xor(g1, g2);
      g0 = v128.xor(g0, g3);
      g2 = v128.xor(g2, t);
      g3 = v128.or(i32x4.shl(g3, 11), i32x4.shr_u(g3, 21));
      m = i32x4.mul(g1, five);
      const r1 = i32x4.mul(v128.or(i32x4.shl(m, 7), i32x4.shr_u(m, 25)), nine);
      t = i32x4.shl(g1, 9);
      g2 = v128.xor(g2, g0);
      g3 = v128.xor(g3, g1);
      g1 = v128.xor(g1, g2);
      g0 = v128.xor(g0, g3);
      g2 = v128.xor(g2, t);
      g3 = v128.or(i32x4.shl(g3, 11), i32x4.shr_u(g3, 21));
      m = i32x4.mul(g1, five);
      const r2 = i32x4.mul(v128.or(i32x4.shl(m, 7), i32x4.shr_u(m, 25)), nine);
      t = i32x4.shl(g1, 9);
      g2 = v128.xor(g2, g0);
      g3 = v128.xor(g3, g1);
      g1 = v128.xor(g1, g2);
      g0 = v128.xor(g0, g3);
      g2 = v128.xor(g2, t);
      g3 = v128.or(i32x4.shl(g3, 11), i32x4.shr_u(g3, 21));
      m = i32x4.mul(g1, five);
      const r3 = i32x4.mul(v128.or(i32x4.shl(m, 7), i32x4.shr_u(m, 25)), nine);
      t = i32x4.shl(g1, 9);
      g2 = v128.xor(g2, g0);
      g3 = v128.xor(g3, g1);
      g1 = v128.xor(g1, g2);
      g0 = v128.xor(g0, g3);
      g2 = v128.xor(g2, t);
      g3 = v128.or(i32x4.shl(g3, 11), i32x4.shr_u(g3, 21));
      const v0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5),
        v1 = i32x4.shuffle(r2, r3, 0, 4, 1, 5),
        v2 = i32x4.shuffle(r0, r1, 2, 6, 3, 7),
        v3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
      // masks: 0 where draw ≤ thr (draw/2³² < p), else scale
      const m0 = v128.andnot(vs, i32x4.le_u(i32x4.shuffle(v0, v1, 0, 1, 4, 5), thr)),
        m1 = v128.andnot(vs, i32x4.le_u(i32x4.shuffle(v0, v1, 2, 3, 6, 7), thr)),
        m2 = v128.andnot(vs, i32x4.le_u(i32x4.shuffle(v2, v3, 0, 1, 4, 5), thr)),
        m3 = v128.andnot(vs, i32x4.le_u(i32x4.shuffle(v2, v3, 2, 3, 6, 7), thr));
      const p = base + <usize>j * 4;
      v128.store(mask + p, m0);
      v128.store(mask + p + lane, m1);
      v128.store(mask + p + 2 * lane, m2);
      v128.store(mask + p + 3 * lane, m3);
      if (x !== 0) {
        v128.store(out + p, f32x4.mul(v128.load(x + p), m0));
        v128.store(out + p + lane, f32x4.mul(v128.load(x + p + lane), m1));
        v128.store(out + p + 2 * lane, f32x4.mul(v128.load(x + p + 2 * lane), m2));
        v128.store(out + p + 3 * lane, f32x4.mul(v128.load(x + p + 3 * lane), m3));
      }
    }
    if (u !== units - 1) continue;
    // the tail, on from the last lane's state
    let s0 = <u32>i32x4.extract_lane(g0, 3);
    let s1 = <u32>i32x4.extract_lane(g1, 3);
    let s2 = <u32>i32x4.extract_lane(g2, 3);
    let s3 = <u32>i32x4.extract_lane(g3, 3);
    for (let i = 4 * units * q; i < n; i++) {
      const r = rotl<u32>(s1 * 5, 7) * 9;
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotl<u32>(s3, 11);
      const m: f32 = <f64>r < limit ? 0 : scale;
      const p = <usize>i * 4;
      store<f32>(mask + p, m);
      if (x !== 0) store<f32>(out + p, load<f32>(x + p) * m);
    }
    const end = states + <usize>units * 64;
    store<u32>(end, s0);
    store<u32>(end, s1, 4);
    store<u32>(end, s2, 8);
    store<u32>(end, s3, 12);
  }
}
