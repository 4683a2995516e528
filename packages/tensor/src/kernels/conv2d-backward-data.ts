import type { Conv2dGeometry } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { assertNoAlias } from './check.js';
import { gemmRaw } from './gemm.js';
import { convInputShape, convOutputShape, convWeightShape, expectGeomShape } from './geometry.js';
import { col2imSample, isPointwise } from './im2col.js';
import { defineKernel } from './kernel.js';
import { scratch } from './scratch.js';

/** Arguments of {@link conv2dBackwardData}. */
export interface Conv2dBackwardDataArgs {
  /** [N, O, outH, outW] */
  dy: Tensor;
  /** [O, C, kH, kW] */
  w: Tensor;
  /** [N, C, H, W], written */
  dx: Tensor;
  g: Conv2dGeometry;
}

/** dx[n] ← col2im(Wᵀ · dy[n]): the gradient of the convolution with respect to its input. */
export const conv2dBackwardData = defineKernel<Conv2dBackwardDataArgs>('conv2dBackwardData', {
  validate({ dy, w, dx, g }) {
    const op = 'conv2dBackwardData';
    expectGeomShape(op, 'dy', dy, convOutputShape(g));
    expectGeomShape(op, 'w', w, convWeightShape(g));
    expectGeomShape(op, 'dx', dx, convInputShape(g));
    assertNoAlias(op, dx, dy, 'dy', false, 'dx');
    assertNoAlias(op, dx, w, 'w', false, 'dx');
  },
  reference({ dy, w, dx, g }) {
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
    const cols = scratch(K * P);
    for (let n = 0; n < g.batch; n++) {
      gemmRaw(true, false, K, P, O, 1, wd, 0, dyd, n * O * P, 0, cols, 0);
      col2imSample(cols, 0, g, dxd, n * inSize);
    }
  },
});
