// Direct backward data of stride-1 layers with few output channels per input channel and short rows
// (LeNet's second layer: 16 → 6 channels back, 5×5, 10×10 → 14×14): dx[c, h, w] = Σ_i,j Σ_o
// W[o, c, i, j] · dy[o, h + ph − i, w + pw − j]. Its im2col form is a GEMM only O = 16 deep followed by
// col2im; here the output channels o run along the SIMD lanes (dy transposed per sample to
// [oh, ow + 2(kW − 1), O] with zero columns either side, the filters to [C, kH, kW reversed, O]), so
// one filter row's taps over all o are one flat run of floats in both, and a tile (two input channels
// × four pixels of an output row: eight accumulators) sums only the rows and columns of dy a tap
// reaches, ending with one horizontal sum per output.

// biome-ignore lint/style/useImportType: AssemblyScript has no type-only imports.
import { Geom } from './generated/records';
import { hsum, madd } from './simd';

/** O rounded up to whole vectors. */
function lanes(g: Geom): i32 {
  return (g.O + 3) & ~3;
}

/** Columns of the transposed dy: kW − 1 zero columns before, room for a last partial pixel quad after. */
function qCols(g: Geom): i32 {
  return max(g.W + 3 + g.pw, g.ow + g.kw - 1) + g.kw;
}

function align(bytes: i32): i32 {
  return (bytes + 63) & ~63;
}

/** Bytes of scratch {@link directDataChunk} needs: the reversed filters and the transposed dy. */
export function directDataScratchBytes(g: Geom): i32 {
  return align(g.C * g.kh * g.kw * lanes(g) * 4) + align(g.oh * qCols(g) * lanes(g) * 4) + 64;
}

/**
 * Whether {@link directDataChunk} computes this layer's backward data: stride 1, padding below the
 * filter size, 8 to 32 output channels, at most 8 input channels, 5×5 or larger filters (at least 4
 * wide: a pixel quad's reads reach back at most 3 columns into the zero columns) and rows up
 * to 16 wide (LeNet's 6 → 16 layer; im2col's GEMM is then only O deep and col2im a third of the time).
 */
export function directDataFits(g: Geom): bool {
  return (
    g.sh === 1 &&
    g.sw === 1 &&
    g.ph < g.kh &&
    g.pw < g.kw &&
    g.kw >= 4 &&
    g.O >= 8 &&
    g.O <= 32 &&
    g.C <= 8 &&
    g.kh * g.kw >= 25 &&
    g.W <= 16
  );
}

/**
 * Output pixels w0 … w0 + 3 (those < W stored) of row h of input channels at wa, wb (filters
 * reversed, [kH, kW, Op] each) into dx planes xa, xb (`pair` false: only xa).
 */
function quad(
  g: Geom,
  q: usize,
  wa: usize,
  wb: usize,
  h: i32,
  w0: i32,
  xa: usize,
  xb: usize,
  pair: bool,
): void {
  const Op = lanes(g);
  const Qc = qCols(g);
  const px = <usize>Op * 4;
  let a0 = f32x4.splat(0),
    a1 = a0,
    a2 = a0,
    a3 = a0;
  let b0 = a0,
    b1 = a0,
    b2 = a0,
    b3 = a0;
  // dy rows y = h + ph − i inside [0, oh); reversed taps jj reach dy columns x = w + pw − (kW − 1) + jj
  const i0 = max(0, h + g.ph - g.oh + 1);
  const i1 = min(g.kh - 1, h + g.ph);
  const j0 = max(0, g.kw - 1 - (w0 + 3) - g.pw);
  const j1 = min(g.kw - 1, g.kw - 1 - w0 - g.pw + g.ow - 1);
  const n = (j1 - j0 + 1) * Op;
  for (let i = i0; i <= i1; i++) {
    const y = h + g.ph - i;
    // dy column of pixel w0 and reversed tap j0, at Q column x + kW − 1
    let d = q + <usize>((y * Qc + w0 + g.pw + j0) * Op) * 4;
    const fo = <usize>((i * g.kw + j0) * Op) * 4;
    let e = wa + fo;
    const de = wb - wa;
    const end = e + <usize>n * 4;
    for (; e < end; e += 16) {
      const f = v128.load(e),
        k = v128.load(e + de);
      let v = v128.load(d);
      a0 = madd(f, v, a0);
      b0 = madd(k, v, b0);
      v = v128.load(d + px);
      a1 = madd(f, v, a1);
      b1 = madd(k, v, b1);
      v = v128.load(d + 2 * px);
      a2 = madd(f, v, a2);
      b2 = madd(k, v, b2);
      v = v128.load(d + 3 * px);
      a3 = madd(f, v, a3);
      b3 = madd(k, v, b3);
      d += 16;
    }
  }
  const at = <usize>(h * g.W + w0) * 4;
  const m = g.W - w0;
  put4(xa + at, hsum4(a0, a1, a2, a3), m);
  if (pair) put4(xb + at, hsum4(b0, b1, b2, b3), m);
}

/** [hsum(a), hsum(b), hsum(c), hsum(d)], each summed in {@link hsum}'s order ((l0 + l2) + (l1 + l3)). */
function hsum4(a: v128, b: v128, c: v128, d: v128): v128 {
  const ab = f32x4.add(v128.shuffle<f32>(a, b, 0, 4, 1, 5), v128.shuffle<f32>(a, b, 2, 6, 3, 7));
  const cd = f32x4.add(v128.shuffle<f32>(c, d, 0, 4, 1, 5), v128.shuffle<f32>(c, d, 2, 6, 3, 7));
  return f32x4.add(v128.shuffle<f32>(ab, cd, 0, 1, 4, 5), v128.shuffle<f32>(ab, cd, 2, 3, 6, 7));
}

/** Stores the first min(m, 4) lanes of v at `at`. */
function put4(at: usize, v: v128, m: i32): void {
  if (m >= 4) {
    v128.store(at, v);
    return;
  }
  store<f32>(at, f32x4.extract_lane(v, 0));
  if (m > 1) store<f32>(at, f32x4.extract_lane(v, 1), 4);
  if (m > 2) store<f32>(at, f32x4.extract_lane(v, 2), 8);
}

/**
 * The last one or two pixels of a row (w0 … W − 1, W − w0 ≤ 2): {@link quad} with two pixels, half
 * the multiply-adds of a quad whose other two pixels lie past the row.
 */
function duo(
  g: Geom,
  q: usize,
  wa: usize,
  wb: usize,
  h: i32,
  w0: i32,
  xa: usize,
  xb: usize,
  pair: bool,
): void {
  const Op = lanes(g);
  const Qc = qCols(g);
  const px = <usize>Op * 4;
  let a0 = f32x4.splat(0),
    a1 = a0;
  let b0 = a0,
    b1 = a0;
  const i0 = max(0, h + g.ph - g.oh + 1);
  const i1 = min(g.kh - 1, h + g.ph);
  const j0 = max(0, g.kw - 1 - (w0 + 1) - g.pw);
  const j1 = min(g.kw - 1, g.kw - 1 - w0 - g.pw + g.ow - 1);
  const n = (j1 - j0 + 1) * Op;
  for (let i = i0; i <= i1; i++) {
    const y = h + g.ph - i;
    let d = q + <usize>((y * Qc + w0 + g.pw + j0) * Op) * 4;
    let e = wa + <usize>((i * g.kw + j0) * Op) * 4;
    const de = wb - wa;
    const end = e + <usize>n * 4;
    for (; e < end; e += 16) {
      const f = v128.load(e),
        k = v128.load(e + de);
      let v = v128.load(d);
      a0 = madd(f, v, a0);
      b0 = madd(k, v, b0);
      v = v128.load(d + px);
      a1 = madd(f, v, a1);
      b1 = madd(k, v, b1);
      d += 16;
    }
  }
  const at = <usize>(h * g.W + w0) * 4;
  const m = g.W - w0;
  store<f32>(xa + at, hsum(a0));
  if (m > 1) store<f32>(xa + at, hsum(a1), 4);
  if (!pair) return;
  store<f32>(xb + at, hsum(b0));
  if (m > 1) store<f32>(xb + at, hsum(b1), 4);
}

/**
 * dx [N, C, H, W] ← the backward data of w [O, C, kH, kW] for dy [N, O, oh, ow], samples [lo, hi)
 * (written); `scratch` holds {@link directDataScratchBytes}.
 */
export function directDataChunk(
  dy: usize,
  w: usize,
  dx: usize,
  g: Geom,
  lo: i32,
  hi: i32,
  scratch: usize,
): void {
  const Op = lanes(g);
  const Qc = qCols(g);
  const kk = g.kh * g.kw;
  const wr = scratch;
  const q = wr + <usize>align(g.C * kk * Op * 4);
  // wr [C, kH, kW reversed, Op] ← w [O, C, kH, kW], zero for o ≥ O
  memory.fill(wr, 0, <usize>(g.C * kk * Op) * 4);
  for (let o = 0; o < g.O; o++)
    for (let c = 0; c < g.C; c++)
      for (let i = 0; i < g.kh; i++)
        for (let j = 0; j < g.kw; j++) {
          const v = load<f32>(w + <usize>(((o * g.C + c) * g.kh + i) * g.kw + j) * 4);
          store<f32>(wr + <usize>(((c * g.kh + i) * g.kw + (g.kw - 1 - j)) * Op + o) * 4, v);
        }
  // the zero columns and lanes stay zero: only dy's own pixels are written per sample
  memory.fill(q, 0, <usize>(g.oh * Qc * Op) * 4);
  const P = g.oh * g.ow;
  const outSize = <usize>(g.O * P) * 4;
  const inSize = <usize>(g.C * g.H * g.W) * 4;
  const plane = <usize>(g.H * g.W) * 4;
  const fs = <usize>(kk * Op) * 4;
  for (let n = lo; n < hi; n++) {
    const dyn = dy + <usize>n * outSize;
    for (let o = 0; o < g.O; o++) {
      const src = dyn + <usize>(o * P) * 4;
      for (let y = 0; y < g.oh; y++) {
        const row = q + <usize>((y * Qc + g.kw - 1) * Op + o) * 4;
        const s = src + <usize>(y * g.ow) * 4;
        for (let x = 0; x < g.ow; x++) store<f32>(row + <usize>(x * Op) * 4, load<f32>(s + <usize>x * 4));
      }
    }
    const dxn = dx + <usize>n * inSize;
    for (let c = 0; c < g.C; c += 2) {
      const c1 = min(c + 1, g.C - 1);
      const wa = wr + <usize>c * fs;
      const wb = wr + <usize>c1 * fs;
      const xa = dxn + <usize>c * plane;
      const xb = dxn + <usize>c1 * plane;
      const pair = c1 !== c;
      for (let h = 0; h < g.H; h++) {
        let w0 = 0;
        for (; w0 + 2 < g.W; w0 += 4) quad(g, q, wa, wb, h, w0, xa, xb, pair);
        if (w0 < g.W) duo(g, q, wa, wb, h, w0, xa, xb, pair);
      }
    }
  }
}
