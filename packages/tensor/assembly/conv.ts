// Convolution (NCHW, weights OIHW) lowered to im2col + GEMM per sample, threads taking whole samples.
// Per-thread scratch (at scratchBase + tid·scratchStride): [GEMM packing | cols C·kH·kW × outH·outW];
// weight-gradient partials per chunk: [dW O × C·kH·kW | db O] at partialBase + chunk·partialStride.

// biome-ignore lint/style/useImportType: AssemblyScript has no type-only imports.
import { Geom, PoolGeom } from './generated/records';
import { checkRange, checkSpan } from './check';
import { directWeightsFits, directWeightsSample } from './conv-direct';
import { directDataChunk, directDataFits, directDataScratchBytes } from './conv-direct-data';
import { flatWeightsChunk, flatWeightsFits } from './conv-flat-weights';
import {
  directForwardFits,
  directForwardSample,
  directRowsFits,
  directRowsSample,
} from './conv-direct-forward';
import { outerWeightsChunk, outerWeightsFits, outerWeightsScratchBytes } from './conv-outer-weights';
import { GEMM_SCRATCH_BYTES, KC, MR, NR, gemmBlock } from './gemm';
import { maxPoolPlanes } from './pool';

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
  const xEnd = x + <usize>(C * H * W) * 4;
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
            // rows are short (10 to 30 floats): an inline copy beats memory.copy's call
            let q = o0;
            const end = o0 + ((o1 - o0 + 3) & ~3);
            if (y + 1 < oh && src + <usize>end * 4 <= xEnd) {
              // whole vectors, past o1 by up to 3 floats: into this row's zero tail or the next
              // output row's segment, both written after this; reads stay inside the sample
              for (; q < end; q += 4) v128.store(dst + <usize>q * 4, v128.load(src + <usize>q * 4));
            } else {
              for (; q + 4 <= o1; q += 4) v128.store(dst + <usize>q * 4, v128.load(src + <usize>q * 4));
              for (; q < o1; q++) store<f32>(dst + <usize>q * 4, load<f32>(src + <usize>q * 4));
            }
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
export function im2col(_tid: i32, _chunk: i32, lo: i32, hi: i32, x: usize, cols: usize, geom: usize): void {
  const g = changetype<Geom>(geom);
  const inSize = <usize>(g.C * g.H * g.W) * 4;
  const colSize = <usize>(g.C * g.kh * g.kw * g.oh * g.ow) * 4;
  for (let n = lo; n < hi; n++) im2colSample(x + <usize>n * inSize, g, cols + <usize>n * colSize);
}

/** col2im for samples [lo, hi). */
export function col2im(_tid: i32, _chunk: i32, lo: i32, hi: i32, cols: usize, dx: usize, geom: usize): void {
  const g = changetype<Geom>(geom);
  const inSize = <usize>(g.C * g.H * g.W) * 4;
  const colSize = <usize>(g.C * g.kh * g.kw * g.oh * g.ow) * 4;
  for (let n = lo; n < hi; n++) col2imSample(cols + <usize>n * colSize, g, dx + <usize>n * inSize);
}

/** Float offset of element (r, p) of an [m, k] matrix packed as gemm's packed-A panel (mPad = m rounded up to MR). */
function packedA(r: i32, p: i32, k: i32, mPad: i32): usize {
  const pc = (p / KC) * KC;
  const kc = min(KC, k - pc);
  return <usize>pc * mPad + <usize>(r / MR) * MR * kc + <usize>(p - pc) * MR + <usize>(r % MR);
}

/**
 * Packs the convolution's weights once per call, as gemm's packed-A panel at dst: `transposed` false
 * gives W [O, CKK] with, when bias is not 0, the bias as a last column (forward; for layers the
 * direct forward takes, W [O, CKK] as it is); true gives Wᵀ [CKK, O] (backward data; for layers the
 * direct backward data takes, W as it is). Runs on one chunk.
 */
export function conv2dPackWeights(
  _tid: i32,
  _chunk: i32,
  _lo: i32,
  _hi: i32,
  w: usize,
  bias: usize,
  geom: usize,
  transposed: bool,
  dst: usize,
): void {
  const g = changetype<Geom>(geom);
  const ckk = g.C * g.kh * g.kw;
  if (transposed && directDataFits(g)) {
    // the direct backward data reads the filters as they are: [O, CKK]
    memory.copy(dst, w, <usize>(g.O * ckk) * 4);
    return;
  }
  if (transposed) {
    const mPad = ((ckk + MR - 1) / MR) * MR;
    for (let t = 0; t < mPad; t++)
      for (let o = 0; o < g.O; o++)
        store<f32>(dst + packedA(t, o, g.O, mPad) * 4, t < ckk ? load<f32>(w + <usize>(o * ckk + t) * 4) : 0);
    return;
  }
  if (directForwardFits(g) || directRowsFits(g)) {
    // the direct forwards read the filters as they are: [O, CKK]
    memory.copy(dst, w, <usize>(g.O * ckk) * 4);
    return;
  }
  const k = ckk + (bias !== 0 ? 1 : 0);
  const mPad = ((g.O + MR - 1) / MR) * MR;
  for (let o = 0; o < mPad; o++) {
    for (let p = 0; p < k; p++) {
      let v: f32 = 0;
      if (o < g.O) v = p < ckk ? load<f32>(w + <usize>(o * ckk + p) * 4) : load<f32>(bias + <usize>o * 4);
      store<f32>(dst + packedA(o, p, k, mPad) * 4, v);
    }
  }
}

/** Bytes of the packed weights panel {@link conv2dPackWeights} writes. */
export function convPackedWeightsBytes(geom: usize): i32 {
  const g = changetype<Geom>(geom);
  const ckk = g.C * g.kh * g.kw;
  const fwd = ((g.O + MR - 1) / MR) * MR * (ckk + 1);
  const bwd = ((ckk + MR - 1) / MR) * MR * g.O;
  return max(fwd, bwd) * 4;
}

/** Bytes of per-thread scratch the convolution kernels need: gemm's, then cols [CKK + 1, oh·ow]. */
export function convScratchBytes(geom: usize): i32 {
  const g = changetype<Geom>(geom);
  const gemm = GEMM_SCRATCH_BYTES + (g.C * g.kh * g.kw + 1) * g.oh * g.ow * 4 + 64;
  const bytes = outerWeightsFits(g) ? max(gemm, outerWeightsScratchBytes(g)) : gemm;
  return directDataFits(g) ? max(bytes, directDataScratchBytes(g)) : bytes;
}

/**
 * y[n] [O, oh·ow] ← W [O, CKK] · cols(x[n]) + bias, for samples [lo, hi). `wPacked` is the weights
 * panel of {@link conv2dPackWeights}; with a bias it has the bias as its last column and cols gets a
 * last row of ones, so the GEMM adds the bias as its last depth (no pass over y of its own). Layers
 * {@link directForwardFits} takes run directly instead (wPacked then holds the filters unpacked).
 */
export function conv2d(
  tid: i32,
  _chunk: i32,
  lo: i32,
  hi: i32,
  x: usize,
  wPacked: usize,
  bias: usize,
  y: usize,
  geom: usize,
  scratchBase: usize,
  scratchStride: usize,
): void {
  checkRange(lo, hi);
  const g = changetype<Geom>(geom);
  const scratch = scratchBase + <usize>tid * scratchStride;
  const cols = colsOf(scratch);
  const inSize = <usize>(g.C * g.H * g.W) * 4;
  const outSize = <usize>(g.O * g.oh * g.ow) * 4;
  convPrepare(g, bias, cols);
  for (let n = lo; n < hi; n++)
    convSample(x + <usize>n * inSize, wPacked, bias, y + <usize>n * outSize, g, scratch, cols);
}

/** The cols buffer in a thread's convolution scratch (after gemm's). */
function colsOf(scratch: usize): usize {
  return (scratch + <usize>GEMM_SCRATCH_BYTES + 63) & ~(<usize>63);
}

/** Once per chunk before {@link convSample}: with a bias on the GEMM path, cols' last row of ones. */
function convPrepare(g: Geom, bias: usize, cols: usize): void {
  if (directForwardFits(g) || directRowsFits(g) || bias === 0) return;
  const hw = g.oh * g.ow;
  const ones = cols + <usize>(g.C * g.kh * g.kw * hw) * 4;
  const one = f32x4.splat(1);
  let q = 0;
  for (; q + 4 <= hw; q += 4) v128.store(ones + <usize>q * 4, one);
  for (; q < hw; q++) store<f32>(ones + <usize>q * 4, 1);
}

/** yn [O, oh·ow] ← the convolution of one sample xn [C, H, W] (see {@link conv2d}). */
function convSample(
  xn: usize,
  wPacked: usize,
  bias: usize,
  yn: usize,
  g: Geom,
  scratch: usize,
  cols: usize,
): void {
  if (directForwardFits(g)) {
    directForwardSample(xn, wPacked, bias, yn, g, cols);
    return;
  }
  if (directRowsFits(g)) {
    directRowsSample(xn, wPacked, bias, yn, g, cols);
    return;
  }
  const hw = g.oh * g.ow;
  const k = g.C * g.kh * g.kw + (bias !== 0 ? 1 : 0);
  const mPad = ((g.O + MR - 1) / MR) * MR;
  // A 1×1 convolution without bias multiplies x[n] [C, H·W] itself.
  const direct = bias === 0 && isPointwise(g);
  if (!direct) im2colSample(xn, g, cols);
  const b = direct ? xn : cols;
  gemmBlock(false, false, 0, g.O, 0, hw, k, 1, 0, 0, b, hw, 0, yn, hw, scratch, wPacked, mPad, 0, 0);
}

/** Bytes of per-thread scratch {@link conv2dMaxPoolIndexed} needs: the convolution's, then one sample's output. */
export function convPoolIndexedScratchBytes(geom: usize): i32 {
  const g = changetype<Geom>(geom);
  return ((convScratchBytes(geom) + 63) & ~63) + g.O * g.oh * g.ow * 4 + 64;
}

/**
 * For samples [lo, hi): the convolution (as {@link conv2d}, weights packed the same way) into this
 * thread's scratch, then its max pooling with indices (as pool.ts's maxPool2d, window at `poolGeom`)
 * into y and arg [N, O, poh, pow], relu'd with `relu` ≠ 0: the unfused forward's results to the bit,
 * with the convolution's output never leaving the thread's cache.
 */
export function conv2dMaxPoolIndexed(
  tid: i32,
  _chunk: i32,
  lo: i32,
  hi: i32,
  x: usize,
  wPacked: usize,
  bias: usize,
  y: usize,
  arg: usize,
  geom: usize,
  poolGeom: usize,
  relu: i32,
  scratchBase: usize,
  scratchStride: usize,
): void {
  checkRange(lo, hi);
  const g = changetype<Geom>(geom);
  const pg = changetype<PoolGeom>(poolGeom);
  const scratch = scratchBase + <usize>tid * scratchStride;
  const cols = colsOf(scratch);
  const h = scratch + <usize>((convScratchBytes(geom) + 63) & ~63);
  const inSize = <usize>(g.C * g.H * g.W) * 4;
  const outSize = <usize>(g.O * pg.oh * pg.ow) * 4;
  convPrepare(g, bias, cols);
  for (let n = lo; n < hi; n++) {
    convSample(x + <usize>n * inSize, wPacked, bias, h, g, scratch, cols);
    maxPoolPlanes(0, g.O, h, y + <usize>n * outSize, arg + <usize>n * outSize, pg, relu !== 0);
  }
}

/**
 * dx[n] ← col2im(Wᵀ · dy[n]) for samples [lo, hi); `wPacked` is Wᵀ packed by {@link conv2dPackWeights}
 * (for layers {@link directDataFits} takes, which run directly, W as it is).
 */
export function conv2dBackwardData(
  tid: i32,
  _chunk: i32,
  lo: i32,
  hi: i32,
  dy: usize,
  wPacked: usize,
  dx: usize,
  geom: usize,
  scratchBase: usize,
  scratchStride: usize,
): void {
  checkRange(lo, hi);
  const g = changetype<Geom>(geom);
  const scratch = scratchBase + <usize>tid * scratchStride;
  const cols = (scratch + <usize>GEMM_SCRATCH_BYTES + 63) & ~(<usize>63);
  const ckk = g.C * g.kh * g.kw;
  const hw = g.oh * g.ow;
  const mPad = ((ckk + MR - 1) / MR) * MR;
  const inSize = <usize>(g.C * g.H * g.W) * 4;
  const outSize = <usize>(g.O * hw) * 4;
  if (directDataFits(g)) {
    directDataChunk(dy, wPacked, dx, g, lo, hi, scratch);
    return;
  }
  const direct = isPointwise(g);
  for (let n = lo; n < hi; n++) {
    const dyn = dy + <usize>n * outSize;
    const dxn = dx + <usize>n * inSize;
    const dst = direct ? dxn : cols;
    gemmBlock(true, false, 0, ckk, 0, hw, g.O, 1, 0, 0, dyn, hw, 0, dst, hw, scratch, wPacked, mPad, 0, 0);
    if (!direct) col2imSample(cols, g, dxn);
  }
}

/** Whether {@link flatWeightsChunk} computes this layer's weight gradient, in the cols buffer. */
function flatFits(g: Geom): bool {
  return flatWeightsFits(g, (g.C * g.kh * g.kw + 1) * g.oh * g.ow);
}

/**
 * Whether the weight-gradient GEMM runs transposed, dWᵀ [CKK, O] = cols · dyᵀ, rather than dW [O, CKK]
 * = dy · colsᵀ: whichever pads less to whole MR×NR micro-tiles (O = 6, CKK = 25: 8×32 beats 28×16).
 */
function weightsTransposed(g: Geom): bool {
  if (flatFits(g)) return false; // flatWeightsChunk writes dW [O, CKK]
  if (outerWeightsFits(g)) return true; // outerWeightsChunk writes dWᵀ [CKK, O]
  if (directWeightsFits(g)) return false; // directWeightsSample writes dW [O, kH·kW]
  const ckk = g.C * g.kh * g.kw;
  const t = ((ckk + MR - 1) / MR) * MR * (((g.O + NR - 1) / NR) * NR);
  const d = ((g.O + MR - 1) / MR) * MR * (((ckk + NR - 1) / NR) * NR);
  return t <= d;
}

/**
 * Partial weight and bias gradients of the samples [lo, hi) of one chunk (overwritten): dW_c = Σ_n
 * dy[n] · cols(x[n])ᵀ (stored transposed, [CKK, O], when {@link weightsTransposed}) and db_c [O] =
 * Σ_n Σ_hw dy[n], at partialBase + chunk·partialStride. {@link conv2dReduceWeights} then adds the
 * chunks' partials, in chunk order, into dw and db: the result depends on the chunking (fixed by the
 * shape and thread count), never on which thread ran what.
 */
export function conv2dBackwardWeights(
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
  const scratch = scratchBase + <usize>tid * scratchStride;
  const cols = (scratch + <usize>GEMM_SCRATCH_BYTES + 63) & ~(<usize>63);
  const pw = partialBase + <usize>chunk * partialStride;
  const ckk = g.C * g.kh * g.kw;
  const hw = g.oh * g.ow;
  const pb = pw + <usize>(g.O * ckk) * 4;
  const inSize = <usize>(g.C * g.H * g.W) * 4;
  const outSize = <usize>(g.O * hw) * 4;
  const direct = isPointwise(g);
  const transposed = weightsTransposed(g);
  if (hi <= lo) memory.fill(pw, 0, <usize>(g.O * ckk + g.O) * 4);
  const flat = flatFits(g);
  if (flat) flatWeightsChunk(x, dy, g, lo, hi, pw, cols);
  const outer = !flat && outerWeightsFits(g);
  if (outer) outerWeightsChunk(x, dy, g, lo, hi, pw, scratch);
  const directW = directWeightsFits(g);
  for (let n = lo; n < hi; n++) {
    const xn = x + <usize>n * inSize;
    const dyn = dy + <usize>n * outSize;
    // The first sample writes the partial (β = 0), the others add to it.
    const beta: f32 = n === lo ? 0 : 1;
    if (flat || outer) {
      // the weights' part is done above, for the whole chunk
    } else if (directW) {
      directWeightsSample(xn, dyn, g, pw, n === lo, cols);
    } else {
      let src = xn;
      if (!direct) {
        im2colSample(xn, g, cols);
        src = cols;
      }
      if (transposed) gemmBlock(false, true, 0, ckk, 0, g.O, hw, 1, src, hw, dyn, hw, beta, pw, g.O, scratch);
      else gemmBlock(false, true, 0, g.O, 0, ckk, hw, 1, dyn, hw, src, hw, beta, pw, ckk, scratch);
    }
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
      store<f32>(pb + <usize>o * 4, n === lo ? s : load<f32>(pb + <usize>o * 4) + s);
    }
  }
}

/**
 * dw [O, CKK] += Σ_c dW_c and db [O] += Σ_c db_c (db 0: none) over the `parts` chunk partials of
 * {@link conv2dBackwardWeights}, in chunk order, for the elements [lo, hi) of [dw | db]; with
 * `accumulate` 0, dw and db ← the sums (as if zeroed first: the same bits, without reading them).
 */
export function conv2dReduceWeights(
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
  const ckk = g.C * g.kh * g.kw;
  const wSize = g.O * ckk;
  checkSpan(dw, wSize);
  const transposed = weightsTransposed(g);
  for (let i = lo; i < hi; i++) {
    let dst: usize;
    let j = i;
    if (i < wSize) {
      dst = dw + <usize>i * 4;
      if (transposed) j = (i % ckk) * g.O + i / ckk;
    } else {
      if (db === 0) break;
      dst = db + <usize>(i - wSize) * 4;
    }
    let s: f32 = accumulate !== 0 ? load<f32>(dst) : 0;
    for (let c = 0; c < parts; c++) s += load<f32>(partialBase + <usize>c * partialStride + <usize>j * 4);
    store<f32>(dst, s);
  }
}
