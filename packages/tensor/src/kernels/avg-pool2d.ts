/**
 * Average pooling over NCHW planes. `countIncludePad` (PyTorch's default, true) divides by the full
 * window; false divides by the number of in-image elements.
 */
import type { Pool2dGeometry } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { assertNoAlias } from './check.js';
import { expectGeomShape, poolInputShape, poolOutputShape } from './geometry.js';
import { defineKernel } from './kernel.js';

/** Arguments of {@link avgPool2d} and {@link avgPool2dBackward}'s shared part. */
export interface AvgPool2dArgs {
  /** [N, C, H, W] */
  x: Tensor;
  /** [N, C, outH, outW], written */
  y: Tensor;
  g: Pool2dGeometry;
  countIncludePad: boolean;
}

/** The divisor of one window: full window, or only its in-image part. */
export function divisor(
  g: Pool2dGeometry,
  hs: number,
  he: number,
  ws: number,
  we: number,
  includePad: boolean,
): number {
  return includePad ? g.kernelH * g.kernelW : (he - hs) * (we - ws);
}

/** y ← mean over each window of x. */
export const avgPool2d = defineKernel<AvgPool2dArgs>('avgPool2d', {
  validate({ x, y, g }) {
    expectGeomShape('avgPool2d', 'x', x, poolInputShape(g));
    expectGeomShape('avgPool2d', 'y', y, poolOutputShape(g));
    assertNoAlias('avgPool2d', y, x, 'x', false, 'y');
  },
  reference({ x, y, g, countIncludePad }) {
    const { inHeight: H, inWidth: W, outHeight: oH, outWidth: oW } = g;
    const xd = x.data;
    const yd = y.data;
    const planes = g.batch * g.channels;
    for (let pl = 0; pl < planes; pl++) {
      const xOff = pl * H * W;
      let o = pl * oH * oW;
      for (let oh = 0; oh < oH; oh++) {
        const h0 = oh * g.strideH - g.padH;
        const hs = Math.max(h0, 0);
        const he = Math.min(h0 + g.kernelH, H);
        for (let ow = 0; ow < oW; ow++, o++) {
          const w0 = ow * g.strideW - g.padW;
          const ws = Math.max(w0, 0);
          const we = Math.min(w0 + g.kernelW, W);
          let s = 0;
          for (let h = hs; h < he; h++) for (let w = ws; w < we; w++) s += xd[xOff + h * W + w];
          yd[o] = s / divisor(g, hs, he, ws, we, countIncludePad);
        }
      }
    }
  },
});
