// Convolution (NCHW, weights OIHW) lowered to im2col + GEMM per sample, threads taking whole samples.
// Per-thread scratch (at scratchBase + tid·scratchStride): [GEMM packing | cols C·kH·kW × outH·outW |
// partial dW O × C·kH·kW | partial db O].

import { GEMM_SCRATCH_BYTES, gemmBlock } from './gemm';
import { hsum, madd } from './simd';

/** Geometry shared by every convolution kernel, read from a 13-int block in memory. */
@unmanaged
class Geom {
  C: i32;
  H: i32;
  W: i32;
  O: i32;
  kh: i32;
  kw: i32;
  sh: i32;
  sw: i32;
  ph: i32;
  pw: i32;
  oh: i32;
  ow: i32;
}

/** cols [C·kH·kW, oh·ow] ← patches of one image x [C, H, W] (zero outside). */
export function im2colSample(x: usize, g: Geom, cols: usize): void {
  const C = g.C,
    H = g.H,
    W = g.W,
    kh = g.kh,
    kw = g.kw,
    sh = g.sh,
    sw = g.sw,
    ph = g.ph,
    pw = g.pw,
    oh = g.oh,
    ow = g.ow;
  let row = cols;
  for (let c = 0; c < C; c++) {
    const plane = x + <usize>(c * H * W) * 4;
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        // output columns whose input column ow·sw − pw + j lies inside [0, W)
        let o0 = pw - j > 0 ? (pw - j + sw - 1) / sw : 0;
        let o1 = W + pw - j > 0 ? (W + pw - j + sw - 1) / sw : 0;
        o0 = min(o0, ow);
        o1 = max(o0, min(o1, ow));
        for (let y = 0; y < oh; y++) {
          const dst = row + <usize>(y * ow) * 4;
          const ih = y * sh - ph + i;
          if (ih < 0 || ih >= H) {
            memory.fill(dst, 0, <usize>ow * 4);
            continue;
          }
          const src = plane + <usize>(ih * W - pw + j) * 4;
          for (let q = 0; q < o0; q++) store<f32>(dst + <usize>q * 4, 0);
          if (sw === 1) {
            memory.copy(dst + <usize>o0 * 4, src + <usize>o0 * 4, <usize>(o1 - o0) * 4);
          } else {
            for (let q = o0; q < o1; q++)
              store<f32>(dst + <usize>q * 4, load<f32>(src + <usize>(q * sw) * 4));
          }
          for (let q = o1; q < ow; q++) store<f32>(dst + <usize>q * 4, 0);
        }
        row += <usize>(oh * ow) * 4;
      }
    }
  }
}

/** dx [C, H, W] ← col2im(cols): the adjoint of im2colSample, summing overlapping taps. Writes. */
export function col2imSample(cols: usize, g: Geom, dx: usize): void {
  const C = g.C,
    H = g.H,
    W = g.W,
    kh = g.kh,
    kw = g.kw,
    sh = g.sh,
    sw = g.sw,
    ph = g.ph,
    pw = g.pw,
    oh = g.oh,
    ow = g.ow;
  memory.fill(dx, 0, <usize>(C * H * W) * 4);
  let row = cols;
  for (let c = 0; c < C; c++) {
    const plane = dx + <usize>(c * H * W) * 4;
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        let o0 = pw - j > 0 ? (pw - j + sw - 1) / sw : 0;
        let o1 = W + pw - j > 0 ? (W + pw - j + sw - 1) / sw : 0;
        o0 = min(o0, ow);
        o1 = max(o0, min(o1, ow));
        for (let y = 0; y < oh; y++) {
          const ih = y * sh - ph + i;
          if (ih < 0 || ih >= H) continue;
          const src = row + <usize>(y * ow) * 4;
          const dst = plane + <usize>(ih * W - pw + j) * 4;
          if (sw === 1) {
            let q = o0;
            for (; q + 4 <= o1; q += 4) {
              const d = dst + <usize>q * 4;
              v128.store(d, f32x4.add(v128.load(d), v128.load(src + <usize>q * 4)));
            }
            for (; q < o1; q++) {
              const d = dst + <usize>q * 4;
              store<f32>(d, load<f32>(d) + load<f32>(src + <usize>q * 4));
            }
          } else {
            for (let q = o0; q < o1; q++) {
              const d = dst + <usize>(q * sw) * 4;
              store<f32>(d, load<f32>(d) + load<f32>(src + <usize>q * 4));
            }
          }
        }
        row += <usize>(oh * ow) * 4;
      }
    }
  }
}

function isPointwise(g: Geom): bool {
  return g.kh === 1 && g.kw === 1 && g.sh === 1 && g.sw === 1 && g.ph === 0 && g.pw === 0;
}

/** im2col for samples [lo, hi). */
export function im2col(_tid: i32, lo: i32, hi: i32, x: usize, cols: usize, geom: usize): void {
  const g = changetype<Geom>(geom);
  const inSize = <usize>(g.C * g.H * g.W) * 4;
  const colSize = <usize>(g.C * g.kh * g.kw * g.oh * g.ow) * 4;
  for (let n = lo; n < hi; n++) im2colSample(x + <usize>n * inSize, g, cols + <usize>n * colSize);
}

/** col2im for samples [lo, hi). */
export function col2im(_tid: i32, lo: i32, hi: i32, cols: usize, dx: usize, geom: usize): void {
  const g = changetype<Geom>(geom);
  const inSize = <usize>(g.C * g.H * g.W) * 4;
  const colSize = <usize>(g.C * g.kh * g.kw * g.oh * g.ow) * 4;
  for (let n = lo; n < hi; n++) col2imSample(cols + <usize>n * colSize, g, dx + <usize>n * inSize);
}

/** y[n] [O, oh·ow] ← W [O, CKK] · cols(x[n]) + bias, for samples [lo, hi). */
export function conv2d(
  tid: i32,
  lo: i32,
  hi: i32,
  x: usize,
  w: usize,
  bias: usize,
  y: usize,
  geom: usize,
  scratchBase: usize,
  scratchStride: usize,
): void {
  const g = changetype<Geom>(geom);
  const scratch = scratchBase + <usize>tid * scratchStride;
  const cols = scratch + <usize>GEMM_SCRATCH_BYTES;
  const ckk = g.C * g.kh * g.kw;
  const hw = g.oh * g.ow;
  const inSize = <usize>(g.C * g.H * g.W) * 4;
  const outSize = <usize>(g.O * hw) * 4;
  const direct = isPointwise(g);
  for (let n = lo; n < hi; n++) {
    const xn = x + <usize>n * inSize;
    const yn = y + <usize>n * outSize;
    let src = xn;
    if (!direct) {
      im2colSample(xn, g, cols);
      src = cols;
    }
    gemmBlock(false, false, 0, g.O, 0, hw, ckk, 1, w, ckk, src, hw, 0, yn, hw, scratch);
    if (bias !== 0) {
      for (let o = 0; o < g.O; o++) {
        const bv = v128.load32_splat(bias + <usize>o * 4);
        const row = yn + <usize>(o * hw) * 4;
        let q = 0;
        for (; q + 4 <= hw; q += 4)
          v128.store(row + <usize>q * 4, f32x4.add(v128.load(row + <usize>q * 4), bv));
        const b = load<f32>(bias + <usize>o * 4);
        for (; q < hw; q++) store<f32>(row + <usize>q * 4, load<f32>(row + <usize>q * 4) + b);
      }
    }
  }
}

/** dx[n] ← col2im(Wᵀ · dy[n]) for samples [lo, hi). */
export function conv2dBackwardData(
  tid: i32,
  lo: i32,
  hi: i32,
  dy: usize,
  w: usize,
  dx: usize,
  geom: usize,
  scratchBase: usize,
  scratchStride: usize,
): void {
  const g = changetype<Geom>(geom);
  const scratch = scratchBase + <usize>tid * scratchStride;
  const cols = scratch + <usize>GEMM_SCRATCH_BYTES;
  const ckk = g.C * g.kh * g.kw;
  const hw = g.oh * g.ow;
  const inSize = <usize>(g.C * g.H * g.W) * 4;
  const outSize = <usize>(g.O * hw) * 4;
  const direct = isPointwise(g);
  for (let n = lo; n < hi; n++) {
    const dyn = dy + <usize>n * outSize;
    const dxn = dx + <usize>n * inSize;
    if (direct) {
      gemmBlock(true, false, 0, ckk, 0, hw, g.O, 1, w, ckk, dyn, hw, 0, dxn, hw, scratch);
    } else {
      gemmBlock(true, false, 0, ckk, 0, hw, g.O, 1, w, ckk, dyn, hw, 0, cols, hw, scratch);
      col2imSample(cols, g, dxn);
    }
  }
}

/**
 * Partial weight and bias gradients of samples [lo, hi) into this thread's scratch (overwritten):
 * dW_t [O, CKK] = Σ_n dy[n] · cols(x[n])ᵀ, db_t [O] = Σ_n Σ_hw dy[n]. `reducePartials` then adds the
 * partials of every thread, in thread order, into dw and db.
 */
export function conv2dBackwardWeights(
  tid: i32,
  lo: i32,
  hi: i32,
  x: usize,
  dy: usize,
  geom: usize,
  scratchBase: usize,
  scratchStride: usize,
  partialOffset: usize,
): void {
  const g = changetype<Geom>(geom);
  const scratch = scratchBase + <usize>tid * scratchStride;
  const cols = scratch + <usize>GEMM_SCRATCH_BYTES;
  const pw = scratch + partialOffset;
  const ckk = g.C * g.kh * g.kw;
  const hw = g.oh * g.ow;
  const pb = pw + <usize>(g.O * ckk) * 4;
  const inSize = <usize>(g.C * g.H * g.W) * 4;
  const outSize = <usize>(g.O * hw) * 4;
  const direct = isPointwise(g);
  memory.fill(pw, 0, <usize>(g.O * ckk + g.O) * 4);
  for (let n = lo; n < hi; n++) {
    const xn = x + <usize>n * inSize;
    const dyn = dy + <usize>n * outSize;
    let src = xn;
    if (!direct) {
      im2colSample(xn, g, cols);
      src = cols;
    }
    gemmBlock(false, true, 0, g.O, 0, ckk, hw, 1, dyn, hw, src, hw, 1, pw, ckk, scratch);
    for (let o = 0; o < g.O; o++) {
      const row = dyn + <usize>(o * hw) * 4;
      let acc = f32x4.splat(0);
      let q = 0;
      for (; q + 4 <= hw; q += 4) acc = f32x4.add(acc, v128.load(row + <usize>q * 4));
      let s: f32 =
        f32x4.extract_lane(acc, 0) +
        f32x4.extract_lane(acc, 1) +
        f32x4.extract_lane(acc, 2) +
        f32x4.extract_lane(acc, 3);
      for (; q < hw; q++) s += load<f32>(row + <usize>q * 4);
      store<f32>(pb + <usize>o * 4, load<f32>(pb + <usize>o * 4) + s);
    }
  }
}

/**
 * dst[i] += Σ_t partial_t[i] for i in [lo, hi), t = 0 … parts−1 in order, where partial_t starts at
 * scratchBase + t·scratchStride + partialOffset. A deterministic reduction of per-thread partials.
 */
export function reducePartials(
  _tid: i32,
  lo: i32,
  hi: i32,
  dst: usize,
  scratchBase: usize,
  scratchStride: usize,
  partialOffset: usize,
  parts: i32,
): void {
  for (let i = lo; i < hi; i++) {
    let s = load<f32>(dst + <usize>i * 4);
    for (let t = 0; t < parts; t++)
      s += load<f32>(scratchBase + <usize>t * scratchStride + partialOffset + <usize>i * 4);
    store<f32>(dst + <usize>i * 4, s);
  }
}

// ---- Direct convolution for stride 1 and few taps (C·kH·kW ≤ 36: e.g. the first layer, C = 1) ----
// im2col + GEMM would have K = C·kH·kW, too small to amortise packing; here each sample's input is
// zero-padded once into scratch, and outputs are computed along rows, four channels × eight columns
// per step (forward) or nine taps per pass (weight gradient).

/** Zero-padded copy of x[n] [C, H, W] into xp [C, H + 2ph, W + 2pw + 4] (4 spare columns per row). */
function padInput(xn: usize, g: Geom, xp: usize): void {
  const PH = g.H + 2 * g.ph;
  const PW = g.W + 2 * g.pw + 4;
  memory.fill(xp, 0, <usize>(g.C * PH * PW) * 4);
  for (let c = 0; c < g.C; c++) {
    for (let h = 0; h < g.H; h++) {
      memory.copy(
        xp + <usize>((c * PH + h + g.ph) * PW + g.pw) * 4,
        xn + <usize>((c * g.H + h) * g.W) * 4,
        <usize>g.W * 4,
      );
    }
  }
}

/** y[n] ← conv(x[n]) + bias for samples [lo, hi), stride 1, directly (see above). */
export function conv2dDirect(
  tid: i32,
  lo: i32,
  hi: i32,
  x: usize,
  w: usize,
  bias: usize,
  y: usize,
  geom: usize,
  scratchBase: usize,
  scratchStride: usize,
): void {
  const g = changetype<Geom>(geom);
  const xp = (scratchBase + <usize>tid * scratchStride + 15) & ~(<usize>15);
  const C = g.C,
    O = g.O,
    kh = g.kh,
    kw = g.kw,
    oh = g.oh,
    ow = g.ow;
  const PH = g.H + 2 * g.ph;
  const PW = g.W + 2 * g.pw + 4;
  const taps = C * kh * kw;
  const hw = oh * ow;
  const inSize = <usize>(C * g.H * g.W) * 4;
  const outSize = <usize>(O * hw) * 4;
  for (let n = lo; n < hi; n++) {
    padInput(x + <usize>n * inSize, g, xp);
    const yn = y + <usize>n * outSize;
    for (let o0 = 0; o0 < O; o0 += 4) {
      const no = min(4, O - o0);
      // weights of channels o0..o0+3 (a missing channel repeats the last: computed, never stored)
      const w0 = w + <usize>(o0 * taps) * 4;
      const w1 = w + <usize>(min(o0 + 1, O - 1) * taps) * 4;
      const w2 = w + <usize>(min(o0 + 2, O - 1) * taps) * 4;
      const w3 = w + <usize>(min(o0 + 3, O - 1) * taps) * 4;
      const b0: f32 = bias !== 0 ? load<f32>(bias + <usize>o0 * 4) : 0;
      const b1: f32 = bias !== 0 ? load<f32>(bias + <usize>min(o0 + 1, O - 1) * 4) : 0;
      const b2: f32 = bias !== 0 ? load<f32>(bias + <usize>min(o0 + 2, O - 1) * 4) : 0;
      const b3: f32 = bias !== 0 ? load<f32>(bias + <usize>min(o0 + 3, O - 1) * 4) : 0;
      for (let r = 0; r < oh; r++) {
        for (let q = 0; q < ow; q += 8) {
          let a0 = f32x4.splat(b0),
            a1 = f32x4.splat(b0),
            c0 = f32x4.splat(b1),
            c1 = f32x4.splat(b1);
          let d0 = f32x4.splat(b2),
            d1 = f32x4.splat(b2),
            e0 = f32x4.splat(b3),
            e1 = f32x4.splat(b3);
          let t = 0;
          for (let c = 0; c < C; c++) {
            for (let i = 0; i < kh; i++) {
              const row = xp + <usize>((c * PH + r + i) * PW + q) * 4;
              for (let j = 0; j < kw; j++, t++) {
                const s0 = v128.load(row + <usize>j * 4);
                const s1 = v128.load(row + <usize>j * 4, 16);
                const to = <usize>t * 4;
                let wv = v128.load32_splat(w0 + to);
                a0 = madd(wv, s0, a0);
                a1 = madd(wv, s1, a1);
                wv = v128.load32_splat(w1 + to);
                c0 = madd(wv, s0, c0);
                c1 = madd(wv, s1, c1);
                wv = v128.load32_splat(w2 + to);
                d0 = madd(wv, s0, d0);
                d1 = madd(wv, s1, d1);
                wv = v128.load32_splat(w3 + to);
                e0 = madd(wv, s0, e0);
                e1 = madd(wv, s1, e1);
              }
            }
          }
          // store the valid columns of the (up to) 4 channel rows
          const out = yn + <usize>(o0 * hw + r * ow + q) * 4;
          const cols = min(8, ow - q);
          storeCols(out, a0, a1, cols);
          if (no > 1) storeCols(out + <usize>hw * 4, c0, c1, cols);
          if (no > 2) storeCols(out + <usize>(2 * hw) * 4, d0, d1, cols);
          if (no > 3) storeCols(out + <usize>(3 * hw) * 4, e0, e1, cols);
        }
      }
    }
  }
}

/** Stores the first `cols` (≤ 8) lanes of [v0, v1] at p. */
function storeCols(p: usize, v0: v128, v1: v128, cols: i32): void {
  if (cols === 8) {
    v128.store(p, v0);
    v128.store(p, v1, 16);
    return;
  }
  if (cols >= 4) {
    v128.store(p, v0);
    if (cols > 4) store<f32>(p, f32x4.extract_lane(v1, 0), 16);
    if (cols > 5) store<f32>(p, f32x4.extract_lane(v1, 1), 20);
    if (cols > 6) store<f32>(p, f32x4.extract_lane(v1, 2), 24);
    return;
  }
  store<f32>(p, f32x4.extract_lane(v0, 0));
  if (cols > 1) store<f32>(p, f32x4.extract_lane(v0, 1), 4);
  if (cols > 2) store<f32>(p, f32x4.extract_lane(v0, 2), 8);
}

/**
 * Partial weight and bias gradients of samples [lo, hi), stride 1, directly: for each output channel
 * and each group of up to nine taps, one pass over dy with nine accumulators. Same partial layout as
 * conv2dBackwardWeights (reducePartials adds them up).
 */
export function conv2dBackwardWeightsDirect(
  tid: i32,
  lo: i32,
  hi: i32,
  x: usize,
  dy: usize,
  geom: usize,
  scratchBase: usize,
  scratchStride: usize,
  partialOffset: usize,
): void {
  const g = changetype<Geom>(geom);
  const scratch = scratchBase + <usize>tid * scratchStride;
  const xp = (scratch + 15) & ~(<usize>15);
  const pw = scratch + partialOffset;
  const C = g.C,
    O = g.O,
    kh = g.kh,
    kw = g.kw,
    oh = g.oh,
    ow = g.ow;
  const PH = g.H + 2 * g.ph;
  const PW = g.W + 2 * g.pw + 4;
  const taps = C * kh * kw;
  const hw = oh * ow;
  const pb = pw + <usize>(O * taps) * 4;
  const inSize = <usize>(C * g.H * g.W) * 4;
  const outSize = <usize>(O * hw) * 4;
  const ow4 = ow & ~3;
  memory.fill(pw, 0, <usize>(O * taps + O) * 4);
  for (let n = lo; n < hi; n++) {
    padInput(x + <usize>n * inSize, g, xp);
    const dyn = dy + <usize>n * outSize;
    for (let o = 0; o < O; o++) {
      const dyo = dyn + <usize>(o * hw) * 4;
      const wo = pw + <usize>(o * taps) * 4;
      for (let t0 = 0; t0 < taps; t0 += 9) {
        // byte offsets into xp of the group's taps (a missing tap repeats tap t0: computed, never stored)
        const f0 = tapOffset(t0, t0, taps, kh, kw, PH, PW);
        const f1 = tapOffset(t0 + 1, t0, taps, kh, kw, PH, PW);
        const f2 = tapOffset(t0 + 2, t0, taps, kh, kw, PH, PW);
        const f3 = tapOffset(t0 + 3, t0, taps, kh, kw, PH, PW);
        const f4 = tapOffset(t0 + 4, t0, taps, kh, kw, PH, PW);
        const f5 = tapOffset(t0 + 5, t0, taps, kh, kw, PH, PW);
        const f6 = tapOffset(t0 + 6, t0, taps, kh, kw, PH, PW);
        const f7 = tapOffset(t0 + 7, t0, taps, kh, kw, PH, PW);
        const f8 = tapOffset(t0 + 8, t0, taps, kh, kw, PH, PW);
        let a0 = f32x4.splat(0),
          a1 = f32x4.splat(0),
          a2 = f32x4.splat(0),
          a3 = f32x4.splat(0);
        let a4 = f32x4.splat(0),
          a5 = f32x4.splat(0),
          a6 = f32x4.splat(0),
          a7 = f32x4.splat(0);
        let a8 = f32x4.splat(0);
        let s0: f32 = 0,
          s1: f32 = 0,
          s2: f32 = 0,
          s3: f32 = 0,
          s4: f32 = 0;
        let s5: f32 = 0,
          s6: f32 = 0,
          s7: f32 = 0,
          s8: f32 = 0;
        for (let r = 0; r < oh; r++) {
          const drow = dyo + <usize>(r * ow) * 4;
          const xrow = xp + <usize>(r * PW) * 4;
          for (let q = 0; q < ow4; q += 4) {
            const d = v128.load(drow + <usize>q * 4);
            const base = xrow + <usize>q * 4;
            a0 = madd(d, v128.load(base + f0), a0);
            a1 = madd(d, v128.load(base + f1), a1);
            a2 = madd(d, v128.load(base + f2), a2);
            a3 = madd(d, v128.load(base + f3), a3);
            a4 = madd(d, v128.load(base + f4), a4);
            a5 = madd(d, v128.load(base + f5), a5);
            a6 = madd(d, v128.load(base + f6), a6);
            a7 = madd(d, v128.load(base + f7), a7);
            a8 = madd(d, v128.load(base + f8), a8);
          }
          for (let q = ow4; q < ow; q++) {
            const d = load<f32>(drow + <usize>q * 4);
            const base = xrow + <usize>q * 4;
            s0 += d * load<f32>(base + f0);
            s1 += d * load<f32>(base + f1);
            s2 += d * load<f32>(base + f2);
            s3 += d * load<f32>(base + f3);
            s4 += d * load<f32>(base + f4);
            s5 += d * load<f32>(base + f5);
            s6 += d * load<f32>(base + f6);
            s7 += d * load<f32>(base + f7);
            s8 += d * load<f32>(base + f8);
          }
        }
        const cnt = min(9, taps - t0);
        const dst = wo + <usize>t0 * 4;
        store<f32>(dst, load<f32>(dst) + hsum(a0) + s0);
        if (cnt > 1) store<f32>(dst, load<f32>(dst, 4) + hsum(a1) + s1, 4);
        if (cnt > 2) store<f32>(dst, load<f32>(dst, 8) + hsum(a2) + s2, 8);
        if (cnt > 3) store<f32>(dst, load<f32>(dst, 12) + hsum(a3) + s3, 12);
        if (cnt > 4) store<f32>(dst, load<f32>(dst, 16) + hsum(a4) + s4, 16);
        if (cnt > 5) store<f32>(dst, load<f32>(dst, 20) + hsum(a5) + s5, 20);
        if (cnt > 6) store<f32>(dst, load<f32>(dst, 24) + hsum(a6) + s6, 24);
        if (cnt > 7) store<f32>(dst, load<f32>(dst, 28) + hsum(a7) + s7, 28);
        if (cnt > 8) store<f32>(dst, load<f32>(dst, 32) + hsum(a8) + s8, 32);
      }
      // bias: Σ dy over the plane
      let acc = f32x4.splat(0);
      let s: f32 = 0;
      let q = 0;
      for (; q + 4 <= hw; q += 4) acc = f32x4.add(acc, v128.load(dyo + <usize>q * 4));
      for (; q < hw; q++) s += load<f32>(dyo + <usize>q * 4);
      store<f32>(pb + <usize>o * 4, load<f32>(pb + <usize>o * 4) + hsum(acc) + s);
    }
  }
}

/** Byte offset in the padded input of tap t = (c·kh + i)·kw + j (tap `fallback` when t ≥ taps). */
function tapOffset(t: i32, fallback: i32, taps: i32, kh: i32, kw: i32, PH: i32, PW: i32): usize {
  if (t >= taps) t = fallback;
  const j = t % kw;
  const i = (t / kw) % kh;
  const c = t / (kw * kh);
  return <usize>((c * PH + i) * PW + j) * 4;
}
