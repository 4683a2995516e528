/**
 * im2col, the textbook lowering of convolution to GEMM: for one sample, x [C, H, W] is unfolded into
 * cols [C·kH·kW, outH·outW], row `(c·kH + i)·kW + j` holding the pixels kernel tap (c, i, j) sees.
 */
import type { Conv2dGeometry } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { assertNoAlias } from './check.js';
import { colsShape, convInputShape, expectGeomShape } from './geometry.js';
import { defineKernel } from './kernel.js';

/** Arguments of {@link im2col}: x [N, C, H, W] → cols [N, C·kH·kW, outH·outW]. */
export interface Im2colArgs {
  x: Tensor;
  cols: Tensor;
  g: Conv2dGeometry;
}

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
export function isPointwise(g: Conv2dGeometry): boolean {
  return (
    g.kernelH === 1 && g.kernelW === 1 && g.strideH === 1 && g.strideW === 1 && g.padH === 0 && g.padW === 0
  );
}

/** Unfolds image patches, zero outside the image. Writes cols. */
export const im2col = defineKernel<Im2colArgs>('im2col', {
  validate({ x, cols, g }) {
    expectGeomShape('im2col', 'x', x, convInputShape(g));
    expectGeomShape('im2col', 'cols', cols, colsShape(g));
    assertNoAlias('im2col', cols, x, 'x', false, 'cols');
  },
  reference({ x, g, cols }) {
    const xd = x.data;
    const cd = cols.data;
    const inSize = g.inChannels * g.inHeight * g.inWidth;
    const colSize = g.inChannels * g.kernelH * g.kernelW * g.outHeight * g.outWidth;
    for (let n = 0; n < g.batch; n++) im2colSample(xd, n * inSize, g, cd, n * colSize);
  },
});
