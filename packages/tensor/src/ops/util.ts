/** Helpers shared by the ops: output allocation/validation and aliasing checks. */
import { type Shape, ShapeError, formatShape, shapesEqual } from '../shape.js';
import { IntTensor, Tensor } from '../tensor.js';
import { assertFloat } from '../kernels/check.js';

/** `out` checked against `shape`, or a fresh tensor of `shape` (on the current backend). */
export function output(op: string, shape: Shape, out: Tensor | undefined, what = 'out'): Tensor {
  if (out === undefined) return new Tensor(shape);
  assertFloat(op, what, out);
  if (!shapesEqual(out.shape, shape)) {
    throw new ShapeError(
      `${op}: ${what} has shape ${formatShape(out.shape)}, expected ${formatShape(shape)}`,
    );
  }
  return out;
}

/** Like {@link output}, for int results. */
export function intOutput(op: string, shape: Shape, out: IntTensor | undefined, what = 'out'): IntTensor {
  if (out === undefined) return new IntTensor(shape);
  if (!(out instanceof IntTensor)) throw new TypeError(`${op}: ${what} must be an IntTensor`);
  if (!shapesEqual(out.shape, shape)) {
    throw new ShapeError(
      `${op}: ${what} has shape ${formatShape(out.shape)}, expected ${formatShape(shape)}`,
    );
  }
  return out;
}

export { assertFloat, assertNoAlias, overlaps } from '../kernels/check.js';
export { sameDims } from '../kernels/geometry.js';

/** True for four non-negative integers (an NCHW shape argument). */
export function isDims4(shape: Shape): boolean {
  if (shape.length !== 4) return false;
  for (let i = 0; i < 4; i++) if (!Number.isInteger(shape[i]) || shape[i] < 0) return false;
  return true;
}
