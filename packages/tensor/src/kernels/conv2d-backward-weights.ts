import { type Conv2dGeometry, ShapeError, formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { assertFloat, assertNoAlias } from './check.js';
import { gemmRaw } from './gemm.js';
import { convInputShape, convOutputShape, convWeightShape, expectGeomShape } from './geometry.js';
import { im2colSample, isPointwise } from './im2col.js';
import { defineKernel } from './kernel.js';
import { scratch } from './scratch.js';

/** Arguments of {@link conv2dBackwardWeights}. */
export interface Conv2dBackwardWeightsArgs {
  /** [N, C, H, W] */
  x: Tensor;
  /** [N, O, outH, outW] */
  dy: Tensor;
  /** [O, C, kH, kW], accumulated (overwritten when `accumulate` is false) */
  dw: Tensor;
  /** [O] or null, accumulated (overwritten when `accumulate` is false) */
  db: Tensor | null;
  g: Conv2dGeometry;
  /** false: dw and db ← the gradients, as if zeroed first (default true: +=). */
  accumulate?: boolean;
}

/** dw += Σ_n dy[n] · im2col(x[n])ᵀ; db += Σ dy over N, outH, outW (← with `accumulate` false). */
export const conv2dBackwardWeights = defineKernel<Conv2dBackwardWeightsArgs>('conv2dBackwardWeights', {
  validate({ x, dy, dw, db, g }) {
    const op = 'conv2dBackwardWeights';
    expectGeomShape(op, 'x', x, convInputShape(g));
    expectGeomShape(op, 'dy', dy, convOutputShape(g));
    expectGeomShape(op, 'dw', dw, convWeightShape(g));
    assertNoAlias(op, dw, x, 'x', false, 'dw');
    assertNoAlias(op, dw, dy, 'dy', false, 'dw');
    if (db !== null) {
      assertFloat(op, 'db', db);
      if (db.rank !== 1 || db.shape[0] !== g.outChannels)
        throw new ShapeError(`${op}: db has shape ${formatShape(db.shape)}, expected [${g.outChannels}]`);
      assertNoAlias(op, db, dy, 'dy', false, 'db');
      assertNoAlias(op, db, dw, 'dw', false, 'db');
    }
  },
  reference({ x, dy, dw, db, g, accumulate }) {
    if (accumulate === false) {
      dw.data.fill(0);
      db?.data.fill(0);
    }
    const O = g.outChannels;
    const K = g.inChannels * g.kernelH * g.kernelW;
    const P = g.outHeight * g.outWidth;
    const inSize = g.inChannels * g.inHeight * g.inWidth;
    const pointwise = isPointwise(g);
    const cols = pointwise ? x.data : scratch(K * P);
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
  },
});
