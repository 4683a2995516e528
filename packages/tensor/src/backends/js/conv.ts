/**
 * Convolution as im2col + GEMM, the textbook lowering. For one sample, x [C, H, W] is unfolded into
 * cols [C·kH·kW, outH·outW] (row `(c·kH + i)·kW + j` holds the pixels that kernel tap (c, i, j) sees),
 * and then
 *   forward:          y[n]  [O, outH·outW]   = W [O, C·kH·kW] · cols
 *   backward data:    cols                  = Wᵀ · dy[n],  then col2im folds cols back into dx[n]
 *   backward weights: dW   [O, C·kH·kW]    += dy[n] · colsᵀ
 * Weights are OIHW, so W is used in place as a [O, C·kH·kW] matrix.
 */
import type { Conv2dGeometry } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { gemmRaw } from './gemm.js';
import type { Scratch } from './scratch.js';

/**
 * Unfolds one image x[xOff…] ([C, H, W]) into cols[cOff…] ([C·kH·kW, outH·outW]); zero outside the
 * image. For each kernel tap the in-image range of output columns is computed once, so the inner loop
 * is a branch-free strided copy.
 */
export function im2colSample(
  x: Float32Array,
  xOff: number,
  g: Conv2dGeometry,
  cols: Float32Array,
  cOff: number,
): void {
  const { inChannels: C, inHeight: H, inWidth: W, kernelH, kernelW, strideH, strideW, padH, padW } = g;
  const oH = g.outHeight;
  const oW = g.outWidth;
  let row = cOff;
  for (let c = 0; c < C; c++) {
    const plane = xOff + c * H * W;
    for (let i = 0; i < kernelH; i++) {
      for (let j = 0; j < kernelW; j++, row += oH * oW) {
        // ow such that 0 ≤ ow·sW − pW + j < W
        const owStart = Math.min(oW, Math.max(0, Math.ceil((padW - j) / strideW)));
        const owEnd = Math.max(owStart, Math.min(oW, Math.ceil((W + padW - j) / strideW)));
        for (let oh = 0; oh < oH; oh++) {
          const dst = row + oh * oW;
          const ih = oh * strideH - padH + i;
          if (ih < 0 || ih >= H) {
            cols.fill(0, dst, dst + oW);
            continue;
          }
          const src = plane + ih * W - padW + j;
          for (let ow = 0; ow < owStart; ow++) cols[dst + ow] = 0;
          for (let ow = owStart; ow < owEnd; ow++) cols[dst + ow] = x[src + ow * strideW];
          for (let ow = owEnd; ow < oW; ow++) cols[dst + ow] = 0;
        }
      }
    }
  }
}

/** The adjoint of {@link im2colSample}: dx[dOff…] ([C, H, W]) ← Σ of cols entries per pixel. Writes. */
export function col2imSample(
  cols: Float32Array,
  cOff: number,
  g: Conv2dGeometry,
  dx: Float32Array,
  dOff: number,
): void {
  const { inChannels: C, inHeight: H, inWidth: W, kernelH, kernelW, strideH, strideW, padH, padW } = g;
  const oH = g.outHeight;
  const oW = g.outWidth;
  dx.fill(0, dOff, dOff + C * H * W);
  let row = cOff;
  for (let c = 0; c < C; c++) {
    const plane = dOff + c * H * W;
    for (let i = 0; i < kernelH; i++) {
      for (let j = 0; j < kernelW; j++, row += oH * oW) {
        const owStart = Math.min(oW, Math.max(0, Math.ceil((padW - j) / strideW)));
        const owEnd = Math.max(owStart, Math.min(oW, Math.ceil((W + padW - j) / strideW)));
        for (let oh = 0; oh < oH; oh++) {
          const ih = oh * strideH - padH + i;
          if (ih < 0 || ih >= H) continue;
          const src = row + oh * oW;
          const dst = plane + ih * W - padW + j;
          for (let ow = owStart; ow < owEnd; ow++) dx[dst + ow * strideW] += cols[src + ow];
        }
      }
    }
  }
}

/** True when im2col is the identity (1×1 kernel, stride 1, no padding): x[n] already is cols. */
function isPointwise(g: Conv2dGeometry): boolean {
  return (
    g.kernelH === 1 && g.kernelW === 1 && g.strideH === 1 && g.strideW === 1 && g.padH === 0 && g.padW === 0
  );
}

/** x [N, C, H, W] → cols [N, C·kH·kW, outH·outW]. Writes. */
export function im2col(x: Tensor, g: Conv2dGeometry, cols: Tensor): void {
  const xd = x.data;
  const cd = cols.data;
  const inSize = g.inChannels * g.inHeight * g.inWidth;
  const colSize = g.inChannels * g.kernelH * g.kernelW * g.outHeight * g.outWidth;
  for (let n = 0; n < g.batch; n++) im2colSample(xd, n * inSize, g, cd, n * colSize);
}

/** cols [N, C·kH·kW, outH·outW] → dx [N, C, H, W], summing overlaps. Writes. */
export function col2im(cols: Tensor, g: Conv2dGeometry, dx: Tensor): void {
  const cd = cols.data;
  const dd = dx.data;
  const inSize = g.inChannels * g.inHeight * g.inWidth;
  const colSize = g.inChannels * g.kernelH * g.kernelW * g.outHeight * g.outWidth;
  for (let n = 0; n < g.batch; n++) col2imSample(cd, n * colSize, g, dd, n * inSize);
}

/** y [N, O, outH, outW] ← W · im2col(x) (+ bias). Writes. */
export function conv2d(
  x: Tensor,
  w: Tensor,
  bias: Tensor | null,
  y: Tensor,
  g: Conv2dGeometry,
  scratch: Scratch,
): void {
  const O = g.outChannels;
  const K = g.inChannels * g.kernelH * g.kernelW; // rows of cols
  const P = g.outHeight * g.outWidth; // columns of cols
  const inSize = g.inChannels * g.inHeight * g.inWidth;
  const pointwise = isPointwise(g);
  const cols = pointwise ? x.data : scratch.get(K * P);
  const xd = x.data;
  const wd = w.data;
  const yd = y.data;
  const bd = bias?.data;
  for (let n = 0; n < g.batch; n++) {
    const yOff = n * O * P;
    if (bd !== undefined) {
      // Start from the bias and accumulate (β = 1): one pass less than adding it afterwards.
      for (let o = 0; o < O; o++) yd.fill(bd[o], yOff + o * P, yOff + (o + 1) * P);
    }
    if (!pointwise) im2colSample(xd, n * inSize, g, cols, 0);
    gemmRaw(false, false, O, P, K, 1, wd, 0, cols, pointwise ? n * inSize : 0, bd ? 1 : 0, yd, yOff);
  }
}

/** dx [N, C, H, W] ← col2im(Wᵀ · dy[n]) for each sample. Writes. */
export function conv2dBackwardData(
  dy: Tensor,
  w: Tensor,
  dx: Tensor,
  g: Conv2dGeometry,
  scratch: Scratch,
): void {
  const O = g.outChannels;
  const K = g.inChannels * g.kernelH * g.kernelW;
  const P = g.outHeight * g.outWidth;
  const inSize = g.inChannels * g.inHeight * g.inWidth;
  const dyd = dy.data;
  const wd = w.data;
  const dxd = dx.data;
  if (isPointwise(g)) {
    // cols is dx[n] itself.
    for (let n = 0; n < g.batch; n++)
      gemmRaw(true, false, K, P, O, 1, wd, 0, dyd, n * O * P, 0, dxd, n * inSize);
    return;
  }
  const cols = scratch.get(K * P);
  for (let n = 0; n < g.batch; n++) {
    gemmRaw(true, false, K, P, O, 1, wd, 0, dyd, n * O * P, 0, cols, 0);
    col2imSample(cols, 0, g, dxd, n * inSize);
  }
}

/** dw [O, C, kH, kW] += Σ_n dy[n] · im2col(x[n])ᵀ; db [O] += Σ dy over N, outH, outW. */
export function conv2dBackwardWeights(
  x: Tensor,
  dy: Tensor,
  dw: Tensor,
  db: Tensor | null,
  g: Conv2dGeometry,
  scratch: Scratch,
): void {
  const O = g.outChannels;
  const K = g.inChannels * g.kernelH * g.kernelW;
  const P = g.outHeight * g.outWidth;
  const inSize = g.inChannels * g.inHeight * g.inWidth;
  const pointwise = isPointwise(g);
  const cols = pointwise ? x.data : scratch.get(K * P);
  const xd = x.data;
  const dyd = dy.data;
  const dwd = dw.data;
  for (let n = 0; n < g.batch; n++) {
    if (!pointwise) im2colSample(xd, n * inSize, g, cols, 0);
    gemmRaw(false, true, O, K, P, 1, dyd, n * O * P, cols, pointwise ? n * inSize : 0, 1, dwd, 0);
  }
  if (db !== null) {
    const dbd = db.data;
    for (let o = 0; o < O; o++) {
      let s = 0;
      for (let n = 0; n < g.batch; n++) {
        const off = (n * O + o) * P;
        for (let p = 0; p < P; p++) s += dyd[off + p];
      }
      dbd[o] += s;
    }
  }
}
