/**
 * The convolution block of an image classifier in one op, for inference: a convolution, optionally a
 * ReLU, then 2×2 stride-2 max pooling, without keeping anything for a backward pass.
 */
import * as k from '../kernels/index.js';
import { runKernel } from '../kernels/kernel.js';
import { ShapeError, conv2dGeometry, formatShape, pool2dGeometry } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { Conv2dOptions } from './conv.js';
import { assertFloat, assertNoAlias, output } from './util.js';

/** Options of {@link conv2dMaxPool2d}. */
export interface Conv2dMaxPool2dOptions extends Conv2dOptions {
  /** A ReLU between the convolution and the pooling (default false). */
  relu?: boolean;
  /** Where to write y (default: a new tensor). */
  out?: Tensor;
}

/**
 * maxpool2×2(relu(conv2d(x, w, bias))) (the ReLU with `relu: true`): the same values as running
 * {@link conv2d}, `relu` and {@link maxPool2d} with a 2×2 window of stride 2 one after the other,
 * without the convolution's output (four times the pooled one) being stored. No gradient: use the
 * separate ops to train.
 *
 * @param x - input [N, C, H, W]
 * @param w - weights [O, C, kH, kW]
 * @param bias - [O], or null/undefined for none
 * @returns y [N, O, ⌊outH / 2⌋, ⌊outW / 2⌋]
 */
export function conv2dMaxPool2d(
  x: Tensor,
  w: Tensor,
  bias?: Tensor | null,
  options: Conv2dMaxPool2dOptions = {},
): Tensor {
  const op = 'conv2dMaxPool2d';
  assertFloat(op, 'x', x);
  assertFloat(op, 'w', w);
  const g = conv2dGeometry(x.shape, w.shape, options.stride ?? 1, options.padding ?? 0, op);
  const b = bias ?? null;
  if (b !== null) {
    assertFloat(op, 'bias', b);
    if (b.rank !== 1 || b.shape[0] !== g.outChannels) {
      throw new ShapeError(
        `${op}: bias has shape ${formatShape(b.shape)}, but weight ${formatShape(w.shape)} needs [${g.outChannels}]`,
      );
    }
  }
  const pool = pool2dGeometry([g.batch, g.outChannels, g.outHeight, g.outWidth], 2, 2, 0, op);
  const y = output(op, [g.batch, g.outChannels, pool.outHeight, pool.outWidth], options.out);
  assertNoAlias(op, y, x, 'x');
  assertNoAlias(op, y, w, 'w');
  runKernel(k.conv2dMaxPool2d, { x, w, bias: b, y, g, pool, relu: options.relu === true });
  return y;
}
