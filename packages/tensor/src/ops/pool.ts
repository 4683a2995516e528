/**
 * 2-d max and average pooling over NCHW input, with their backward (PyTorch `max_pool2d` with
 * `return_indices`, `avg_pool2d`). `stride` defaults to the kernel size; padding must be at most half
 * the kernel and never wins a max.
 */
import * as k from '../kernels/index.js';
import { runKernel } from '../kernels/kernel.js';
import {
  type Padding2d,
  type Pool2dGeometry,
  type Shape,
  ShapeError,
  type Size2d,
  formatShape,
  pool2dGeometry,
} from '../shape.js';
import type { IntTensor, Tensor } from '../tensor.js';
import { assertFloat, assertNoAlias, isDims4, sameDims, intOutput, output } from './util.js';

/** Window of a pooling op. */
export interface Pool2dOptions {
  /** Window size `k` or `[kH, kW]`. */
  kernelSize: Size2d;
  /** Default: the kernel size. */
  stride?: Size2d;
  /** Default 0. */
  padding?: Padding2d;
}

/** Options of the average pooling ops. */
export interface AvgPool2dOptions extends Pool2dOptions {
  /** Divide by the full window (true, PyTorch's default) or by its in-image part (false). */
  countIncludePad?: boolean;
}

function geometry(op: string, xShape: Shape, o: Pool2dOptions): Pool2dGeometry {
  return pool2dGeometry(xShape, o.kernelSize, o.stride, o.padding ?? 0, op);
}

function outShape(g: Pool2dGeometry): number[] {
  return [g.batch, g.channels, g.outHeight, g.outWidth];
}

function checkDy(op: string, dy: Tensor, g: Pool2dGeometry): void {
  assertFloat(op, 'dy', dy);
  const expected = outShape(g);
  if (!sameDims(dy.shape, expected)) {
    throw new ShapeError(
      `${op}: dy has shape ${formatShape(dy.shape)}, but the pooling output is ${formatShape(expected)}`,
    );
  }
}

function checkInputShape(op: string, shape: Shape): void {
  if (!isDims4(shape)) {
    throw new ShapeError(`${op}: inputShape must be [N, C, H, W], got ${formatShape(shape)}`);
  }
}

/**
 * Max pooling. Returns the output [N, C, outH, outW] and, for each output, the index `h·W + w` of the
 * chosen input within its H×W plane (the first maximum in row-major window order), which
 * {@link maxPool2dBackward} routes gradients through. With `argmax: null` the indices are neither
 * computed nor written (inference: no backward follows), and `argmax` comes back null. With `relu`,
 * the output is relu(max), which is max(relu(x)) to the bit (the two commute) for a quarter of the
 * work after a 2×2 pool; pass the output as `mask` to {@link maxPool2dBackward} for the gradient
 * through both.
 */
export function maxPool2d(
  x: Tensor,
  options: Pool2dOptions & { out?: Tensor; argmax: null; relu?: boolean },
): { output: Tensor; argmax: null };
/** Max pooling with its indices (see the overload above); `argmax` is written when given. */
export function maxPool2d(
  x: Tensor,
  options: Pool2dOptions & { out?: Tensor; argmax?: IntTensor; relu?: boolean },
): { output: Tensor; argmax: IntTensor };
export function maxPool2d(
  x: Tensor,
  options: Pool2dOptions & { out?: Tensor; argmax?: IntTensor | null; relu?: boolean },
): { output: Tensor; argmax: IntTensor | null } {
  assertFloat('maxPool2d', 'x', x);
  const g = geometry('maxPool2d', x.shape, options);
  const y = output('maxPool2d', outShape(g), options.out);
  const argmax =
    options.argmax === null ? null : intOutput('maxPool2d', outShape(g), options.argmax, 'argmax');
  assertNoAlias('maxPool2d', y, x, 'x');
  runKernel(k.maxPool2d, { x, y, argmax, g, relu: options.relu === true });
  return { output: y, argmax };
}

/**
 * Gradient of {@link maxPool2d}: dy routed to each window's argmax (summed where windows overlap).
 * With `mask` (the output of a `maxPool2d` with `relu`), only the dy where mask > 0: the gradient
 * through the ReLU as well.
 */
export function maxPool2dBackward(
  dy: Tensor,
  argmax: IntTensor,
  inputShape: Shape,
  options: Pool2dOptions & { out?: Tensor; mask?: Tensor },
): Tensor {
  checkInputShape('maxPool2dBackward', inputShape);
  const g = geometry('maxPool2dBackward', inputShape, options);
  checkDy('maxPool2dBackward', dy, g);
  if (argmax.rank !== 4 || !sameDims(argmax.shape, dy.shape)) {
    throw new ShapeError(
      `maxPool2dBackward: argmax has shape ${formatShape(argmax.shape)}, but dy has shape ${formatShape(dy.shape)}`,
    );
  }
  const dx = output('maxPool2dBackward', inputShape, options.out);
  assertNoAlias('maxPool2dBackward', dx, dy, 'dy');
  // The kernel's validation checks the indices: a hand-made argmax must not write outside its plane.
  const mask = options.mask ?? null;
  k.maxPool2dBackward.validate({ dy, argmax, dx, g, mask });
  runKernel(k.maxPool2dBackward, { dy, argmax, dx, g, mask });
  return dx;
}

/** Average pooling; `countIncludePad` (default true) as in PyTorch. */
export function avgPool2d(x: Tensor, options: AvgPool2dOptions & { out?: Tensor }): Tensor {
  assertFloat('avgPool2d', 'x', x);
  const g = geometry('avgPool2d', x.shape, options);
  const y = output('avgPool2d', outShape(g), options.out);
  assertNoAlias('avgPool2d', y, x, 'x');
  runKernel(k.avgPool2d, { x, y, g, countIncludePad: options.countIncludePad ?? true });
  return y;
}

/** Gradient of {@link avgPool2d}: each dy spread evenly over its window. */
export function avgPool2dBackward(
  dy: Tensor,
  inputShape: Shape,
  options: AvgPool2dOptions & { out?: Tensor },
): Tensor {
  checkInputShape('avgPool2dBackward', inputShape);
  const g = geometry('avgPool2dBackward', inputShape, options);
  checkDy('avgPool2dBackward', dy, g);
  const dx = output('avgPool2dBackward', inputShape, options.out);
  assertNoAlias('avgPool2dBackward', dx, dy, 'dy');
  runKernel(k.avgPool2dBackward, { dy, dx, g, countIncludePad: options.countIncludePad ?? true });
  return dx;
}
