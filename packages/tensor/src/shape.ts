/**
 * Shape helpers shared by tensors, ops and backends: sizes, strides, NumPy broadcasting, and the
 * output-geometry arithmetic of convolution and pooling, with errors that name the operation and shapes.
 */

/** A tensor shape: one non-negative integer per axis, outermost first (row-major). */
export type Shape = readonly number[];

/** Thrown for shape mismatches; the message names the operation and every shape involved. */
export class ShapeError extends Error {
  override name = 'ShapeError';
}

/** `[2, 3, 4]` → `"[2, 3, 4]"`. */
export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

/** Number of elements of a shape (1 for a scalar `[]`). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}

/** Row-major strides, in elements. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** True when both shapes have the same rank and extents. Allocation-free (used on hot paths). */
export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Throws unless `shape` is a list of non-negative integers. */
export function assertValidShape(shape: Shape, op: string): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new ShapeError(`${op}: invalid shape ${formatShape(shape)}`);
  }
}

/** Throws a ShapeError unless `actual` equals `expected`. */
export function assertShape(op: string, what: string, actual: Shape, expected: Shape): void {
  if (!shapesEqual(actual, expected)) {
    throw new ShapeError(
      `${op}: ${what} has shape ${formatShape(actual)}, expected ${formatShape(expected)}`,
    );
  }
}

/**
 * The NumPy broadcast of two shapes: axes are aligned from the right, and each pair must be equal or
 * contain a 1. Throws a ShapeError naming `op` and both shapes otherwise.
 */
export function broadcastShapes(a: Shape, b: Shape, op = 'broadcast'): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
    const db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(
        `${op}: shapes ${formatShape(a)} and ${formatShape(b)} cannot be broadcast together (axis ${i}: ${da} vs ${db})`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Normalises a possibly negative axis against `rank`, throwing a clear error when out of range. */
export function normalizeAxis(axis: number, rank: number, op: string): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) {
    throw new ShapeError(`${op}: axis ${axis} is out of range for a tensor of rank ${rank}`);
  }
  return a;
}

/** Padding of a 2-d window: a number (both sides), `[padH, padW]`, or Keras-style `'valid'` / `'same'`. */
export type Padding2d = number | readonly [number, number] | 'valid' | 'same';

/** Stride or kernel size of a 2-d window: a number or `[h, w]`. */
export type Size2d = number | readonly [number, number];

/** Every number a convolution kernel needs, worked out once at build time. Input NCHW, weights OIHW. */
export interface Conv2dGeometry {
  readonly batch: number;
  readonly inChannels: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly outChannels: number;
  readonly kernelH: number;
  readonly kernelW: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly padH: number;
  readonly padW: number;
  readonly outHeight: number;
  readonly outWidth: number;
}

/** Every number a pooling kernel needs. Input NCHW; output `[N, C, outHeight, outWidth]`. */
export interface Pool2dGeometry {
  readonly batch: number;
  readonly channels: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly kernelH: number;
  readonly kernelW: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly padH: number;
  readonly padW: number;
  readonly outHeight: number;
  readonly outWidth: number;
}

/** `3` → `[3, 3]`. */
export function pair(v: Size2d): [number, number] {
  return typeof v === 'number' ? [v, v] : [v[0], v[1]];
}

/**
 * Resolves padding to `[padH, padW]`. `'same'` keeps H×W at stride 1 and needs an odd kernel (the
 * symmetric padding PyTorch and ONNX can express); `'valid'` is zero padding.
 */
export function resolvePadding(
  padding: Padding2d,
  kernelH: number,
  kernelW: number,
  op: string,
): [number, number] {
  if (padding === 'valid') return [0, 0];
  if (padding === 'same') {
    if (kernelH % 2 === 0 || kernelW % 2 === 0) {
      throw new ShapeError(`${op}: padding 'same' needs an odd kernel size, got ${kernelH}×${kernelW}`);
    }
    return [(kernelH - 1) / 2, (kernelW - 1) / 2];
  }
  return pair(padding);
}

/** `pair(v)[0]` without the array (geometry is computed on every call of an op). */
function pairFirst(v: Size2d): number {
  return typeof v === 'number' ? v : v[0];
}

/** `pair(v)[1]` without the array. */
function pairSecond(v: Size2d): number {
  return typeof v === 'number' ? v : v[1];
}

/** `resolvePadding(...)[axis]`, without the array for numeric padding. */
function paddingOf(padding: Padding2d, kernelH: number, kernelW: number, op: string, axis: 0 | 1): number {
  if (typeof padding === 'number') return padding;
  if (typeof padding !== 'string') return padding[axis];
  return resolvePadding(padding, kernelH, kernelW, op)[axis];
}

function outExtent(
  op: string,
  axis: string,
  inSize: number,
  kernel: number,
  stride: number,
  pad: number,
): number {
  if (!Number.isInteger(kernel) || kernel < 1)
    throw new ShapeError(`${op}: kernel ${axis} must be ≥ 1, got ${kernel}`);
  if (!Number.isInteger(stride) || stride < 1)
    throw new ShapeError(`${op}: stride must be ≥ 1, got ${stride}`);
  if (!Number.isInteger(pad) || pad < 0) throw new ShapeError(`${op}: padding must be ≥ 0, got ${pad}`);
  const out = Math.floor((inSize + 2 * pad - kernel) / stride) + 1;
  if (out < 1) {
    throw new ShapeError(
      `${op}: a ${kernel}-wide window with padding ${pad} does not fit an input ${axis} of ${inSize}`,
    );
  }
  return out;
}

/**
 * Geometry of `conv2d(x, w)` for x: [N, C, H, W] and w: [O, C, kh, kw]; throws a ShapeError naming
 * `op` and both shapes when they do not fit together.
 */
export function conv2dGeometry(
  xShape: Shape,
  wShape: Shape,
  stride: Size2d,
  padding: Padding2d,
  op = 'conv2d',
): Conv2dGeometry {
  if (xShape.length !== 4)
    throw new ShapeError(`${op}: input must be [N, C, H, W], got ${formatShape(xShape)}`);
  if (wShape.length !== 4)
    throw new ShapeError(`${op}: weight must be [O, C, kH, kW], got ${formatShape(wShape)}`);
  // Indexed, not destructured: shapes are frozen arrays, which destructuring walks with an iterator.
  const batch = xShape[0];
  const inChannels = xShape[1];
  const inHeight = xShape[2];
  const inWidth = xShape[3];
  const outChannels = wShape[0];
  const wc = wShape[1];
  const kernelH = wShape[2];
  const kernelW = wShape[3];
  if (wc !== inChannels) {
    throw new ShapeError(
      `${op}: input ${formatShape(xShape)} has ${inChannels} channels but weight ${formatShape(wShape)} expects ${wc}`,
    );
  }
  const strideH = pairFirst(stride);
  const strideW = pairSecond(stride);
  const padH = paddingOf(padding, kernelH, kernelW, op, 0);
  const padW = paddingOf(padding, kernelH, kernelW, op, 1);
  const outHeight = outExtent(op, 'height', inHeight, kernelH, strideH, padH);
  const outWidth = outExtent(op, 'width', inWidth, kernelW, strideW, padW);
  return {
    batch,
    inChannels,
    inHeight,
    inWidth,
    outChannels,
    kernelH,
    kernelW,
    strideH,
    strideW,
    padH,
    padW,
    outHeight,
    outWidth,
  };
}

/** Geometry of a 2-d pooling window over x: [N, C, H, W]. `stride` defaults to the kernel size (PyTorch). */
export function pool2dGeometry(
  xShape: Shape,
  kernelSize: Size2d,
  stride: Size2d | undefined,
  padding: Padding2d,
  op = 'pool2d',
): Pool2dGeometry {
  if (xShape.length !== 4)
    throw new ShapeError(`${op}: input must be [N, C, H, W], got ${formatShape(xShape)}`);
  const batch = xShape[0];
  const channels = xShape[1];
  const inHeight = xShape[2];
  const inWidth = xShape[3];
  const kernelH = pairFirst(kernelSize);
  const kernelW = pairSecond(kernelSize);
  const strideH = pairFirst(stride ?? kernelSize);
  const strideW = pairSecond(stride ?? kernelSize);
  const padH = paddingOf(padding, kernelH, kernelW, op, 0);
  const padW = paddingOf(padding, kernelH, kernelW, op, 1);
  if (padH * 2 > kernelH || padW * 2 > kernelW) {
    throw new ShapeError(
      `${op}: padding (${padH}, ${padW}) must be at most half the kernel (${kernelH}, ${kernelW})`,
    );
  }
  const outHeight = outExtent(op, 'height', inHeight, kernelH, strideH, padH);
  const outWidth = outExtent(op, 'width', inWidth, kernelW, strideW, padW);
  return {
    batch,
    channels,
    inHeight,
    inWidth,
    kernelH,
    kernelW,
    strideH,
    strideW,
    padH,
    padW,
    outHeight,
    outWidth,
  };
}
