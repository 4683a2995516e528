/**
 * A convolution followed by 2×2 stride-2 max pooling (and optionally a ReLU between them):
 * y = maxpool(relu(conv(x, w) + bias)), and optionally the pooling's argmax, which with x is all the
 * block's weight gradient needs (conv2dMaxPool2dBackwardWeights). Nothing else is kept, so a fused
 * implementation never writes the convolution's output. The reference runs the two kernels' references.
 */
import { type IntTensor, Tensor } from '../tensor.js';
import { type Conv2dGeometry, type Pool2dGeometry, ShapeError, formatShape } from '../shape.js';
import { assertFloat, assertInt, assertNoAlias } from './check.js';
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
  /**
   * [N, O, ⌊outH / 2⌋, ⌊outW / 2⌋], written with each window's argmax in the convolution's outH×outW
   * plane, as maxPool2d writes it; null or absent: none.
   */
  argmax?: IntTensor | null;
}

/** y ← maxpool2×2(relu?(conv(x, w) + bias)) (and argmax ← the windows' indices). */
export const conv2dMaxPool2d = defineKernel<Conv2dMaxPool2dArgs>('conv2dMaxPool2d', {
  validate({ x, w, bias, y, g, pool, argmax }) {
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
    if (argmax != null) {
      assertInt(op, 'argmax', argmax);
      expectGeomShape(op, 'argmax', argmax, poolOutputShape(pool), false);
      for (const [t, what] of [
        [x, 'x'],
        [w, 'w'],
        [y, 'y'],
      ] as const)
        assertNoAlias(op, argmax, t, what, false, 'argmax');
    }
  },
  reference({ x, w, bias, y, g, pool, relu, argmax }) {
    const h = new Tensor(convOutputShape(g));
    conv2d.reference({ x, w, bias, y: h, g });
    // pooling then ReLU is ReLU then pooling to the bit (the two commute)
    maxPool2d.reference({ x: h, y, argmax: argmax ?? null, g: pool, relu: relu === true });
  },
});
