/**
 * 2-d convolution (NCHW input, OIHW weights, as PyTorch and ONNX lay them out): forward, its two
 * gradients (PyTorch's `torch.nn.grad.conv2d_input` / `conv2d_weight`), and the im2col/col2im
 * lowering they are built on. Padding is a number, `[padH, padW]`, `'valid'` or `'same'` (odd
 * kernels; at stride s, 'same' gives ⌈H/s⌉ outputs with symmetric padding).
 */
import * as k from '../kernels/index.js';
import { runKernel } from '../kernels/kernel.js';
import {
  type Conv2dGeometry,
  type Padding2d,
  type Shape,
  ShapeError,
  type Size2d,
  conv2dGeometry,
  formatShape,
  pair,
} from '../shape.js';
import type { Tensor } from '../tensor.js';
import { zeros } from '../creation.js';
import { assertFloat, assertNoAlias, isDims4, sameDims, output } from './util.js';

/** Stride and padding of a convolution. */
export interface Conv2dOptions {
  /** Default 1. */
  stride?: Size2d;
  /** Default 0. */
  padding?: Padding2d;
}

/** Window of an im2col/col2im unfolding. */
export interface UnfoldOptions extends Conv2dOptions {
  /** Kernel size `k` or `[kH, kW]`. */
  kernelSize: Size2d;
}

/** y's shape for a geometry. */
function outShape(g: Conv2dGeometry): number[] {
  return [g.batch, g.outChannels, g.outHeight, g.outWidth];
}

/** Checks dy against the output shape the geometry implies. */
function checkDy(op: string, dy: Tensor, g: Conv2dGeometry): void {
  assertFloat(op, 'dy', dy);
  const expected = outShape(g);
  if (!sameDims(dy.shape, expected)) {
    throw new ShapeError(
      `${op}: dy has shape ${formatShape(dy.shape)}, but the convolution's output is ${formatShape(expected)}`,
    );
  }
}

/** Throws unless `shape` (an argument naming a tensor's shape) is 4 non-negative integers. */
export function checkShapeArg(op: string, what: string, shape: Shape): void {
  if (!isDims4(shape)) {
    throw new ShapeError(`${op}: ${what} must be 4 non-negative integers, got ${formatShape(shape)}`);
  }
}

/**
 * 2-d cross-correlation (what deep-learning libraries call convolution):
 * y[n, o, oh, ow] = bias[o] + Σ_{c,i,j} x[n, c, oh·sH − pH + i, ow·sW − pW + j] · w[o, c, i, j].
 *
 * @param x - input [N, C, H, W]
 * @param w - weights [O, C, kH, kW]
 * @param bias - [O], or null/undefined for none
 * @returns y [N, O, outH, outW]
 */
export function conv2d(
  x: Tensor,
  w: Tensor,
  bias?: Tensor | null,
  options: Conv2dOptions & { out?: Tensor } = {},
): Tensor {
  assertFloat('conv2d', 'x', x);
  assertFloat('conv2d', 'w', w);
  const g = conv2dGeometry(x.shape, w.shape, options.stride ?? 1, options.padding ?? 0, 'conv2d');
  const b = bias ?? null;
  if (b !== null) {
    assertFloat('conv2d', 'bias', b);
    if (b.rank !== 1 || b.shape[0] !== g.outChannels) {
      throw new ShapeError(
        `conv2d: bias has shape ${formatShape(b.shape)}, but weight ${formatShape(w.shape)} needs [${g.outChannels}]`,
      );
    }
  }
  const y = output('conv2d', outShape(g), options.out);
  assertNoAlias('conv2d', y, x, 'x');
  assertNoAlias('conv2d', y, w, 'w');
  runKernel(k.conv2d, { x, w, bias: b, y, g });
  return y;
}

/**
 * Gradient of {@link conv2d} with respect to its input (`torch.nn.grad.conv2d_input`).
 *
 * @param dy - gradient of the output [N, O, outH, outW]
 * @param w - weights [O, C, kH, kW]
 * @param inputShape - x's shape [N, C, H, W] (needed: several H give the same outH at stride > 1)
 * @returns dx [N, C, H, W]
 */
export function conv2dBackwardData(
  dy: Tensor,
  w: Tensor,
  inputShape: Shape,
  options: Conv2dOptions & { out?: Tensor } = {},
): Tensor {
  assertFloat('conv2dBackwardData', 'w', w);
  checkShapeArg('conv2dBackwardData', 'inputShape', inputShape);
  const g = conv2dGeometry(
    inputShape,
    w.shape,
    options.stride ?? 1,
    options.padding ?? 0,
    'conv2dBackwardData',
  );
  checkDy('conv2dBackwardData', dy, g);
  const dx = output('conv2dBackwardData', inputShape, options.out);
  assertNoAlias('conv2dBackwardData', dx, dy, 'dy');
  assertNoAlias('conv2dBackwardData', dx, w, 'w');
  runKernel(k.conv2dBackwardData, { dy, w, dx, g });
  return dx;
}

/** Options of {@link conv2dBackwardWeights}. */
export interface Conv2dBackwardWeightsOptions extends Conv2dOptions {
  /** Accumulate the weight gradient into this [O, C, kH, kW] tensor (default: fresh zeros). */
  dw?: Tensor;
  /** Accumulate the bias gradient into this [O] tensor; `null` skips it (default: fresh zeros). */
  db?: Tensor | null;
  /** `false`: overwrite `dw` and `db` with the gradients instead of adding to them (default true). */
  accumulate?: boolean;
}

/**
 * Gradients of {@link conv2d} with respect to weights and bias (`torch.nn.grad.conv2d_weight`).
 * Like parameter gradients, they accumulate (`+=`) into `dw`/`db` when given, unless
 * `accumulate: false` (then they overwrite them).
 *
 * @param x - input [N, C, H, W]
 * @param dy - gradient of the output [N, O, outH, outW]
 * @param weightShape - [O, C, kH, kW]
 */
export function conv2dBackwardWeights(
  x: Tensor,
  dy: Tensor,
  weightShape: Shape,
  options: Conv2dBackwardWeightsOptions = {},
): { dw: Tensor; db: Tensor | null } {
  const op = 'conv2dBackwardWeights';
  assertFloat(op, 'x', x);
  checkShapeArg(op, 'weightShape', weightShape);
  const g = conv2dGeometry(x.shape, weightShape, options.stride ?? 1, options.padding ?? 0, op);
  checkDy(op, dy, g);
  const { dw, db } = weightGradOutputs(op, weightShape, options);
  assertNoAlias(op, dw, x, 'x', false, 'dw');
  assertNoAlias(op, dw, dy, 'dy', false, 'dw');
  if (db !== null) {
    assertNoAlias(op, db, dy, 'dy', false, 'db');
    assertNoAlias(op, db, dw, 'dw', false, 'db');
  }
  runKernel(k.conv2dBackwardWeights, { x, dy, dw, db, g, accumulate: options.accumulate !== false });
  return { dw, db };
}

/**
 * The weight and bias gradients a convolution's weight-gradient op writes: the caller's `dw`/`db`
 * (checked against weight [O, C, kH, kW] and bias [O]), else fresh zeros; no `db` when it is null.
 */
export function weightGradOutputs(
  op: string,
  weightShape: Shape,
  options: { dw?: Tensor; db?: Tensor | null },
): { dw: Tensor; db: Tensor | null } {
  const dw = options.dw === undefined ? zeros(weightShape) : output(op, weightShape, options.dw, 'dw');
  const bias = [weightShape[0]];
  const db =
    options.db === undefined ? zeros(bias) : options.db === null ? null : output(op, bias, options.db, 'db');
  return { dw, db };
}

/** The geometry of an unfolding of x [N, C, H, W] (outChannels is irrelevant and set to 1). */
function unfoldGeometry(op: string, xShape: Shape, options: UnfoldOptions): Conv2dGeometry {
  if (xShape.length !== 4)
    throw new ShapeError(`${op}: input must be [N, C, H, W], got ${formatShape(xShape)}`);
  const [kh, kw] = pair(options.kernelSize);
  return conv2dGeometry(xShape, [1, xShape[1], kh, kw], options.stride ?? 1, options.padding ?? 0, op);
}

/**
 * Unfolds patches: x [N, C, H, W] → cols [N, C·kH·kW, outH·outW], row `(c·kH + i)·kW + j` holding
 * input pixel (c, oh·sH − pH + i, ow·sW − pW + j), zero outside the image (`torch.nn.functional.unfold`).
 */
export function im2col(x: Tensor, options: UnfoldOptions & { out?: Tensor }): Tensor {
  assertFloat('im2col', 'x', x);
  const g = unfoldGeometry('im2col', x.shape, options);
  const cols = output(
    'im2col',
    [g.batch, g.inChannels * g.kernelH * g.kernelW, g.outHeight * g.outWidth],
    options.out,
  );
  assertNoAlias('im2col', cols, x, 'x');
  runKernel(k.im2col, { x, g, cols });
  return cols;
}

/**
 * The adjoint of {@link im2col} (`torch.nn.functional.fold`): folds cols [N, C·kH·kW, outH·outW]
 * back into an image of `outputShape` [N, C, H, W], summing overlapping patches.
 */
export function col2im(cols: Tensor, outputShape: Shape, options: UnfoldOptions & { out?: Tensor }): Tensor {
  assertFloat('col2im', 'cols', cols);
  checkShapeArg('col2im', 'outputShape', outputShape);
  const g = unfoldGeometry('col2im', outputShape, options);
  const expected = [g.batch, g.inChannels * g.kernelH * g.kernelW, g.outHeight * g.outWidth];
  if (!sameDims(cols.shape, expected)) {
    throw new ShapeError(
      `col2im: cols has shape ${formatShape(cols.shape)}, but folding into ${formatShape(outputShape)} needs ${formatShape(expected)}`,
    );
  }
  const dx = output('col2im', outputShape, options.out);
  assertNoAlias('col2im', dx, cols, 'cols');
  runKernel(k.col2im, { cols, g, dx });
  return dx;
}
