/**
 * Max pooling over NCHW planes. Each window is clipped to the image, so padding never wins; the
 * argmax records the index `h·W + w` of the first maximum in row-major window order.
 */
import type { Pool2dGeometry } from '../shape.js';
import type { IntTensor, Tensor } from '../tensor.js';
import { assertInt, assertNoAlias } from './check.js';
import { expectGeomShape, poolInputShape, poolOutputShape } from './geometry.js';
import { defineKernel } from './kernel.js';

/** Arguments of {@link maxPool2d}. */
export interface MaxPool2dArgs {
  /** [N, C, H, W] */
  x: Tensor;
  /** [N, C, outH, outW], written */
  y: Tensor;
  /**
   * [N, C, outH, outW], written: index `h·W + w` of each window's maximum in its plane; null when no
   * backward follows (inference), which spares computing and writing the indices.
   */
  argmax: IntTensor | null;
  g: Pool2dGeometry;
  /** Apply ReLU to y (the max pooling of relu(x), the two commute; argmax stays x's). Default false. */
  relu?: boolean;
}

/** Max pooling without padding (the common case): every window lies inside the image, so no clipping. */
function maxPool2dUnpadded(
  xd: Float32Array,
  yd: Float32Array,
  ad: Int32Array | null,
  g: Pool2dGeometry,
  planes: number,
): void {
  const { inHeight: H, inWidth: W, outHeight: oH, outWidth: oW, kernelH: kH, kernelW: kW } = g;
  const plane = H * W;
  let o = 0;
  for (let pl = 0; pl < planes; pl++) {
    const xOff = pl * plane;
    for (let oh = 0; oh < oH; oh++) {
      const rowStart = oh * g.strideH * W;
      for (let ow = 0; ow < oW; ow++, o++) {
        const start = rowStart + ow * g.strideW;
        let best = start;
        let bv = xd[xOff + start];
        for (let i = 0; i < kH; i++) {
          const r = start + i * W;
          for (let j = 0; j < kW; j++) {
            const v = xd[xOff + r + j];
            if (v > bv || (Number.isNaN(v) && !Number.isNaN(bv))) {
              bv = v;
              best = r + j;
            }
          }
        }
        yd[o] = bv;
        if (ad !== null) ad[o] = best;
      }
    }
  }
}

/** y, argmax ← max over each window of x (a NaN wins over numbers, as in PyTorch); then relu(y) with `relu`. */
export const maxPool2d = defineKernel<MaxPool2dArgs>('maxPool2d', {
  validate({ x, y, argmax, g }) {
    expectGeomShape('maxPool2d', 'x', x, poolInputShape(g));
    expectGeomShape('maxPool2d', 'y', y, poolOutputShape(g));
    if (argmax !== null) {
      assertInt('maxPool2d', 'argmax', argmax);
      expectGeomShape('maxPool2d', 'argmax', argmax, poolOutputShape(g), false);
    }
    assertNoAlias('maxPool2d', y, x, 'x', false, 'y');
  },
  reference(args) {
    maxPool2dValues(args);
    if (args.relu === true) {
      // relu as the activation kernel computes it: NaN stays, −0 and negatives become 0
      const yd = args.y.data;
      for (let i = 0; i < yd.length; i++) yd[i] = yd[i] > 0 || Number.isNaN(yd[i]) ? yd[i] : 0;
    }
  },
});

/** y, argmax of max pooling, without the ReLU. */
function maxPool2dValues({ x, y, argmax, g }: MaxPool2dArgs): void {
  const { inHeight: H, inWidth: W, outHeight: oH, outWidth: oW } = g;
  const xd = x.data;
  const yd = y.data;
  const ad = argmax === null ? null : argmax.data;
  const planes = g.batch * g.channels;
  if (g.padH === 0 && g.padW === 0) {
    maxPool2dUnpadded(xd, yd, ad, g, planes);
    return;
  }
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
        let best = hs * W + ws;
        let bv = xd[xOff + best];
        for (let h = hs; h < he; h++) {
          for (let w = ws; w < we; w++) {
            const v = xd[xOff + h * W + w];
            // First maximum wins; a NaN wins over numbers (as in PyTorch) and then stays.
            if (v > bv || (Number.isNaN(v) && !Number.isNaN(bv))) {
              bv = v;
              best = h * W + w;
            }
          }
        }
        yd[o] = bv;
        if (ad !== null) ad[o] = best;
      }
    }
  }
}
