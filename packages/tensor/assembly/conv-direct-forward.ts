// Direct forward of stride-1 layers with one input channel (the first convolution of a grey-image
// model): y[o, y, x] = b[o] + Σ_i,j w[o, i, j] · x[y + i − ph, x + j − pw]. As an im2col GEMM its
// depth is only kH·kW (9 or 25) and most of the time goes to im2col and packing; here the input is
// copied once into a zero-padded plane whose row stride S ≥ ow + kW − 1 is a whole number of
// vectors, so output pixel (y, x) at flat index y·S + x reads tap (i, j) at flat index
// y·S + x + i·S + j: the output is computed as one flat run of vectors (the columns x ≥ ow of each
// row are junk, computed and dropped), two filters × four vectors = eight accumulators at a time
// (V8 spills past about ten live v128 on x86-64), each tap one splat per filter and four loads.

// biome-ignore lint/style/useImportType: AssemblyScript has no type-only imports.
import { Geom } from './generated/records';
import { madd } from './simd';

/** Row stride of the padded plane: the input row with its padding, rounded up to whole vectors. */
function planeStride(g: Geom): i32 {
  return (g.W + 2 * g.pw + 3) & ~3;
}

/** Output pixels computed per filter: oh rows of `planeStride` pixels, rounded up to whole blocks of 16. */
function flatOutputs(g: Geom): i32 {
  return (g.oh * planeStride(g) + 15) & ~15;
}

/** Floats of the padded plane: the input rows with their padding and room for the last block's reads. */
function planeFloats(g: Geom): i32 {
  const s = planeStride(g);
  return max((g.H + 2 * g.ph) * s, flatOutputs(g) + (g.kh - 1) * s + g.kw + 3) + 4;
}

/**
 * Most filters computed directly. With few filters the GEMM is short on both sides (O rows, kH·kW
 * deep) and direct measured 1.8× faster (6 filters, 5×5 or 3×3 on 28×28); from 16 filters on the
 * GEMM's tiles fill and it was as fast or faster (1.5× for 32 filters 3×3).
 */
const MAX_DIRECT_FILTERS: i32 = 8;

/**
 * Whether {@link directForwardSample} computes this layer's forward: stride 1, one input channel, at
 * most {@link MAX_DIRECT_FILTERS} filters, and the padded plane fits the scratch's cols buffer
 * ([C·kH·kW + 1, oh·ow] floats).
 */
export function directForwardFits(g: Geom): bool {
  return (
    g.sh === 1 &&
    g.sw === 1 &&
    g.C === 1 &&
    g.O <= MAX_DIRECT_FILTERS &&
    planeFloats(g) + 4 <= (g.kh * g.kw + 1) * g.oh * g.ow
  );
}

/** Stores the valid lanes of the output vector at row r, column x of an output plane yo [oh, ow]. */
function putVector(yo: usize, r: i32, x: i32, g: Geom, v: v128): void {
  const ow = g.ow;
  if (x >= ow || r >= g.oh) return;
  const at = yo + <usize>(r * ow + x) * 4;
  if (x + 4 <= ow) {
    v128.store(at, v);
    return;
  }
  store<f32>(at, f32x4.extract_lane(v, 0));
  if (x + 1 < ow) store<f32>(at, f32x4.extract_lane(v, 1), 4);
  if (x + 2 < ow) store<f32>(at, f32x4.extract_lane(v, 2), 8);
}

/** The flat index f + 4 as (row, column) packed in an i64, from f's (r, x): no division per vector. */
function next(r: i32, x: i32, s: i32): i64 {
  let x1 = x + 4;
  let r1 = r;
  if (x1 >= s) {
    x1 -= s;
    r1++;
  }
  return ((<i64>r1) << 32) | <i64>x1;
}

/**
 * Output pixels [f0, f0 + 16) of filters o0 and o1 (o1 may repeat o0; then `pair` is false and only
 * o0 is stored). w0, w1: the filters' kH·kW taps; y0, y1: their output planes [oh, ow].
 */
function block16(
  g: Geom,
  plane: usize,
  f0: i32,
  w0: usize,
  w1: usize,
  bias0: f32,
  bias1: f32,
  y0: usize,
  y1: usize,
  pair: bool,
): void {
  const s = planeStride(g);
  let a0 = f32x4.splat(bias0),
    a1 = a0,
    a2 = a0,
    a3 = a0;
  let b0 = f32x4.splat(bias1),
    b1 = b0,
    b2 = b0,
    b3 = b0;
  let t: usize = 0;
  for (let i = 0; i < g.kh; i++) {
    const row = plane + <usize>(f0 + i * s) * 4;
    for (let j = 0; j < g.kw; j++) {
      const p = row + <usize>j * 4;
      const e = v128.load32_splat(w0 + t);
      const h = v128.load32_splat(w1 + t);
      t += 4;
      let v = v128.load(p);
      a0 = madd(e, v, a0);
      b0 = madd(h, v, b0);
      v = v128.load(p, 16);
      a1 = madd(e, v, a1);
      b1 = madd(h, v, b1);
      v = v128.load(p, 32);
      a2 = madd(e, v, a2);
      b2 = madd(h, v, b2);
      v = v128.load(p, 48);
      a3 = madd(e, v, a3);
      b3 = madd(h, v, b3);
    }
  }
  // (row, column) of the four vectors: one division per block
  const r0 = f0 / s;
  const x0 = f0 - r0 * s;
  const p1 = next(r0, x0, s);
  const r1 = <i32>(p1 >> 32),
    x1 = <i32>p1;
  const p2 = next(r1, x1, s);
  const r2 = <i32>(p2 >> 32),
    x2 = <i32>p2;
  const p3 = next(r2, x2, s);
  const r3 = <i32>(p3 >> 32),
    x3 = <i32>p3;
  putVector(y0, r0, x0, g, a0);
  putVector(y0, r1, x1, g, a1);
  putVector(y0, r2, x2, g, a2);
  putVector(y0, r3, x3, g, a3);
  if (!pair) return;
  putVector(y1, r0, x0, g, b0);
  putVector(y1, r1, x1, g, b1);
  putVector(y1, r2, x2, g, b2);
  putVector(y1, r3, x3, g, b3);
}

/**
 * y [O, oh, ow] ← w [O, 1, kH, kW] ⋆ x [1, H, W] + bias (bias 0: none), for one sample; `scratch`
 * holds the padded plane ({@link directForwardFits}).
 */
export function directForwardSample(
  x: usize,
  w: usize,
  bias: usize,
  y: usize,
  g: Geom,
  scratch: usize,
): void {
  const H = g.H,
    W = g.W,
    s = planeStride(g);
  const plane = scratch;
  memory.fill(plane, 0, <usize>planeFloats(g) * 4);
  for (let r = 0; r < H; r++) {
    const src = x + <usize>(r * W) * 4;
    const dst = plane + <usize>((r + g.ph) * s + g.pw) * 4;
    let q = 0;
    for (; q + 4 <= W; q += 4) v128.store(dst + <usize>q * 4, v128.load(src + <usize>q * 4));
    for (; q < W; q++) store<f32>(dst + <usize>q * 4, load<f32>(src + <usize>q * 4));
  }
  const kk = g.kh * g.kw;
  const hw = g.oh * g.ow;
  const n = flatOutputs(g);
  for (let o = 0; o < g.O; o += 2) {
    // an odd last filter pairs with itself (computed twice, stored once)
    const o1 = min(o + 1, g.O - 1);
    const w0 = w + <usize>(o * kk) * 4;
    const w1 = w + <usize>(o1 * kk) * 4;
    const bias0: f32 = bias !== 0 ? load<f32>(bias + <usize>o * 4) : 0;
    const bias1: f32 = bias !== 0 ? load<f32>(bias + <usize>o1 * 4) : 0;
    const y0 = y + <usize>(o * hw) * 4;
    const y1 = y + <usize>(o1 * hw) * 4;
    for (let f0 = 0; f0 < n; f0 += 16) block16(g, plane, f0, w0, w1, bias0, bias1, y0, y1, o1 !== o);
  }
}

// Direct forward of stride-1 layers with deep filters over short output rows (LeNet's second layer:
// 6 → 16 channels, 5×5, 10×10 outputs). Their im2col GEMM spent a third of its time in im2col
// (rows of 10 floats) and most of the rest packing; here each output row is three vectors, three
// filters at a time (nine accumulators), over the C·kH·kW taps read straight from zero-padded planes
// in one flat loop (a table of the taps' offsets: nested c, i, j loops cost V8 more address
// arithmetic and register reloads than the nine multiply-adds they feed).

/** Row stride of the padded planes of {@link directRowsSample}. */
function rowsStride(g: Geom): i32 {
  return g.W + 2 * g.pw;
}

/** Floats of one padded plane of {@link directRowsSample}. */
function rowsPlane(g: Geom): i32 {
  return (g.H + 2 * g.ph) * rowsStride(g);
}

/** Zeroed floats after the planes: the last row's vectors read up to 2 + kW − 1 floats past the stride. */
const ROWS_SLACK: i32 = 16;

/**
 * Whether {@link directRowsSample} computes this layer's forward: stride 1, at least two input
 * channels, 5×5 or larger filters, output rows 9 to 12 wide (three vectors, at most a quarter of
 * lanes wasted), and the padded planes and the tap offsets fit the scratch's cols buffer.
 */
export function directRowsFits(g: Geom): bool {
  const ckk = g.C * g.kh * g.kw;
  return (
    g.sh === 1 &&
    g.sw === 1 &&
    g.C >= 2 &&
    g.kh * g.kw >= 25 &&
    g.ow >= 9 &&
    g.ow <= 12 &&
    g.C * rowsPlane(g) + ROWS_SLACK + ckk <= (ckk + 1) * g.oh * g.ow
  );
}

/**
 * Output row yo of filters o0, o1 (o1 may repeat o0; then `pair` is false): three vectors each.
 * row: the row's start in the first plane; offs: the taps' byte offsets from it; w0, w1: the filters.
 */
function rows12(
  g: Geom,
  row: usize,
  offs: usize,
  yo: i32,
  w0: usize,
  w1: usize,
  bias0: f32,
  bias1: f32,
  y0: usize,
  y1: usize,
  pair: bool,
): void {
  let a0 = f32x4.splat(bias0),
    a1 = a0,
    a2 = a0;
  let b0 = f32x4.splat(bias1),
    b1 = b0,
    b2 = b0;
  const dw = w1 - w0;
  const end = offs + <usize>(g.C * g.kh * g.kw) * 4;
  let wt = w0;
  for (let o = offs; o < end; o += 4) {
    const p = row + <usize>load<i32>(o);
    const v0 = v128.load(p),
      v1 = v128.load(p, 16),
      v2 = v128.load(p, 32);
    let e = v128.load32_splat(wt);
    a0 = madd(e, v0, a0);
    a1 = madd(e, v1, a1);
    a2 = madd(e, v2, a2);
    e = v128.load32_splat(wt + dw);
    b0 = madd(e, v0, b0);
    b1 = madd(e, v1, b1);
    b2 = madd(e, v2, b2);
    wt += 4;
  }
  const at = <usize>(yo * g.ow) * 4;
  putRow(y0 + at, g.ow, a0, a1, a2);
  if (pair) putRow(y1 + at, g.ow, b0, b1, b2);
}

/**
 * One output row (its first plane row at `row`, its outputs at `out`) of filters w0, w0 + dw,
 * w0 + 2·dw (outputs out, out + dy, out + 2·dy): nine accumulators.
 */
function rows12x3(
  g: Geom,
  row: usize,
  offs: usize,
  end: usize,
  w0: usize,
  dw: usize,
  bias: usize,
  o: i32,
  out: usize,
  dy: usize,
): void {
  let a0 = f32x4.splat(biasAt(bias, o)),
    a1 = a0,
    a2 = a0;
  let b0 = f32x4.splat(biasAt(bias, o + 1)),
    b1 = b0,
    b2 = b0;
  let c0 = f32x4.splat(biasAt(bias, o + 2)),
    c1 = c0,
    c2 = c0;
  const dw2 = dw + dw;
  let wt = w0;
  for (let q = offs; q < end; q += 4) {
    const p = row + <usize>load<i32>(q);
    const v0 = v128.load(p),
      v1 = v128.load(p, 16),
      v2 = v128.load(p, 32);
    let e = v128.load32_splat(wt);
    a0 = madd(e, v0, a0);
    a1 = madd(e, v1, a1);
    a2 = madd(e, v2, a2);
    e = v128.load32_splat(wt + dw);
    b0 = madd(e, v0, b0);
    b1 = madd(e, v1, b1);
    b2 = madd(e, v2, b2);
    e = v128.load32_splat(wt + dw2);
    c0 = madd(e, v0, c0);
    c1 = madd(e, v1, c1);
    c2 = madd(e, v2, c2);
    wt += 4;
  }
  putRow(out, g.ow, a0, a1, a2);
  putRow(out + dy, g.ow, b0, b1, b2);
  putRow(out + dy + dy, g.ow, c0, c1, c2);
}

/** Stores the first ow (9 … 12) lanes of the three vectors at dst. */
function putRow(dst: usize, ow: i32, v0: v128, v1: v128, v2: v128): void {
  v128.store(dst, v0);
  v128.store(dst, v1, 16);
  if (ow === 12) {
    v128.store(dst, v2, 32);
    return;
  }
  store<f32>(dst, f32x4.extract_lane(v2, 0), 32);
  if (ow > 9) store<f32>(dst, f32x4.extract_lane(v2, 1), 36);
  if (ow > 10) store<f32>(dst, f32x4.extract_lane(v2, 2), 40);
}

function biasAt(bias: usize, o: i32): f32 {
  return bias !== 0 ? load<f32>(bias + <usize>o * 4) : 0;
}

/**
 * y [O, oh, ow] ← w [O, C, kH, kW] ⋆ x [C, H, W] + bias (bias 0: none), for one sample; `scratch`
 * holds the padded planes and the tap offsets ({@link directRowsFits}).
 */
export function directRowsSample(x: usize, w: usize, bias: usize, y: usize, g: Geom, scratch: usize): void {
  const H = g.H,
    W = g.W,
    s = rowsStride(g),
    ps = rowsPlane(g);
  const planes = scratch;
  memory.fill(planes, 0, <usize>(g.C * ps + ROWS_SLACK) * 4);
  for (let c = 0; c < g.C; c++) {
    for (let r = 0; r < H; r++) {
      const src = x + <usize>((c * H + r) * W) * 4;
      const dst = planes + <usize>(c * ps + (r + g.ph) * s + g.pw) * 4;
      let q = 0;
      for (; q + 4 <= W; q += 4) v128.store(dst + <usize>q * 4, v128.load(src + <usize>q * 4));
      for (; q < W; q++) store<f32>(dst + <usize>q * 4, load<f32>(src + <usize>q * 4));
    }
  }
  // tap t = (c, i, j) of an output row reads its plane c at byte offset (c·ps + i·s + j)·4
  const offs = planes + <usize>(g.C * ps + ROWS_SLACK) * 4;
  let t = 0;
  for (let c = 0; c < g.C; c++)
    for (let i = 0; i < g.kh; i++)
      for (let j = 0; j < g.kw; j++) {
        store<i32>(offs + <usize>t * 4, (c * ps + i * s + j) * 4);
        t++;
      }
  const ckk = g.C * g.kh * g.kw;
  const hw = g.oh * g.ow;
  const dw = <usize>ckk * 4;
  const dy = <usize>hw * 4;
  let o = 0;
  // three filters at a time, the last one or two as a pair (four as two pairs)
  const end = offs + <usize>ckk * 4;
  for (; o + 3 <= g.O && g.O - o !== 4; o += 3) {
    const w0 = w + <usize>o * dw;
    const y0 = y + <usize>o * dy;
    for (let yo = 0; yo < g.oh; yo++) {
      const row = planes + <usize>(yo * s) * 4;
      rows12x3(g, row, offs, end, w0, dw, bias, o, y0 + <usize>(yo * g.ow) * 4, dy);
    }
  }
  for (; o < g.O; o += 2) {
    const o1 = min(o + 1, g.O - 1);
    const w0 = w + <usize>o * dw;
    const w1 = w + <usize>o1 * dw;
    const b0 = biasAt(bias, o),
      b1 = biasAt(bias, o1);
    for (let yo = 0; yo < g.oh; yo++)
      rows12(
        g,
        planes + <usize>(yo * s) * 4,
        offs,
        yo,
        w0,
        w1,
        b0,
        b1,
        y + <usize>o * dy,
        y + <usize>o1 * dy,
        o1 !== o,
      );
  }
}
