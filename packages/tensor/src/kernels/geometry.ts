/**
 * The geometry records of convolution and pooling, checked against the tensors a kernel is given.
 */
import { type Conv2dGeometry, type Pool2dGeometry, ShapeError, formatShape } from '../shape.js';
import type { AnyTensor } from '../tensor.js';
import { assertFloat } from './check.js';

/** [N, C, H, W] of a convolution's input. */
export function convInputShape(g: Conv2dGeometry): number[] {
  return [g.batch, g.inChannels, g.inHeight, g.inWidth];
}

/** [N, O, outH, outW] of a convolution's output. */
export function convOutputShape(g: Conv2dGeometry): number[] {
  return [g.batch, g.outChannels, g.outHeight, g.outWidth];
}

/** [O, C, kH, kW] of a convolution's weights. */
export function convWeightShape(g: Conv2dGeometry): number[] {
  return [g.outChannels, g.inChannels, g.kernelH, g.kernelW];
}

/** [N, C·kH·kW, outH·outW] of an unfolding. */
export function colsShape(g: Conv2dGeometry): number[] {
  return [g.batch, g.inChannels * g.kernelH * g.kernelW, g.outHeight * g.outWidth];
}

/** [N, C, H, W] of a pooling input. */
export function poolInputShape(g: Pool2dGeometry): number[] {
  return [g.batch, g.channels, g.inHeight, g.inWidth];
}

/** [N, C, outH, outW] of a pooling output. */
export function poolOutputShape(g: Pool2dGeometry): number[] {
  return [g.batch, g.channels, g.outHeight, g.outWidth];
}

/** Throws a ShapeError naming the kernel unless `t` has `shape` exactly (element for element). */
export function expectGeomShape(op: string, what: string, t: AnyTensor, shape: number[], float = true): void {
  if (float) assertFloat(op, what, t);
  if (!sameDims(t.shape, shape)) {
    throw new ShapeError(
      `${op}: ${what} has shape ${formatShape(t.shape)}, but the geometry needs ${formatShape(shape)}`,
    );
  }
}

/** True when two shapes are equal element for element (a loop: runs on every kernel call). */
export function sameDims(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
