/**
 * 2-d convolution as im2col + GEMM, one sample at a time:
 *   y[n] [O, outH·outW] = W [O, C·kH·kW] · cols,  cols = im2col(x[n])
 * Weights are OIHW, so W is used in place as a [O, C·kH·kW] matrix.
 */
import { ShapeError, formatShape, type Conv2dGeometry } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { assertFloat, assertNoAlias } from './check.js';
import { gemmRaw } from './gemm.js';
import { convInputShape, convOutputShape, convWeightShape, expectGeomShape } from './geometry.js';
import { im2colSample, isPointwise } from './im2col.js';
import { defineKernel } from './kernel.js';
import { scratch } from './scratch.js';

/** Arguments of {@link conv2d}. */
export interface Conv2dArgs {
  /** [N, C, H, W] */
  x: Tensor;
  /** [O, C, kH, kW] */
  w: Tensor;
  /** [O], or null for none */
  bias: Tensor | null;
  /** [N, O, outH, outW], written */
  y: Tensor;
  g: Conv2dGeometry;
}

/** y ← conv(x, w) + bias (cross-correlation, as deep-learning libraries define convolution). */
export const conv2d = defineKernel<Conv2dArgs>('conv2d', {
  validate({ x, w, bias, y, g }) {
    expectGeomShape('conv2d', 'x', x, convInputShape(g));
    expectGeomShape('conv2d', 'w', w, convWeightShape(g));
    expectGeomShape('conv2d', 'y', y, convOutputShape(g));
    if (bias !== null) {
      assertFloat('conv2d', 'bias', bias);
      if (bias.rank !== 1 || bias.shape[0] !== g.outChannels) {
        throw new ShapeError(
          `conv2d: bias has shape ${formatShape(bias.shape)}, but weight ${formatShape(w.shape)} needs [${g.outChannels}]`,
        );
      }
    }
    assertNoAlias('conv2d', y, x, 'x', false, 'y');
    assertNoAlias('conv2d', y, w, 'w', false, 'y');
  },
  reference({ x, w, bias, y, g }) {
    const O = g.outChannels;
    const K = g.inChannels * g.kernelH * g.kernelW; // rows of cols
    const P = g.outHeight * g.outWidth; // columns of cols
    const inSize = g.inChannels * g.inHeight * g.inWidth;
    const pointwise = isPointwise(g);
    const cols = pointwise ? x.data : scratch(K * P);
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
  },
});
