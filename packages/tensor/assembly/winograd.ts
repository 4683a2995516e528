// Winograd F(2×2, 3×3) convolution for 3×3 stride-1 layers with many channels (NCHW, weights OIHW):
// each 2×2 output tile is Aᵀ·[Σ_c U_c ⊙ V_c]·A, where U = G·g·Gᵀ (the 3×3 filter, 4×4) and
// V = Bᵀ·d·B (the tile's 4×4 input window): 16 multiplies per tile and channel pair instead of 36.
// The Σ_c runs as 16 GEMMs, one per position ξ of the 4×4 transform: M_ξ [O, T] = U_ξ [O, C] ·
// V_ξ [C, T] over the T tiles of a group of samples. Backward data of a stride-1 3×3 layer is the
// same convolution of dy with the flipped, transposed filters and padding 2 − pad.
//
// Per-thread scratch (at scratchBase + tid·scratchStride): [GEMM scratch | V 16·C·Tp | M 16·O·Tp |
// one zero-padded input plane Hp × Wp]. Every output depends only on its own sample, and the GEMM
// sums each element over C in one order whatever the grouping, so results never depend on chunking.

// biome-ignore lint/style/useImportType: AssemblyScript has no type-only imports.
import { Geom } from './generated/records';
import { checkRange, checkSpan } from './check';
import { GEMM_SCRATCH_BYTES, KC, MR, gemmBlock } from './gemm';

/** Tiles in a group of samples: enough to fill the GEMM's columns, few enough to stay in cache. */
const GROUP_TILES: i32 = 160;

function tileRows(g: Geom): i32 {
  return (g.oh + 1) >> 1;
}

function tileCols(g: Geom): i32 {
  return (g.ow + 1) >> 1;
}

/** Samples per group. */
function groupSamples(g: Geom): i32 {
  return max(1, GROUP_TILES / (tileRows(g) * tileCols(g)));
}

/** Row length of V and M: the group's tiles, plus room for the last 4-tile step's spare lanes. */
function tileStride(g: Geom): i32 {
  return ((groupSamples(g) * tileRows(g) * tileCols(g) + 7) >> 2) << 2;
}

/** Columns of the padded input plane (room for 4-tile steps past the last tile). */
function planeCols(g: Geom): i32 {
  return 2 * (((tileCols(g) + 3) >> 2) << 2) + 6;
}

function planeRows(g: Geom): i32 {
  return 2 * tileRows(g) + 2;
}

/** Bytes of the 16 transformed weight panels {@link winogradPackWeights} writes. */
export function winogradPackedBytes(geom: usize): i32 {
  const g = changetype<Geom>(geom);
  return 16 * (((g.O + MR - 1) / MR) * MR) * g.C * 4;
}

/** Bytes of per-thread scratch {@link winogradConv} needs. */
export function winogradScratchBytes(geom: usize): i32 {
  const g = changetype<Geom>(geom);
  const tp = tileStride(g);
  return GEMM_SCRATCH_BYTES + 64 + (16 * (g.C + g.O) * tp + planeRows(g) * planeCols(g)) * 4 + 128;
}

/**
 * U_ξ [O, C] = (G·g·Gᵀ)_ξ for every filter, as 16 gemm packed-A panels (panel ξ at dst + ξ·mPad·C
 * floats). g is the geometry of the convolution computed (C in, O out); with `flip` the filters are
 * those of the backward data pass, read from a weight tensor w [C, O, 3, 3] (the layer's [O, C, 3, 3]
 * seen from dy) and rotated by 180°. Runs on one chunk.
 */
export function winogradPackWeights(
  _tid: i32,
  _chunk: i32,
  _lo: i32,
  _hi: i32,
  w: usize,
  geom: usize,
  flip: bool,
  dst: usize,
): void {
  const g = changetype<Geom>(geom);
  const C = g.C,
    O = g.O;
  const mPad = ((O + MR - 1) / MR) * MR;
  const panel = <usize>(mPad * C) * 4;
  memory.fill(dst, 0, panel * 16);
  for (let o = 0; o < O; o++) {
    for (let c = 0; c < C; c++) {
      // f: the 3×3 filter of output o, input c
      const base = flip ? w + <usize>((c * O + o) * 9) * 4 : w + <usize>((o * C + c) * 9) * 4;
      // rows of G·f (G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1]), 4×3
      let t00: f32 = 0,
        t01: f32 = 0,
        t02: f32 = 0;
      let t10: f32 = 0,
        t11: f32 = 0,
        t12: f32 = 0;
      let t20: f32 = 0,
        t21: f32 = 0,
        t22: f32 = 0;
      let t30: f32 = 0,
        t31: f32 = 0,
        t32: f32 = 0;
      for (let j = 0; j < 3; j++) {
        const f0 = load<f32>(base + <usize>(flip ? 8 - j : j) * 4);
        const f1 = load<f32>(base + <usize>(flip ? 5 - j : 3 + j) * 4);
        const f2 = load<f32>(base + <usize>(flip ? 2 - j : 6 + j) * 4);
        const a = f0;
        const b = (f0 + f1 + f2) * 0.5;
        const cc = (f0 - f1 + f2) * 0.5;
        const d = f2;
        if (j === 0) {
          t00 = a;
          t10 = b;
          t20 = cc;
          t30 = d;
        } else if (j === 1) {
          t01 = a;
          t11 = b;
          t21 = cc;
          t31 = d;
        } else {
          t02 = a;
          t12 = b;
          t22 = cc;
          t32 = d;
        }
      }
      // (G·f)·Gᵀ, row by row
      // element (o, c) of gemm's packed-A panel [O, C]
      const pc = (c / KC) * KC;
      const kc = min(KC, C - pc);
      const off = (<usize>pc * mPad + <usize>(o / MR) * MR * kc + <usize>(c - pc) * MR + <usize>(o % MR)) * 4;
      storeU(dst + off, panel, 0, t00, t01, t02);
      storeU(dst + off, panel, 4, t10, t11, t12);
      storeU(dst + off, panel, 8, t20, t21, t22);
      storeU(dst + off, panel, 12, t30, t31, t32);
    }
  }
}

/** Writes U_ξ for ξ = row·4 … row·4 + 3 from one row (a, b, c) of G·f. */
function storeU(at: usize, panel: usize, xi: i32, a: f32, b: f32, c: f32): void {
  store<f32>(at + <usize>xi * panel, a);
  store<f32>(at + <usize>(xi + 1) * panel, (a + b + c) * 0.5);
  store<f32>(at + <usize>(xi + 2) * panel, (a - b + c) * 0.5);
  store<f32>(at + <usize>(xi + 3) * panel, c);
}

/** V (16 rows of [C, Tp]) for the tiles of input plane xp (padded), channel c, first tile t0. */
function transformInput(g: Geom, xp: usize, wp: i32, v: usize, c: i32, tp: i32, t0: i32): void {
  const th = tileRows(g),
    tw = tileCols(g);
  const plane = <usize>(g.C * tp) * 4;
  for (let ty = 0; ty < th; ty++) {
    for (let tx = 0; tx < tw; tx += 4) {
      // four tiles at a time: lanes are tiles tx … tx + 3 (those past the row are overwritten later)
      const r0 = xp + <usize>(2 * ty * wp + 2 * tx) * 4;
      const r1 = r0 + <usize>wp * 4;
      const r2 = r1 + <usize>wp * 4;
      const r3 = r2 + <usize>wp * 4;
      // d·B along each row: (d0 − d2, d1 + d2, d2 − d1, d1 − d3), d_k the k-th column of each tile
      let a = v128.load(r0),
        b = v128.load(r0, 16),
        e = v128.load(r0, 8),
        f = v128.load(r0, 24);
      let d0 = v128.shuffle<f32>(a, b, 0, 2, 4, 6),
        d1 = v128.shuffle<f32>(a, b, 1, 3, 5, 7),
        d2 = v128.shuffle<f32>(e, f, 0, 2, 4, 6),
        d3 = v128.shuffle<f32>(e, f, 1, 3, 5, 7);
      const p00 = f32x4.sub(d0, d2),
        p01 = f32x4.add(d1, d2),
        p02 = f32x4.sub(d2, d1),
        p03 = f32x4.sub(d1, d3);
      a = v128.load(r1);
      b = v128.load(r1, 16);
      e = v128.load(r1, 8);
      f = v128.load(r1, 24);
      d0 = v128.shuffle<f32>(a, b, 0, 2, 4, 6);
      d1 = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
      d2 = v128.shuffle<f32>(e, f, 0, 2, 4, 6);
      d3 = v128.shuffle<f32>(e, f, 1, 3, 5, 7);
      const p10 = f32x4.sub(d0, d2),
        p11 = f32x4.add(d1, d2),
        p12 = f32x4.sub(d2, d1),
        p13 = f32x4.sub(d1, d3);
      a = v128.load(r2);
      b = v128.load(r2, 16);
      e = v128.load(r2, 8);
      f = v128.load(r2, 24);
      d0 = v128.shuffle<f32>(a, b, 0, 2, 4, 6);
      d1 = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
      d2 = v128.shuffle<f32>(e, f, 0, 2, 4, 6);
      d3 = v128.shuffle<f32>(e, f, 1, 3, 5, 7);
      const p20 = f32x4.sub(d0, d2),
        p21 = f32x4.add(d1, d2),
        p22 = f32x4.sub(d2, d1),
        p23 = f32x4.sub(d1, d3);
      a = v128.load(r3);
      b = v128.load(r3, 16);
      e = v128.load(r3, 8);
      f = v128.load(r3, 24);
      d0 = v128.shuffle<f32>(a, b, 0, 2, 4, 6);
      d1 = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
      d2 = v128.shuffle<f32>(e, f, 0, 2, 4, 6);
      d3 = v128.shuffle<f32>(e, f, 1, 3, 5, 7);
      const p30 = f32x4.sub(d0, d2),
        p31 = f32x4.add(d1, d2),
        p32 = f32x4.sub(d2, d1),
        p33 = f32x4.sub(d1, d3);
      // Bᵀ· along the columns; V_ξ row c, columns t … t + 3
      const at = v + (<usize>c * tp + <usize>(t0 + ty * tw + tx)) * 4;
      v128.store(at, f32x4.sub(p00, p20));
      v128.store(at + plane, f32x4.sub(p01, p21));
      v128.store(at + 2 * plane, f32x4.sub(p02, p22));
      v128.store(at + 3 * plane, f32x4.sub(p03, p23));
      v128.store(at + 4 * plane, f32x4.add(p10, p20));
      v128.store(at + 5 * plane, f32x4.add(p11, p21));
      v128.store(at + 6 * plane, f32x4.add(p12, p22));
      v128.store(at + 7 * plane, f32x4.add(p13, p23));
      v128.store(at + 8 * plane, f32x4.sub(p20, p10));
      v128.store(at + 9 * plane, f32x4.sub(p21, p11));
      v128.store(at + 10 * plane, f32x4.sub(p22, p12));
      v128.store(at + 11 * plane, f32x4.sub(p23, p13));
      v128.store(at + 12 * plane, f32x4.sub(p10, p30));
      v128.store(at + 13 * plane, f32x4.sub(p11, p31));
      v128.store(at + 14 * plane, f32x4.sub(p12, p32));
      v128.store(at + 15 * plane, f32x4.sub(p13, p33));
    }
  }
}

/** y[o] of one sample ← Aᵀ·M·A (+ bias) for its tiles t0 …, M 16 rows of [O, Tp]. */
function transformOutput(g: Geom, m: usize, o: i32, tp: i32, t0: i32, bv: f32, yo: usize): void {
  const th = tileRows(g),
    tw = tileCols(g);
  const oh = g.oh,
    ow = g.ow;
  const plane = <usize>(g.O * tp) * 4;
  const bias = f32x4.splat(bv);
  for (let ty = 0; ty < th; ty++) {
    for (let tx = 0; tx < tw; tx += 4) {
      const at = m + (<usize>o * tp + <usize>(t0 + ty * tw + tx)) * 4;
      // Aᵀ = [1 1 1 0; 0 1 −1 −1] on the rows ξ/4, then on the columns ξ%4
      const m00 = v128.load(at),
        m01 = v128.load(at + plane),
        m02 = v128.load(at + 2 * plane),
        m03 = v128.load(at + 3 * plane);
      const m10 = v128.load(at + 4 * plane),
        m11 = v128.load(at + 5 * plane),
        m12 = v128.load(at + 6 * plane),
        m13 = v128.load(at + 7 * plane);
      const m20 = v128.load(at + 8 * plane),
        m21 = v128.load(at + 9 * plane),
        m22 = v128.load(at + 10 * plane),
        m23 = v128.load(at + 11 * plane);
      const m30 = v128.load(at + 12 * plane),
        m31 = v128.load(at + 13 * plane),
        m32 = v128.load(at + 14 * plane),
        m33 = v128.load(at + 15 * plane);
      const s0 = f32x4.add(f32x4.add(m00, m10), m20),
        s1 = f32x4.add(f32x4.add(m01, m11), m21),
        s2 = f32x4.add(f32x4.add(m02, m12), m22),
        s3 = f32x4.add(f32x4.add(m03, m13), m23);
      const u0 = f32x4.sub(f32x4.sub(m10, m20), m30),
        u1 = f32x4.sub(f32x4.sub(m11, m21), m31),
        u2 = f32x4.sub(f32x4.sub(m12, m22), m32),
        u3 = f32x4.sub(f32x4.sub(m13, m23), m33);
      const y00 = f32x4.add(f32x4.add(f32x4.add(s0, s1), s2), bias),
        y01 = f32x4.add(f32x4.sub(f32x4.sub(s1, s2), s3), bias),
        y10 = f32x4.add(f32x4.add(f32x4.add(u0, u1), u2), bias),
        y11 = f32x4.add(f32x4.sub(f32x4.sub(u1, u2), u3), bias);
      const row = 2 * ty;
      const col = 2 * tx;
      const r0 = yo + <usize>(row * ow + col) * 4;
      // output rows 2ty and 2ty + 1, columns 2tx … 2tx + 7 (lanes are tiles: interleave y·0 with y·1)
      const valid = ow - col;
      storeCols(r0, v128.shuffle<f32>(y00, y01, 0, 4, 1, 5), v128.shuffle<f32>(y00, y01, 2, 6, 3, 7), valid);
      if (row + 1 < oh) {
        const r1 = r0 + <usize>ow * 4;
        storeCols(
          r1,
          v128.shuffle<f32>(y10, y11, 0, 4, 1, 5),
          v128.shuffle<f32>(y10, y11, 2, 6, 3, 7),
          valid,
        );
      }
    }
  }
}

/** Stores the first min(n, 8) floats of (lo, hi) at p (n ≥ 1): the output row of four tiles, cut at the edge. */
function storeCols(p: usize, lo: v128, hi: v128, n: i32): void {
  if (n >= 8) {
    v128.store(p, lo);
    v128.store(p, hi, 16);
  } else if (n >= 4) {
    v128.store(p, lo);
    storePart(p + 16, hi, n - 4);
  } else {
    storePart(p, lo, n);
  }
}

/** Stores the first n (0 … 3) floats of v at p. */
function storePart(p: usize, v: v128, n: i32): void {
  if (n >= 2) {
    v128.store64_lane(p, v, 0);
    if (n === 3) v128.store32_lane(p, v, 2, 8);
  } else if (n === 1) {
    v128.store32_lane(p, v, 0);
  }
}

/** Copies channel plane x [H, W] into the middle of the zeroed plane xp [Hp, Wp] at (pad, pad). */
function padPlane(g: Geom, x: usize, xp: usize, hp: i32, wp: i32): void {
  memory.fill(xp, 0, <usize>(hp * wp) * 4);
  const H = g.H,
    W = g.W;
  for (let r = 0; r < H; r++) {
    const src = x + <usize>(r * W) * 4;
    const dst = xp + <usize>((r + g.ph) * wp + g.pw) * 4;
    let q = 0;
    for (; q + 4 <= W; q += 4) v128.store(dst + <usize>q * 4, v128.load(src + <usize>q * 4));
    for (; q < W; q++) store<f32>(dst + <usize>q * 4, load<f32>(src + <usize>q * 4));
  }
}

/**
 * y [N, O, oh, ow] ← conv3×3(x [N, C, H, W]) + bias for samples [lo, hi), stride 1, padding ph = pw
 * ≤ 2, by Winograd F(2×2, 3×3). `uPacked` holds the 16 transformed weight panels of
 * {@link winogradPackWeights}; bias is 0 or [O].
 */
export function winogradConv(
  tid: i32,
  _chunk: i32,
  lo: i32,
  hi: i32,
  x: usize,
  uPacked: usize,
  bias: usize,
  y: usize,
  geom: usize,
  scratchBase: usize,
  scratchStride: usize,
): void {
  checkRange(lo, hi);
  const g = changetype<Geom>(geom);
  const C = g.C,
    O = g.O;
  checkSpan(y + <usize>lo * <usize>(O * g.oh * g.ow) * 4, (hi - lo) * O * g.oh * g.ow);
  const scratch = scratchBase + <usize>tid * scratchStride;
  const tp = tileStride(g);
  const v = (scratch + <usize>GEMM_SCRATCH_BYTES + 63) & ~(<usize>63);
  const m = v + <usize>(16 * C * tp) * 4;
  const xp = m + <usize>(16 * O * tp) * 4;
  const hp = planeRows(g),
    wp = planeCols(g);
  const tps = tileRows(g) * tileCols(g);
  const group = groupSamples(g);
  const mPad = ((O + MR - 1) / MR) * MR;
  const uPanel = <usize>(mPad * C) * 4;
  const inSize = <usize>(C * g.H * g.W) * 4;
  const outPlane = <usize>(g.oh * g.ow) * 4;
  for (let n0 = lo; n0 < hi; n0 += group) {
    const ns = min(group, hi - n0);
    for (let s = 0; s < ns; s++) {
      const xn = x + <usize>(n0 + s) * inSize;
      for (let c = 0; c < C; c++) {
        padPlane(g, xn + <usize>(c * g.H * g.W) * 4, xp, hp, wp);
        transformInput(g, xp, wp, v, c, tp, s * tps);
      }
    }
    const t = ns * tps;
    for (let xi = 0; xi < 16; xi++) {
      const vx = v + <usize>(xi * C * tp) * 4;
      const mx = m + <usize>(xi * O * tp) * 4;
      gemmBlock(
        false,
        false,
        0,
        O,
        0,
        t,
        C,
        1,
        0,
        0,
        vx,
        tp,
        0,
        mx,
        tp,
        scratch,
        uPacked + <usize>xi * uPanel,
        mPad,
        0,
        0,
      );
    }
    for (let s = 0; s < ns; s++) {
      const yn = y + <usize>(n0 + s) * outPlane * O;
      for (let o = 0; o < O; o++) {
        const bv: f32 = bias !== 0 ? load<f32>(bias + <usize>o * 4) : 0;
        transformOutput(g, m, o, tp, s * tps, bv, yn + <usize>o * outPlane);
      }
    }
  }
}

/** dy plane [oh, ow] into the zeroed plane [Hp, Wp] at (0, 0): outputs past the edge tiles' are 0. */
function padOutputPlane(g: Geom, dy: usize, dp: usize, hp: i32, wp: i32): void {
  memory.fill(dp, 0, <usize>(hp * wp) * 4);
  const oh = g.oh,
    ow = g.ow;
  for (let r = 0; r < oh; r++) {
    const src = dy + <usize>(r * ow) * 4;
    const dst = dp + <usize>(r * wp) * 4;
    let q = 0;
    for (; q + 4 <= ow; q += 4) v128.store(dst + <usize>q * 4, v128.load(src + <usize>q * 4));
    for (; q < ow; q++) store<f32>(dst + <usize>q * 4, load<f32>(src + <usize>q * 4));
  }
}

/**
 * dM (16 rows of [O, Tp]) ← A·dy_t·Aᵀ for the 2×2 tiles of one output plane (padded), channel o, first
 * tile t0: the adjoint of the output transform (A = [1 0; 1 1; 1 −1; 0 −1]).
 */
function transformGrad(g: Geom, dp: usize, wp: i32, dm: usize, o: i32, tp: i32, t0: i32): void {
  const th = tileRows(g),
    tw = tileCols(g);
  const plane = <usize>(g.O * tp) * 4;
  for (let ty = 0; ty < th; ty++) {
    for (let tx = 0; tx < tw; tx += 4) {
      const r0 = dp + <usize>(2 * ty * wp + 2 * tx) * 4;
      const r1 = r0 + <usize>wp * 4;
      let a = v128.load(r0),
        b = v128.load(r0, 16);
      const e0 = v128.shuffle<f32>(a, b, 0, 2, 4, 6),
        e1 = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
      a = v128.load(r1);
      b = v128.load(r1, 16);
      const f0 = v128.shuffle<f32>(a, b, 0, 2, 4, 6),
        f1 = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
      const at = dm + (<usize>o * tp + <usize>(t0 + ty * tw + tx)) * 4;
      // rows of A·dy: (e0, e1), (e0 + f0, e1 + f1), (e0 − f0, e1 − f1), (−f0, −f1); each row (p, q)
      // times Aᵀ gives (p, p + q, p − q, −q)
      storeGradRow(at, plane, 0, e0, e1);
      storeGradRow(at, plane, 4, f32x4.add(e0, f0), f32x4.add(e1, f1));
      storeGradRow(at, plane, 8, f32x4.sub(e0, f0), f32x4.sub(e1, f1));
      storeGradRow(at, plane, 12, f32x4.neg(f0), f32x4.neg(f1));
    }
  }
}

function storeGradRow(at: usize, plane: usize, xi: i32, p: v128, q: v128): void {
  v128.store(at + <usize>xi * plane, p);
  v128.store(at + <usize>(xi + 1) * plane, f32x4.add(p, q));
  v128.store(at + <usize>(xi + 2) * plane, f32x4.sub(p, q));
  v128.store(at + <usize>(xi + 3) * plane, f32x4.neg(q));
}

/** Bytes of one chunk's partial of {@link winogradBackwardWeights}: dU 16 × [O, C], then db [O]. */
export function winogradPartialBytes(geom: usize): i32 {
  const g = changetype<Geom>(geom);
  return (16 * g.O * g.C + g.O) * 4;
}

/**
 * The weight gradient of a Winograd-shaped layer, as the adjoint of {@link winogradConv}: for the
 * samples [lo, hi) of one chunk, dU_ξ [O, C] = Σ_t dM_ξ[:, t] · V_ξ[:, t]ᵀ (16 GEMMs as deep as the
 * tiles) and db [O] = Σ dy, overwritten at partialBase + chunk·partialStride.
 * {@link winogradReduceWeights} then adds the chunks in order and maps dU back through G.
 */
export function winogradBackwardWeights(
  tid: i32,
  chunk: i32,
  lo: i32,
  hi: i32,
  x: usize,
  dy: usize,
  geom: usize,
  scratchBase: usize,
  scratchStride: usize,
  partialBase: usize,
  partialStride: usize,
): void {
  checkRange(lo, hi);
  const g = changetype<Geom>(geom);
  const C = g.C,
    O = g.O;
  const scratch = scratchBase + <usize>tid * scratchStride;
  const tp = tileStride(g);
  const v = (scratch + <usize>GEMM_SCRATCH_BYTES + 63) & ~(<usize>63);
  const dm = v + <usize>(16 * C * tp) * 4;
  const xp = dm + <usize>(16 * O * tp) * 4;
  const hp = planeRows(g),
    wp = planeCols(g);
  const tps = tileRows(g) * tileCols(g);
  const group = groupSamples(g);
  const part = partialBase + <usize>chunk * partialStride;
  const pdb = part + <usize>(16 * O * C) * 4;
  const inSize = <usize>(C * g.H * g.W) * 4;
  const hw = g.oh * g.ow;
  const outSize = <usize>(O * hw) * 4;
  if (hi <= lo) memory.fill(part, 0, <usize>(16 * O * C + O) * 4);
  for (let n0 = lo; n0 < hi; n0 += group) {
    const ns = min(group, hi - n0);
    for (let s = 0; s < ns; s++) {
      const xn = x + <usize>(n0 + s) * inSize;
      for (let c = 0; c < C; c++) {
        padPlane(g, xn + <usize>(c * g.H * g.W) * 4, xp, hp, wp);
        transformInput(g, xp, wp, v, c, tp, s * tps);
      }
      const dyn = dy + <usize>(n0 + s) * outSize;
      for (let o = 0; o < O; o++) {
        padOutputPlane(g, dyn + <usize>(o * hw) * 4, xp, hp, wp);
        transformGrad(g, xp, wp, dm, o, tp, s * tps);
      }
    }
    const t = ns * tps;
    // the chunk's first group writes its partial, later groups add to it
    const beta: f32 = n0 === lo ? 0 : 1;
    for (let xi = 0; xi < 16; xi++) {
      const vx = v + <usize>(xi * C * tp) * 4;
      const mx = dm + <usize>(xi * O * tp) * 4;
      gemmBlock(
        false,
        true,
        0,
        O,
        0,
        C,
        t,
        1,
        mx,
        tp,
        vx,
        tp,
        beta,
        part + <usize>(xi * O * C) * 4,
        C,
        scratch,
      );
    }
  }
  for (let o = 0; o < O; o++) {
    let s: f32 = 0;
    for (let n = lo; n < hi; n++) {
      const row = dy + <usize>n * outSize + <usize>(o * hw) * 4;
      let acc = f32x4.splat(0);
      let q = 0;
      for (; q + 4 <= hw; q += 4) acc = f32x4.add(acc, v128.load(row + <usize>q * 4));
      let r =
        f32x4.extract_lane(acc, 0) +
        f32x4.extract_lane(acc, 1) +
        f32x4.extract_lane(acc, 2) +
        f32x4.extract_lane(acc, 3);
      for (; q < hw; q++) r += load<f32>(row + <usize>q * 4);
      s += r;
    }
    store<f32>(pdb + <usize>o * 4, s);
  }
}

/**
 * dw [O, C, 3, 3] += Gᵀ·(Σ_c dU_c)·G and db [O] += Σ_c db_c (db 0: none) over the `parts` chunk
 * partials of {@link winogradBackwardWeights}, in chunk order, for filters [lo, hi) (o·C + c; the
 * range O·C … O·C + O − 1 stands for db); with `accumulate` 0, ← instead of += (the same bits as
 * onto zeros).
 */
export function winogradReduceWeights(
  _tid: i32,
  _chunk: i32,
  lo: i32,
  hi: i32,
  dw: usize,
  db: usize,
  geom: usize,
  partialBase: usize,
  partialStride: usize,
  parts: i32,
  accumulate: i32,
): void {
  checkRange(lo, hi);
  const g = changetype<Geom>(geom);
  const oc = g.O * g.C;
  const acc = accumulate !== 0;
  checkSpan(dw, oc * 9);
  const plane = <usize>oc * 4;
  for (let f = lo; f < hi; f++) {
    if (f >= oc) {
      if (db === 0) continue;
      const d = db + <usize>(f - oc) * 4;
      let s: f32 = acc ? load<f32>(d) : 0;
      for (let c = 0; c < parts; c++)
        s += load<f32>(partialBase + <usize>c * partialStride + plane * 16 + <usize>(f - oc) * 4);
      store<f32>(d, s);
      continue;
    }
    // S = Σ_c dU_c[f], 4×4, in chunk order
    let s00: f32 = 0,
      s01: f32 = 0,
      s02: f32 = 0,
      s03: f32 = 0;
    let s10: f32 = 0,
      s11: f32 = 0,
      s12: f32 = 0,
      s13: f32 = 0;
    let s20: f32 = 0,
      s21: f32 = 0,
      s22: f32 = 0,
      s23: f32 = 0;
    let s30: f32 = 0,
      s31: f32 = 0,
      s32: f32 = 0,
      s33: f32 = 0;
    for (let c = 0; c < parts; c++) {
      const p = partialBase + <usize>c * partialStride + <usize>f * 4;
      s00 += load<f32>(p);
      s01 += load<f32>(p + plane);
      s02 += load<f32>(p + 2 * plane);
      s03 += load<f32>(p + 3 * plane);
      s10 += load<f32>(p + 4 * plane);
      s11 += load<f32>(p + 5 * plane);
      s12 += load<f32>(p + 6 * plane);
      s13 += load<f32>(p + 7 * plane);
      s20 += load<f32>(p + 8 * plane);
      s21 += load<f32>(p + 9 * plane);
      s22 += load<f32>(p + 10 * plane);
      s23 += load<f32>(p + 11 * plane);
      s30 += load<f32>(p + 12 * plane);
      s31 += load<f32>(p + 13 * plane);
      s32 += load<f32>(p + 14 * plane);
      s33 += load<f32>(p + 15 * plane);
    }
    // Gᵀ·S (Gᵀ = [1 ½ ½ 0; 0 ½ −½ 0; 0 ½ ½ 1]), 3×4, then ·G on the columns
    const w = dw + <usize>(f * 9) * 4;
    reduceRow(
      w,
      s00 + (s10 + s20) * 0.5,
      s01 + (s11 + s21) * 0.5,
      s02 + (s12 + s22) * 0.5,
      s03 + (s13 + s23) * 0.5,
      acc,
    );
    reduceRow(w + 12, (s10 - s20) * 0.5, (s11 - s21) * 0.5, (s12 - s22) * 0.5, (s13 - s23) * 0.5, acc);
    reduceRow(
      w + 24,
      (s10 + s20) * 0.5 + s30,
      (s11 + s21) * 0.5 + s31,
      (s12 + s22) * 0.5 + s32,
      (s13 + s23) * 0.5 + s33,
      acc,
    );
  }
}

/** dw row (3 taps) += (a, b, c, d)·G; without `acc`, ← (as onto zeros: the same bits). */
function reduceRow(w: usize, a: f32, b: f32, c: f32, d: f32, acc: bool): void {
  store<f32>(w, (acc ? load<f32>(w) : 0) + a + (b + c) * 0.5);
  store<f32>(w + 4, (acc ? load<f32>(w + 4) : 0) + (b - c) * 0.5);
  store<f32>(w + 8, (acc ? load<f32>(w + 8) : 0) + (b + c) * 0.5 + d);
}
