import type { Pool2dGeometry } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { assertNoAlias } from './check.js';
import { expectGeomShape, poolInputShape, poolOutputShape } from './geometry.js';
import { defineKernel } from './kernel.js';
import { divisor } from './avg-pool2d.js';

/** Arguments of {@link avgPool2dBackward}. */
export interface AvgPool2dBackwardArgs {
  /** [N, C, outH, outW] */
  dy: Tensor;
  /** [N, C, H, W], written */
  dx: Tensor;
  g: Pool2dGeometry;
  countIncludePad: boolean;
}

/** dx ← each dy spread evenly over its window (overlaps summed). */
export const avgPool2dBackward = defineKernel<AvgPool2dBackwardArgs>('avgPool2dBackward', {
  validate({ dy, dx, g }) {
    expectGeomShape('avgPool2dBackward', 'dy', dy, poolOutputShape(g));
    expectGeomShape('avgPool2dBackward', 'dx', dx, poolInputShape(g));
    assertNoAlias('avgPool2dBackward', dx, dy, 'dy', false, 'dx');
  },
  reference({ dy, dx, g, countIncludePad }) {
    const { inHeight: H, inWidth: W, outHeight: oH, outWidth: oW } = g;
    const dyd = dy.data;
    const dxd = dx.data;
    dxd.fill(0);
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
          const share = dyd[o] / divisor(g, hs, he, ws, we, countIncludePad);
          for (let h = hs; h < he; h++) for (let w = ws; w < we; w++) dxd[xOff + h * W + w] += share;
        }
      }
    }
  },
});
