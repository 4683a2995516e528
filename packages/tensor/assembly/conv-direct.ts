// Direct weight gradient of stride-1 layers with few taps per filter (C·kH·kW small: the first
// convolution of an image model): dW[o, c, i, j] = Σ_y,x dy[o, y, x] · x[c, y + i − ph,
// x + j − pw]. As an im2col GEMM its short side is C·kH·kW (9 or 25 rows for one input channel: a
// quarter to a half of the micro-tile wasted) and most of the time goes to im2col and packing; here
// two output channels and up to five taps of one filter row accumulate in registers over a whole
// plane, reading dy and a zero-padded copy of x[c] once per pass.

// biome-ignore lint/style/useImportType: AssemblyScript has no type-only imports.
import { Geom } from './generated/records';
import { hsum, madd } from './simd';

/** Columns of the padded input plane: room for reads up to 4 columns past the last tap group. */
function planeCols(g: Geom): i32 {
  return g.W + 2 * g.pw + 8;
}

function planeRows(g: Geom): i32 {
  return g.H + 2 * g.ph;
}

/**
 * Most taps per filter (C·kH·kW) computed directly: single-channel 5×5 measured 2× faster than the
 * GEMM, and LeNet's second layer (150 taps over 10×10 planes: short passes) no faster, so only the
 * first layers of image models (grey or RGB, filters up to 3×3 for RGB) qualify.
 */
const MAX_DIRECT_TAPS: i32 = 27;

/** dy's row stride in the direct kernel: ow rounded up to whole SIMD vectors. */
function dyCols(g: Geom): i32 {
  return (g.ow + 3) & ~3;
}

/**
 * Whether {@link directWeightsSample} computes this layer's weight gradient: stride 1, one input
 * channel or at most {@link MAX_DIRECT_TAPS} taps, and the padded plane and padded dy fit the scratch's cols buffer ([C·kH·kW + 1, oh·ow] floats).
 */
export function directWeightsFits(g: Geom): bool {
  const ckk = g.C * g.kh * g.kw;
  return (
    g.sh === 1 &&
    g.sw === 1 &&
    (ckk <= MAX_DIRECT_TAPS || g.C === 1) &&
    planeRows(g) * planeCols(g) + (dyCols(g) !== g.ow ? g.O * g.oh * dyCols(g) : 0) <= (ckk + 1) * g.oh * g.ow
  );
}

/**
 * Taps j0 … j0 + 4 of filter row i for output channels o0, o1 (o1 may repeat o0): the five dot
 * products of dy[o] with the shifted plane, added to (or, when `first`, written at) dw[o][i][j].
 */
function taps5(
  g: Geom,
  xp: usize,
  d0: usize,
  d1: usize,
  i: i32,
  j0: i32,
  nj: i32,
  w0: usize,
  w1: usize,
  pair: bool,
  first: bool,
): void {
  const oh = g.oh,
    ow = dyCols(g),
    wp = planeCols(g);
  let a0 = f32x4.splat(0),
    a1 = f32x4.splat(0),
    a2 = f32x4.splat(0),
    a3 = f32x4.splat(0),
    a4 = f32x4.splat(0);
  let b0 = f32x4.splat(0),
    b1 = f32x4.splat(0),
    b2 = f32x4.splat(0),
    b3 = f32x4.splat(0),
    b4 = f32x4.splat(0);
  for (let y = 0; y < oh; y++) {
    const xr = xp + <usize>((y + i) * wp + j0) * 4;
    const r0 = d0 + <usize>(y * ow) * 4;
    const r1 = d1 + <usize>(y * ow) * 4;
    for (let x = 0; x < ow; x += 4) {
      const o = <usize>x * 4;
      const e = v128.load(r0 + o),
        f = v128.load(r1 + o);
      let v = v128.load(xr + o);
      a0 = madd(e, v, a0);
      b0 = madd(f, v, b0);
      v = v128.load(xr + o, 4);
      a1 = madd(e, v, a1);
      b1 = madd(f, v, b1);
      v = v128.load(xr + o, 8);
      a2 = madd(e, v, a2);
      b2 = madd(f, v, b2);
      v = v128.load(xr + o, 12);
      a3 = madd(e, v, a3);
      b3 = madd(f, v, b3);
      v = v128.load(xr + o, 16);
      a4 = madd(e, v, a4);
      b4 = madd(f, v, b4);
    }
  }
  put(w0 + <usize>j0 * 4, a0, first);
  if (pair) put(w1 + <usize>j0 * 4, b0, first);
  if (nj > 1) {
    put(w0 + <usize>(j0 + 1) * 4, a1, first);
    if (pair) put(w1 + <usize>(j0 + 1) * 4, b1, first);
  }
  if (nj > 2) {
    put(w0 + <usize>(j0 + 2) * 4, a2, first);
    if (pair) put(w1 + <usize>(j0 + 2) * 4, b2, first);
  }
  if (nj > 3) {
    put(w0 + <usize>(j0 + 3) * 4, a3, first);
    if (pair) put(w1 + <usize>(j0 + 3) * 4, b3, first);
  }
  if (nj > 4) {
    put(w0 + <usize>(j0 + 4) * 4, a4, first);
    if (pair) put(w1 + <usize>(j0 + 4) * 4, b4, first);
  }
}

/** Three taps (j0 … j0 + 2), for 3-wide filters: the same as {@link taps5} with fewer loads. */
function taps3(
  g: Geom,
  xp: usize,
  d0: usize,
  d1: usize,
  i: i32,
  j0: i32,
  nj: i32,
  w0: usize,
  w1: usize,
  pair: bool,
  first: bool,
): void {
  const oh = g.oh,
    ow = dyCols(g),
    wp = planeCols(g);
  let a0 = f32x4.splat(0),
    a1 = f32x4.splat(0),
    a2 = f32x4.splat(0);
  let b0 = f32x4.splat(0),
    b1 = f32x4.splat(0),
    b2 = f32x4.splat(0);
  for (let y = 0; y < oh; y++) {
    const xr = xp + <usize>((y + i) * wp + j0) * 4;
    const r0 = d0 + <usize>(y * ow) * 4;
    const r1 = d1 + <usize>(y * ow) * 4;
    for (let x = 0; x < ow; x += 4) {
      const o = <usize>x * 4;
      const e = v128.load(r0 + o),
        f = v128.load(r1 + o);
      let v = v128.load(xr + o);
      a0 = madd(e, v, a0);
      b0 = madd(f, v, b0);
      v = v128.load(xr + o, 4);
      a1 = madd(e, v, a1);
      b1 = madd(f, v, b1);
      v = v128.load(xr + o, 8);
      a2 = madd(e, v, a2);
      b2 = madd(f, v, b2);
    }
  }
  put(w0 + <usize>j0 * 4, a0, first);
  if (pair) put(w1 + <usize>j0 * 4, b0, first);
  if (nj > 1) {
    put(w0 + <usize>(j0 + 1) * 4, a1, first);
    if (pair) put(w1 + <usize>(j0 + 1) * 4, b1, first);
  }
  if (nj > 2) {
    put(w0 + <usize>(j0 + 2) * 4, a2, first);
    if (pair) put(w1 + <usize>(j0 + 2) * 4, b2, first);
  }
}

/**
 * Three taps (j0 … j0 + 2) of filter row i for three output channels (dy planes d0, d0 + dd,
 * d0 + 2·dd; dw rows w0, w0 + dwo, w0 + 2·dwo): nine accumulators, for 3-wide filters with many
 * filters (six accumulators leave the multiply-adds waiting on each other).
 */
function taps3x3(
  g: Geom,
  xp: usize,
  d0: usize,
  dd: usize,
  i: i32,
  j0: i32,
  nj: i32,
  w0: usize,
  dwo: usize,
  first: bool,
): void {
  const oh = g.oh,
    ow = dyCols(g),
    wp = planeCols(g);
  let a0 = f32x4.splat(0),
    a1 = a0,
    a2 = a0;
  let b0 = a0,
    b1 = a0,
    b2 = a0;
  let c0 = a0,
    c1 = a0,
    c2 = a0;
  const dd2 = dd + dd;
  for (let y = 0; y < oh; y++) {
    let xr = xp + <usize>((y + i) * wp + j0) * 4;
    let r = d0 + <usize>(y * ow) * 4;
    const re = r + <usize>ow * 4;
    for (; r < re; r += 16) {
      const e = v128.load(r),
        f = v128.load(r + dd),
        h = v128.load(r + dd2);
      let v = v128.load(xr);
      a0 = madd(e, v, a0);
      b0 = madd(f, v, b0);
      c0 = madd(h, v, c0);
      v = v128.load(xr, 4);
      a1 = madd(e, v, a1);
      b1 = madd(f, v, b1);
      c1 = madd(h, v, c1);
      v = v128.load(xr, 8);
      a2 = madd(e, v, a2);
      b2 = madd(f, v, b2);
      c2 = madd(h, v, c2);
      xr += 16;
    }
  }
  const wa = w0 + <usize>j0 * 4;
  const wb = wa + dwo;
  const wc = wb + dwo;
  put(wa, a0, first);
  put(wb, b0, first);
  put(wc, c0, first);
  if (nj > 1) {
    put(wa + 4, a1, first);
    put(wb + 4, b1, first);
    put(wc + 4, c1, first);
  }
  if (nj > 2) {
    put(wa + 8, a2, first);
    put(wb + 8, b2, first);
    put(wc + 8, c2, first);
  }
}

function put(at: usize, acc: v128, first: bool): void {
  const s = hsum(acc);
  store<f32>(at, first ? s : load<f32>(at) + s);
}

/**
 * dw [O, C·kH·kW] (the partial, not transposed) gets one sample's weight gradient: written when
 * `first`, added otherwise. x [C, H, W], dy [O, oh, ow]; `scratch` holds the padded input plane and,
 * when ow is not a multiple of 4, dy with zero-padded rows.
 */
export function directWeightsSample(
  x: usize,
  dy: usize,
  g: Geom,
  dw: usize,
  first: bool,
  scratch: usize,
): void {
  const H = g.H,
    W = g.W,
    wp = planeCols(g);
  const plane = scratch;
  const kk = g.kh * g.kw;
  const ckk = g.C * kk;
  const ld = dyCols(g);
  let d = dy;
  if (ld !== g.ow) {
    // dy rows padded with zeros to whole vectors: the padding's products add nothing
    d = plane + <usize>(planeRows(g) * wp) * 4;
    memory.fill(d, 0, <usize>(g.O * g.oh * ld) * 4);
    for (let r = 0; r < g.O * g.oh; r++) {
      const src = dy + <usize>(r * g.ow) * 4;
      const dst = d + <usize>(r * ld) * 4;
      for (let q = 0; q < g.ow; q++) store<f32>(dst + <usize>q * 4, load<f32>(src + <usize>q * 4));
    }
  }
  const wide = g.kw > 3;
  for (let c = 0; c < g.C; c++) {
    memory.fill(plane, 0, <usize>(planeRows(g) * wp) * 4);
    const xc = x + <usize>(c * H * W) * 4;
    for (let r = 0; r < H; r++) {
      const src = xc + <usize>(r * W) * 4;
      const dst = plane + <usize>((r + g.ph) * wp + g.pw) * 4;
      let q = 0;
      for (; q + 4 <= W; q += 4) v128.store(dst + <usize>q * 4, v128.load(src + <usize>q * 4));
      for (; q < W; q++) store<f32>(dst + <usize>q * 4, load<f32>(src + <usize>q * 4));
    }
    let o0 = 0;
    if (!wide) {
      // three channels at a time while at least three remain
      for (; o0 + 3 <= g.O; o0 += 3) {
        const d0 = d + <usize>(o0 * g.oh * ld) * 4;
        const w0 = dw + <usize>(o0 * ckk + c * kk) * 4;
        for (let i = 0; i < g.kh; i++) {
          for (let j0 = 0; j0 < g.kw; j0 += 3)
            taps3x3(
              g,
              plane,
              d0,
              <usize>(g.oh * ld) * 4,
              i,
              j0,
              min(3, g.kw - j0),
              w0 + <usize>(i * g.kw) * 4,
              <usize>ckk * 4,
              first,
            );
        }
      }
    }
    for (let o = o0; o < g.O; o += 2) {
      // an odd last channel pairs with itself (computed twice, stored once)
      const o1 = min(o + 1, g.O - 1);
      const pair = o1 !== o;
      const d0 = d + <usize>(o * g.oh * ld) * 4;
      const d1 = d + <usize>(o1 * g.oh * ld) * 4;
      const w0 = dw + <usize>(o * ckk + c * kk) * 4;
      const w1 = dw + <usize>(o1 * ckk + c * kk) * 4;
      for (let i = 0; i < g.kh; i++) {
        const wi0 = w0 + <usize>(i * g.kw) * 4;
        const wi1 = w1 + <usize>(i * g.kw) * 4;
        if (wide) {
          for (let j0 = 0; j0 < g.kw; j0 += 5)
            taps5(g, plane, d0, d1, i, j0, min(5, g.kw - j0), wi0, wi1, pair, first);
        } else {
          for (let j0 = 0; j0 < g.kw; j0 += 3)
            taps3(g, plane, d0, d1, i, j0, min(3, g.kw - j0), wi0, wi1, pair, first);
        }
      }
    }
  }
}
