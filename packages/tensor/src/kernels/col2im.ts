import type { Conv2dGeometry } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { assertNoAlias } from './check.js';
import { colsShape, convInputShape, expectGeomShape } from './geometry.js';
import { col2imSample } from './im2col.js';
import { defineKernel } from './kernel.js';

/** Arguments of {@link col2im}: cols [N, C·kH·kW, outH·outW] → dx [N, C, H, W]. */
export interface Col2imArgs {
  cols: Tensor;
  dx: Tensor;
  g: Conv2dGeometry;
}

/** The adjoint of im2col: folds cols back into an image, summing overlapping patches. Writes dx. */
export const col2im = defineKernel<Col2imArgs>('col2im', {
  validate({ cols, dx, g }) {
    expectGeomShape('col2im', 'cols', cols, colsShape(g));
    expectGeomShape('col2im', 'dx', dx, convInputShape(g));
    assertNoAlias('col2im', dx, cols, 'cols', false, 'dx');
  },
  reference({ cols, g, dx }) {
    const cd = cols.data;
    const dd = dx.data;
    const inSize = g.inChannels * g.inHeight * g.inWidth;
    const colSize = g.inChannels * g.kernelH * g.kernelW * g.outHeight * g.outWidth;
    for (let n = 0; n < g.batch; n++) col2imSample(cd, n * colSize, g, dd, n * inSize);
  },
});
