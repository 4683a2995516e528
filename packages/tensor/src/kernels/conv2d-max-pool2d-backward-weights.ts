/**
 * The weight gradient of a convolution whose output went through max pooling (and optionally a ReLU
 * between them), straight from the pooled gradient and the pooling's argmax: y = maxpool(relu?(conv(x,
 * w) + bias)). Only the convolution outputs a window chose get a gradient, so the sum over output
 * pixels of the usual weight gradient runs over those alone (a quarter of them after a 2×2 pool), and
 * the convolution's output gradient — mostly zeros — is never written. What it gives is what
 * `maxPool2dBackward` (with the mask) followed by `conv2dBackwardWeights` give, in another summation
 * order; the pooling's input gradient is not produced, so a model uses it where nothing else needs
 * that (its first layer).
 */
import { type Conv2dGeometry, type Pool2dGeometry, ShapeError, formatShape } from '../shape.js';
import type { IntTensor, Tensor } from '../tensor.js';
import { assertFloat, assertInt, assertNoAlias } from './check.js';
import {
  convInputShape,
  convOutputShape,
  convWeightShape,
  expectGeomShape,
  poolOutputShape,
} from './geometry.js';
import { defineKernel } from './kernel.js';
import { checkArgmaxInside } from './max-pool2d-backward.js';

/** Arguments of {@link conv2dMaxPool2dBackwardWeights}. */
export interface Conv2dMaxPool2dBackwardWeightsArgs {
  /** [N, C, H, W], the convolution's input */
  x: Tensor;
  /** [N, O, poolH, poolW], the gradient of the pooled output */
  dy: Tensor;
  /** [N, O, poolH, poolW], from maxPool2d: each window's chosen index in its outH×outW plane */
  argmax: IntTensor;
  /**
   * [N, O, poolH, poolW] or null: only the dy whose mask is > 0 count (the others as 0). With the
   * output of a `maxPool2d` with `relu`, this is the gradient through that ReLU too.
   */
  mask: Tensor | null;
  /** [O, C, kH, kW], accumulated (overwritten when `accumulate` is false) */
  dw: Tensor;
  /** [O] or null, accumulated (overwritten when `accumulate` is false) */
  db: Tensor | null;
  /** The convolution's geometry. */
  g: Conv2dGeometry;
  /** The pooling's, over the convolution's output [N, O, outH, outW]. */
  pool: Pool2dGeometry;
  /** false: dw and db ← the gradients, as if zeroed first (default true: +=). */
  accumulate?: boolean;
}

/** Throws a ShapeError unless `pool` pools the output of the convolution `g`. */
function expectPoolOverConv(op: string, g: Conv2dGeometry, pool: Pool2dGeometry): void {
  const [n, o, oh, ow] = convOutputShape(g);
  if (pool.batch !== n || pool.channels !== o || pool.inHeight !== oh || pool.inWidth !== ow) {
    throw new ShapeError(
      `${op}: the pooling's input ${formatShape([pool.batch, pool.channels, pool.inHeight, pool.inWidth])} is not the convolution's output ${formatShape([n, o, oh, ow])}`,
    );
  }
}

/**
 * dw += Σ over windows of dy · the input patch under the window's argmax; db += Σ dy (masked by
 * mask > 0 when given; ← with `accumulate` false). An argmax outside its outH×outW plane throws a
 * RangeError (dw and db are then unspecified).
 */
export const conv2dMaxPool2dBackwardWeights = defineKernel<Conv2dMaxPool2dBackwardWeightsArgs>(
  'conv2dMaxPool2dBackwardWeights',
  {
    validate({ x, dy, argmax, mask, dw, db, g, pool }) {
      const op = 'conv2dMaxPool2dBackwardWeights';
      expectPoolOverConv(op, g, pool);
      expectGeomShape(op, 'x', x, convInputShape(g));
      expectGeomShape(op, 'dy', dy, poolOutputShape(pool));
      assertInt(op, 'argmax', argmax);
      expectGeomShape(op, 'argmax', argmax, poolOutputShape(pool), false);
      if (mask !== null) expectGeomShape(op, 'mask', mask, poolOutputShape(pool));
      expectGeomShape(op, 'dw', dw, convWeightShape(g));
      for (const [t, what] of [
        [x, 'x'],
        [dy, 'dy'],
        [mask, 'mask'],
      ] as const) {
        if (t !== null) assertNoAlias(op, dw, t, what, false, 'dw');
      }
      if (db !== null) {
        assertFloat(op, 'db', db);
        if (db.rank !== 1 || db.shape[0] !== g.outChannels)
          throw new ShapeError(`${op}: db has shape ${formatShape(db.shape)}, expected [${g.outChannels}]`);
        assertNoAlias(op, db, dy, 'dy', false, 'db');
        assertNoAlias(op, db, dw, 'dw', false, 'db');
        if (mask !== null) assertNoAlias(op, db, mask, 'mask', false, 'db');
      }
    },
    reference({ x, dy, argmax, mask, dw, db, g, pool, accumulate }) {
      checkArgmaxInside(argmax, pool);
      if (accumulate === false) {
        dw.data.fill(0);
        db?.data.fill(0);
      }
      const { inChannels: C, inHeight: H, inWidth: W, outChannels: O, kernelH: kh, kernelW: kw } = g;
      const ow = g.outWidth;
      const pooled = pool.outHeight * pool.outWidth;
      const xd = x.data;
      const dyd = dy.data;
      const ad = argmax.data;
      const md = mask === null ? null : mask.data;
      const dwd = dw.data;
      for (let n = 0; n < g.batch; n++) {
        for (let o = 0; o < O; o++) {
          for (let q = (n * O + o) * pooled, e = q + pooled; q < e; q++) {
            const d = md === null || md[q] > 0 ? dyd[q] : 0;
            if (db !== null) db.data[o] += d;
            // the convolution output the window chose, and the top-left input of its patch
            const r = Math.floor(ad[q] / ow);
            const top = r * g.strideH - g.padH;
            const left = (ad[q] - r * ow) * g.strideW - g.padW;
            for (let c = 0; c < C; c++) {
              const xOff = (n * C + c) * H * W;
              const wOff = (o * C + c) * kh * kw;
              for (let i = 0; i < kh; i++) {
                const ih = top + i;
                if (ih < 0 || ih >= H) continue;
                for (let j = 0; j < kw; j++) {
                  const iw = left + j;
                  if (iw >= 0 && iw < W) dwd[wOff + i * kw + j] += d * xd[xOff + ih * W + iw];
                }
              }
            }
          }
        }
      }
    },
  },
);
