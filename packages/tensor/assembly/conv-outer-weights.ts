// Weight gradient of stride-1 layers as an outer product over output pixels, straight from the input:
// dWᵀ[t, o] = Σ_n Σ_p x[n, c, y + i − ph, x + j − pw] · dy[n, o, p] for tap t = (c, i, j) and output
// pixel p = (y, x). The output channels run along the SIMD lanes (dy transposed per sample to
// [P, O]), the taps' input pixels are splatted straight from a (zero-padded) copy of the input: no
// im2col, no packing, no horizontal sums, and each register tile accumulates over every pixel of
// every sample of the chunk. A tile is eight accumulators (four channel vectors × two taps, or two
// × four when O ≤ 8) with four (two) dy loads and two (four) splats a pixel: fourteen live v128,
// what V8 keeps in registers on x86-64 without spilling.

// biome-ignore lint/style/useImportType: AssemblyScript has no type-only imports.
import { Geom } from './generated/records';
import { madd } from './simd';

/** Output channels per tile: four vectors when there are more than 8, else two. */
function tileChannels(g: Geom): i32 {
  return g.O > 8 ? 16 : 8;
}

/** Taps per tile (eight accumulators in all). */
function tileTaps(g: Geom): i32 {
  return g.O > 8 ? 2 : 4;
}

/** O rounded up to whole tiles: the row length of the transposed dy and of the accumulators. */
function paddedChannels(g: Geom): i32 {
  const v = tileChannels(g);
  return ((g.O + v - 1) / v) * v;
}

/** C·kH·kW rounded up to whole tiles (the extra taps read tap 0 and are dropped). */
function paddedTaps(g: Geom): i32 {
  const t = tileTaps(g);
  return ((g.C * g.kh * g.kw + t - 1) / t) * t;
}

/** Row stride of the (padded) input planes. */
function planeStride(g: Geom): i32 {
  return g.W + 2 * g.pw;
}

function planeFloats(g: Geom): i32 {
  return (g.H + 2 * g.ph) * planeStride(g);
}

function padded(g: Geom): bool {
  return g.ph !== 0 || g.pw !== 0;
}

function align(bytes: i32): i32 {
  return (bytes + 63) & ~63;
}

/** Bytes of scratch {@link outerWeightsChunk} needs: accumulators, tap offsets, padded input, dyᵀ. */
export function outerWeightsScratchBytes(g: Geom): i32 {
  const acc = align(paddedTaps(g) * paddedChannels(g) * 4);
  const offs = align(paddedTaps(g) * 4);
  const xp = padded(g) ? align(g.C * planeFloats(g) * 4) : 0;
  const dyt = align(g.oh * g.ow * paddedChannels(g) * 4);
  return acc + offs + xp + dyt + 64;
}

/** Most C·kH·kW and O computed this way (beyond, the GEMM's blocking pays). */
const MAX_OUTER_TAPS: i32 = 400;
const MAX_OUTER_CHANNELS: i32 = 32;

/**
 * Whether {@link outerWeightsChunk} computes this layer's weight gradient: stride 1, at most
 * {@link MAX_OUTER_TAPS} taps and {@link MAX_OUTER_CHANNELS} filters, and either several input
 * channels (LeNet's 6 → 16 layer: 1.9× its im2col GEMM) or at most 8 filters (LeNet's first layer,
 * 6 filters 5×5: 1.3× the direct kernel of conv-direct.ts). Single-channel layers with more filters
 * (32 filters 3×3: 0.9×, transposing dy outweighs 9 taps) stay with conv-direct.ts.
 */
export function outerWeightsFits(g: Geom): bool {
  return (
    g.sh === 1 &&
    g.sw === 1 &&
    (g.C >= 2 || g.O <= 8) &&
    g.C * g.kh * g.kw <= MAX_OUTER_TAPS &&
    g.O <= MAX_OUTER_CHANNELS
  );
}

/**
 * dyt [P, Op] ← dy [O, P] (one sample), by 4×4 blocks; lanes O … Op − 1 are left as they are (zero).
 */
function transposeDy(dy: usize, O: i32, P: i32, Op: i32, dyt: usize): void {
  const o4 = O & ~3;
  const p4 = P & ~3;
  for (let o = 0; o < o4; o += 4) {
    const r0 = dy + <usize>(o * P) * 4;
    const r1 = r0 + <usize>P * 4;
    const r2 = r1 + <usize>P * 4;
    const r3 = r2 + <usize>P * 4;
    for (let p = 0; p < p4; p += 4) {
      const q = <usize>p * 4;
      const a = v128.load(r0 + q),
        b = v128.load(r1 + q),
        c = v128.load(r2 + q),
        d = v128.load(r3 + q);
      const t0 = v128.shuffle<f32>(a, b, 0, 4, 1, 5);
      const t1 = v128.shuffle<f32>(a, b, 2, 6, 3, 7);
      const t2 = v128.shuffle<f32>(c, d, 0, 4, 1, 5);
      const t3 = v128.shuffle<f32>(c, d, 2, 6, 3, 7);
      const at = dyt + <usize>(p * Op + o) * 4;
      v128.store(at, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
      v128.store(at + <usize>Op * 4, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
      v128.store(at + <usize>(2 * Op) * 4, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
      v128.store(at + <usize>(3 * Op) * 4, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
    }
    for (let p = p4; p < P; p++) {
      const at = dyt + <usize>(p * Op + o) * 4;
      const q = <usize>p * 4;
      store<f32>(at, load<f32>(r0 + q));
      store<f32>(at, load<f32>(r1 + q), 4);
      store<f32>(at, load<f32>(r2 + q), 8);
      store<f32>(at, load<f32>(r3 + q), 12);
    }
  }
  for (let o = o4; o < O; o++) {
    const r = dy + <usize>(o * P) * 4;
    for (let p = 0; p < P; p++) store<f32>(dyt + <usize>(p * Op + o) * 4, load<f32>(r + <usize>p * 4));
  }
}

/**
 * Four channel vectors × two taps: acc rows t, t + 1 (Op floats apart), channels og … og + 15, over
 * output rows [y0, y1). xb: the input planes; dt: dyᵀ at channel og; o0, o1: the taps' byte offsets.
 */
function tile4x2(
  acc: usize,
  Op: i32,
  xb: usize,
  dt: usize,
  S: i32,
  ow: i32,
  y0: i32,
  y1: i32,
  o0: usize,
  o1: usize,
): void {
  const row = <usize>Op * 4;
  let a0 = v128.load(acc),
    a1 = v128.load(acc, 16),
    a2 = v128.load(acc, 32),
    a3 = v128.load(acc, 48);
  let b0 = v128.load(acc + row),
    b1 = v128.load(acc + row, 16),
    b2 = v128.load(acc + row, 32),
    b3 = v128.load(acc + row, 48);
  for (let y = y0; y < y1; y++) {
    let xr = xb + <usize>(y * S) * 4;
    let dr = dt + <usize>(y * ow) * row;
    const xe = xr + <usize>ow * 4;
    for (; xr < xe; xr += 4) {
      const v = v128.load32_splat(xr + o0);
      const u = v128.load32_splat(xr + o1);
      let d = v128.load(dr);
      a0 = madd(d, v, a0);
      b0 = madd(d, u, b0);
      d = v128.load(dr, 16);
      a1 = madd(d, v, a1);
      b1 = madd(d, u, b1);
      d = v128.load(dr, 32);
      a2 = madd(d, v, a2);
      b2 = madd(d, u, b2);
      d = v128.load(dr, 48);
      a3 = madd(d, v, a3);
      b3 = madd(d, u, b3);
      dr += row;
    }
  }
  v128.store(acc, a0);
  v128.store(acc, a1, 16);
  v128.store(acc, a2, 32);
  v128.store(acc, a3, 48);
  v128.store(acc + row, b0);
  v128.store(acc + row, b1, 16);
  v128.store(acc + row, b2, 32);
  v128.store(acc + row, b3, 48);
}

/** Two channel vectors × four taps (O ≤ 8): like {@link tile4x2}, taps at byte offsets o0 … o3. */
function tile2x4(
  acc: usize,
  Op: i32,
  xb: usize,
  dt: usize,
  S: i32,
  ow: i32,
  y0: i32,
  y1: i32,
  o0: usize,
  o1: usize,
  o2: usize,
  o3: usize,
): void {
  const row = <usize>Op * 4;
  let a0 = v128.load(acc),
    a1 = v128.load(acc, 16);
  let b0 = v128.load(acc + row),
    b1 = v128.load(acc + row, 16);
  let c0 = v128.load(acc + 2 * row),
    c1 = v128.load(acc + 2 * row, 16);
  let e0 = v128.load(acc + 3 * row),
    e1 = v128.load(acc + 3 * row, 16);
  for (let y = y0; y < y1; y++) {
    let xr = xb + <usize>(y * S) * 4;
    let dr = dt + <usize>(y * ow) * row;
    const xe = xr + <usize>ow * 4;
    for (; xr < xe; xr += 4) {
      const d = v128.load(dr),
        f = v128.load(dr, 16);
      let v = v128.load32_splat(xr + o0);
      a0 = madd(d, v, a0);
      a1 = madd(f, v, a1);
      v = v128.load32_splat(xr + o1);
      b0 = madd(d, v, b0);
      b1 = madd(f, v, b1);
      v = v128.load32_splat(xr + o2);
      c0 = madd(d, v, c0);
      c1 = madd(f, v, c1);
      v = v128.load32_splat(xr + o3);
      e0 = madd(d, v, e0);
      e1 = madd(f, v, e1);
      dr += row;
    }
  }
  v128.store(acc, a0);
  v128.store(acc, a1, 16);
  v128.store(acc + row, b0);
  v128.store(acc + row, b1, 16);
  v128.store(acc + 2 * row, c0);
  v128.store(acc + 2 * row, c1, 16);
  v128.store(acc + 3 * row, e0);
  v128.store(acc + 3 * row, e1, 16);
}

/**
 * Two channel vectors × one tap (O ≤ 8): the taps left over past whole tiles of four (LeNet's 25 =
 * 6·4 + 1), instead of a tile of four mostly padding. Like {@link tile2x4} with the tap at o0.
 */
function tile2x1(
  acc: usize,
  Op: i32,
  xb: usize,
  dt: usize,
  S: i32,
  ow: i32,
  y0: i32,
  y1: i32,
  o0: usize,
): void {
  const row = <usize>Op * 4;
  let a0 = v128.load(acc),
    a1 = v128.load(acc, 16);
  for (let y = y0; y < y1; y++) {
    let xr = xb + <usize>(y * S) * 4;
    let dr = dt + <usize>(y * ow) * row;
    const xe = xr + <usize>ow * 4;
    for (; xr < xe; xr += 4) {
      const v = v128.load32_splat(xr + o0);
      a0 = madd(v128.load(dr), v, a0);
      a1 = madd(v128.load(dr, 16), v, a1);
      dr += row;
    }
  }
  v128.store(acc, a0);
  v128.store(acc, a1, 16);
}

/** Output rows per pass over the tiles: about 128 pixels, so a pass's dyᵀ rows stay in L1. */
function rowsPerPass(g: Geom): i32 {
  return max(1, min(g.oh, 128 / g.ow));
}

/**
 * dwt [C·kH·kW, O] (a chunk's partial, overwritten) ← Σ over the samples [lo, hi) of x [N, C, H, W]
 * and dy [N, O, oh, ow] (see the file comment); `scratch` holds {@link outerWeightsScratchBytes}.
 */
export function outerWeightsChunk(
  x: usize,
  dy: usize,
  g: Geom,
  lo: i32,
  hi: i32,
  dwt: usize,
  scratch: usize,
): void {
  const Op = paddedChannels(g);
  const Tp = paddedTaps(g);
  const ckk = g.C * g.kh * g.kw;
  const S = planeStride(g);
  const P = g.oh * g.ow;
  const acc = scratch;
  const offs = acc + <usize>align(Tp * Op * 4);
  const xp = offs + <usize>align(Tp * 4);
  const xpBytes: i32 = padded(g) ? align(g.C * planeFloats(g) * 4) : 0;
  const dyt = xp + <usize>xpBytes;
  memory.fill(acc, 0, <usize>(Tp * Op) * 4);
  // tap t = (c, i, j) reads the input at byte offset (c·planeFloats + i·S + j)·4 from the output pixel's
  for (let t = 0; t < Tp; t++) {
    let o = 0;
    if (t < ckk) {
      const c = t / (g.kh * g.kw);
      const r = t - c * g.kh * g.kw;
      const i = r / g.kw;
      o = (c * planeFloats(g) + i * S + (r - i * g.kw)) * 4;
    }
    store<i32>(offs + <usize>t * 4, o);
  }
  if (padded(g)) memory.fill(xp, 0, <usize>(g.C * planeFloats(g)) * 4);
  if (Op !== g.O) memory.fill(dyt, 0, <usize>(P * Op) * 4);
  const inSize = <usize>(g.C * g.H * g.W) * 4;
  const outSize = <usize>(g.O * P) * 4;
  const R = rowsPerPass(g);
  const wide = tileChannels(g) === 16;
  for (let n = lo; n < hi; n++) {
    let xb = x + <usize>n * inSize;
    if (padded(g)) {
      for (let c = 0; c < g.C; c++) {
        for (let r = 0; r < g.H; r++) {
          const src = xb + <usize>((c * g.H + r) * g.W) * 4;
          const dst = xp + <usize>(c * planeFloats(g) + (r + g.ph) * S + g.pw) * 4;
          let q = 0;
          for (; q + 4 <= g.W; q += 4) v128.store(dst + <usize>q * 4, v128.load(src + <usize>q * 4));
          for (; q < g.W; q++) store<f32>(dst + <usize>q * 4, load<f32>(src + <usize>q * 4));
        }
      }
      xb = xp;
    }
    transposeDy(dy + <usize>n * outSize, g.O, P, Op, dyt);
    for (let y0 = 0; y0 < g.oh; y0 += R) {
      const y1 = min(g.oh, y0 + R);
      if (wide) {
        for (let og = 0; og < Op; og += 16) {
          for (let t = 0; t < Tp; t += 2) {
            const o0 = <usize>load<i32>(offs + <usize>t * 4);
            const o1 = <usize>load<i32>(offs + <usize>t * 4, 4);
            tile4x2(acc + <usize>(t * Op + og) * 4, Op, xb, dyt + <usize>og * 4, S, g.ow, y0, y1, o0, o1);
          }
        }
      } else {
        // One or two taps past whole tiles of four go one at a time (three: a padded tile is cheaper).
        const whole = (ckk & 3) <= 2 ? ckk & ~3 : Tp;
        for (let t = whole; t < ckk; t++)
          tile2x1(
            acc + <usize>(t * Op) * 4,
            Op,
            xb,
            dyt,
            S,
            g.ow,
            y0,
            y1,
            <usize>load<i32>(offs + <usize>t * 4),
          );
        for (let t = 0; t < whole; t += 4) {
          const at = offs + <usize>t * 4;
          tile2x4(
            acc + <usize>(t * Op) * 4,
            Op,
            xb,
            dyt,
            S,
            g.ow,
            y0,
            y1,
            <usize>load<i32>(at),
            <usize>load<i32>(at, 4),
            <usize>load<i32>(at, 8),
            <usize>load<i32>(at, 12),
          );
        }
      }
    }
  }
  for (let t = 0; t < ckk; t++) {
    const src = acc + <usize>(t * Op) * 4;
    const dst = dwt + <usize>(t * g.O) * 4;
    for (let o = 0; o < g.O; o++) store<f32>(dst + <usize>o * 4, load<f32>(src + <usize>o * 4));
  }
}
