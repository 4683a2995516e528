/**
 * The convolution block of an image classifier (a convolution, optionally a ReLU, then max pooling)
 * in one op: for inference without keeping anything for a backward pass, and the block's weight
 * gradient straight from the pooled gradient.
 */
import * as k from '../kernels/index.js';
import { runKernel } from '../kernels/kernel.js';
import { type Shape, ShapeError, conv2dGeometry, formatShape, pool2dGeometry } from '../shape.js';
import { IntTensor, type Tensor } from '../tensor.js';
import {
  type Conv2dBackwardWeightsOptions,
  type Conv2dOptions,
  checkShapeArg,
  weightGradOutputs,
} from './conv.js';
import type { Pool2dOptions } from './pool.js';
import { assertFloat, assertNoAlias, output, sameDims } from './util.js';

/** Options of {@link conv2dMaxPool2d}. */
export interface Conv2dMaxPool2dOptions extends Conv2dOptions {
  /** A ReLU between the convolution and the pooling (default false). */
  relu?: boolean;
  /** Where to write y (default: a new tensor). */
  out?: Tensor;
  /**
   * Where to write each window's argmax in the convolution's output plane, as `maxPool2d` would
   * ([N, O, ⌊outH / 2⌋, ⌊outW / 2⌋]): with x, what {@link conv2dMaxPool2dBackwardWeights} needs.
   */
  argmax?: IntTensor;
}

/**
 * maxpool2×2(relu(conv2d(x, w, bias))) (the ReLU with `relu: true`): the same values as running
 * {@link conv2d}, `relu` and {@link maxPool2d} with a 2×2 window of stride 2 one after the other,
 * without the convolution's output (four times the pooled one) being stored. With `argmax`, the
 * pooling's indices too, from which {@link conv2dMaxPool2dBackwardWeights} takes the weight gradient
 * (a training step's forward).
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
  const argmax = options.argmax ?? null;
  if (argmax !== null) {
    if (!(argmax instanceof IntTensor)) throw new TypeError(`${op}: argmax must be an IntTensor`);
    if (!sameDims(argmax.shape, y.shape)) {
      throw new ShapeError(
        `${op}: argmax has shape ${formatShape(argmax.shape)}, expected ${formatShape(y.shape)}`,
      );
    }
  }
  const args = { x, w, bias: b, y, g, pool, relu: options.relu === true, argmax };
  if (argmax !== null) k.conv2dMaxPool2d.validate(args); // argmax's aliasing
  runKernel(k.conv2dMaxPool2d, args);
  return y;
}

/** Options of {@link conv2dMaxPool2dBackwardWeights}. */
export interface Conv2dMaxPool2dBackwardWeightsOptions extends Conv2dBackwardWeightsOptions {
  /** The pooling's window (default: 2×2, stride 2, no padding). */
  pool?: Pool2dOptions;
  /**
   * The pooled output of a `maxPool2d` with `relu` (a ReLU ran between the convolution and the
   * pooling): only the dy where it is > 0 count, the gradient through that ReLU.
   */
  mask?: Tensor;
}

const POOL_2X2: Pool2dOptions = Object.freeze({ kernelSize: 2 });

/**
 * Gradients of the weights and bias of a convolution whose output went through max pooling (with a
 * ReLU between them when `mask` is given), from the pooled output's gradient and the pooling's
 * `argmax`: the same values as `maxPool2dBackward` (with that mask) followed by
 * `conv2dBackwardWeights`, summed in another order, without the convolution's output gradient
 * ever being stored, and only over the outputs the windows chose. The gradient of the convolution's
 * input is not computed: this is for a block whose input needs none (a model's first layer).
 * Like `conv2dBackwardWeights`, it accumulates into `dw`/`db` when given, unless
 * `accumulate: false`.
 *
 * @param x - the convolution's input [N, C, H, W]
 * @param dy - gradient of the pooled output [N, O, poolH, poolW]
 * @param argmax - the pooling's indices [N, O, poolH, poolW], from `maxPool2d`
 * @param weightShape - [O, C, kH, kW]
 */
export function conv2dMaxPool2dBackwardWeights(
  x: Tensor,
  dy: Tensor,
  argmax: IntTensor,
  weightShape: Shape,
  options: Conv2dMaxPool2dBackwardWeightsOptions = {},
): { dw: Tensor; db: Tensor | null } {
  const op = 'conv2dMaxPool2dBackwardWeights';
  assertFloat(op, 'x', x);
  assertFloat(op, 'dy', dy);
  if (!(argmax instanceof IntTensor)) throw new TypeError(`${op}: argmax must be an IntTensor`);
  checkShapeArg(op, 'weightShape', weightShape);
  const g = conv2dGeometry(x.shape, weightShape, options.stride ?? 1, options.padding ?? 0, op);
  const w = options.pool ?? POOL_2X2;
  const convOut = [g.batch, g.outChannels, g.outHeight, g.outWidth];
  const pool = pool2dGeometry(convOut, w.kernelSize, w.stride, w.padding ?? 0, op);
  const pooled = [pool.batch, pool.channels, pool.outHeight, pool.outWidth];
  for (const [t, what] of [
    [dy, 'dy'],
    [argmax, 'argmax'],
    [options.mask, 'mask'],
  ] as const) {
    if (t !== undefined && !sameDims(t.shape, pooled)) {
      throw new ShapeError(
        `${op}: ${what} has shape ${formatShape(t.shape)}, but pooling the convolution's output ${formatShape(convOut)} gives ${formatShape(pooled)}`,
      );
    }
  }
  const { dw, db } = weightGradOutputs(op, weightShape, options);
  const args = {
    x,
    dy,
    argmax,
    mask: options.mask ?? null,
    dw,
    db,
    g,
    pool,
    accumulate: options.accumulate !== false,
  };
  // The kernel's validation checks the aliasing; the indices are checked where they are read.
  k.conv2dMaxPool2dBackwardWeights.validate(args);
  runKernel(k.conv2dMaxPool2dBackwardWeights, args);
  return { dw, db };
}
