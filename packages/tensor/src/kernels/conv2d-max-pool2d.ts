/**
 * A convolution followed by 2×2 stride-2 max pooling (and optionally a ReLU between them), for
 * inference: y = maxpool(relu(conv(x, w) + bias)). Nothing is kept for a backward pass, so a fused
 * implementation never writes the convolution's output. The reference runs the two kernels' references.
 */
import { Tensor } from '../tensor.js';
import { type Conv2dGeometry, type Pool2dGeometry, ShapeError, formatShape } from '../shape.js';
import { assertFloat, assertNoAlias } from './check.js';
import { conv2d } from './conv2d.js';
import {
  convInputShape,
  convOutputShape,
  convWeightShape,
  expectGeomShape,
  poolOutputShape,
} from './geometry.js';
import { defineKernel } from './kernel.js';
import { maxPool2d } from './max-pool2d.js';

/** Arguments of {@link conv2dMaxPool2d}. */
export interface Conv2dMaxPool2dArgs {
  /** [N, C, H, W] */
  x: Tensor;
  /** [O, C, kH, kW] */
  w: Tensor;
  /** [O], or null for none */
  bias: Tensor | null;
  /** [N, O, ⌊outH / 2⌋, ⌊outW / 2⌋], written */
  y: Tensor;
  /** The convolution's geometry. */
  g: Conv2dGeometry;
  /** The pooling's: 2×2 windows, stride 2, no padding, over the convolution's output. */
  pool: Pool2dGeometry;
  /** ReLU between the convolution and the pooling (default false). */
  relu?: boolean;
}

/** y ← maxpool2×2(relu?(conv(x, w) + bias)). */
export const conv2dMaxPool2d = defineKernel<Conv2dMaxPool2dArgs>('conv2dMaxPool2d', {
  validate({ x, w, bias, y, g, pool }) {
    const op = 'conv2dMaxPool2d';
    expectGeomShape(op, 'x', x, convInputShape(g));
    expectGeomShape(op, 'w', w, convWeightShape(g));
    if (bias !== null) {
      assertFloat(op, 'bias', bias);
      if (bias.rank !== 1 || bias.shape[0] !== g.outChannels) {
        throw new ShapeError(
          `${op}: bias has shape ${formatShape(bias.shape)}, but weight ${formatShape(w.shape)} needs [${g.outChannels}]`,
        );
      }
    }
    const [n, o, oh, ow] = convOutputShape(g);
    if (
      pool.kernelH !== 2 ||
      pool.kernelW !== 2 ||
      pool.strideH !== 2 ||
      pool.strideW !== 2 ||
      pool.padH !== 0 ||
      pool.padW !== 0 ||
      pool.batch !== n ||
      pool.channels !== o ||
      pool.inHeight !== oh ||
      pool.inWidth !== ow
    ) {
      throw new ShapeError(
        `${op}: the pooling must be 2×2, stride 2, unpadded, over the convolution's output ${formatShape([n, o, oh, ow])}`,
      );
    }
    expectGeomShape(op, 'y', y, poolOutputShape(pool));
    assertNoAlias(op, y, x, 'x', false, 'y');
    assertNoAlias(op, y, w, 'w', false, 'y');
  },
  reference({ x, w, bias, y, g, pool, relu }) {
    const h = new Tensor(convOutputShape(g));
    conv2d.reference({ x, w, bias, y: h, g });
    // pooling then ReLU is ReLU then pooling to the bit (the two commute)
    maxPool2d.reference({ x: h, y, argmax: null, g: pool, relu: relu === true });
  },
});
