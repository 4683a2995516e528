// Convolution (NCHW, weights OIHW) lowered to im2col + GEMM per sample, threads taking whole samples.
// Per-thread scratch (at scratchBase + tid·scratchStride): [GEMM packing | cols C·kH·kW × outH·outW];
// weight-gradient partials per chunk: [dW O × C·kH·kW | db O] at partialBase + chunk·partialStride.

// biome-ignore lint/style/useImportType: AssemblyScript has no type-only imports.
import { Geom } from './generated/records';
import { GEMM_SCRATCH_BYTES, gemmBlock } from './gemm';

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

/** y[n] [O, oh·ow] ← W [O, CKK] · cols(x[n]) + bias, for samples [lo, hi). */
export function conv2d(
  tid: i32,
  _chunk: i32,
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
  _chunk: i32,
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
 * Partial weight and bias gradients of the samples [lo, hi) of one chunk (overwritten), transposed:
 * dW_cᵀ [CKK, O] = Σ_n cols(x[n]) · dy[n]ᵀ and db_c [O] = Σ_n Σ_hw dy[n], at partialBase + chunk·partialStride.
 * `reducePartials` then adds the chunks' partials, in chunk order, into dw and db: the result depends
 * on the chunking (fixed by the shape and thread count), never on which thread ran what.
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
  const g = changetype<Geom>(geom);
  const scratch = scratchBase + <usize>tid * scratchStride;
  const cols = scratch + <usize>GEMM_SCRATCH_BYTES;
  const pw = partialBase + <usize>chunk * partialStride;
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
    // dW_cᵀ [CKK, O] += cols [CKK, hw] · dy[n]ᵀ: O (a multiple of 16, usually) is the micro-tile's
    // wide side and CKK (9 for a 3×3 single-channel layer) the short one, so fewer lanes are padding.
    gemmBlock(false, true, 0, ckk, 0, g.O, hw, 1, src, hw, dyn, hw, 1, pw, g.O, scratch);
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
 * dst[i] += Σ_c partial_c[π(i)] for i in [lo, hi), c = 0 … parts−1 in order, where partial_c starts
 * at partialBase + c·partialStride: a deterministic reduction of per-chunk partials. With `rows` > 0
 * the partials are transposed: dst is [rows, cols] and π(r·cols + t) = t·rows + r.
 */
export function reducePartials(
  _tid: i32,
  _chunk: i32,
  lo: i32,
  hi: i32,
  dst: usize,
  partialBase: usize,
  partialStride: usize,
  parts: i32,
  rows: i32,
  cols: i32,
): void {
  for (let i = lo; i < hi; i++) {
    const j = rows > 0 ? (i % cols) * rows + i / cols : i;
    let s = load<f32>(dst + <usize>i * 4);
    for (let c = 0; c < parts; c++) s += load<f32>(partialBase + <usize>c * partialStride + <usize>j * 4);
    store<f32>(dst + <usize>i * 4, s);
  }
}
