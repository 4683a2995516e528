/** Helpers shared by the ops: output allocation/validation and aliasing checks. */
import { type Shape, ShapeError, formatShape, shapesEqual } from '../shape.js';
import { type AnyTensor, IntTensor, Tensor } from '../tensor.js';

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

/** True when two tensors share any element of storage. */
export function overlaps(a: AnyTensor, b: AnyTensor): boolean {
  return (
    a.storage === b.storage &&
    a.size > 0 &&
    b.size > 0 &&
    a.offset < b.offset + b.size &&
    b.offset < a.offset + a.size
  );
}

/**
 * Throws unless `out` is independent of `input`, or (when `exactAliasOk`) is exactly the same window
 * with the same shape: the only aliasing an elementwise kernel can honour.
 */
export function assertNoAlias(
  op: string,
  out: AnyTensor,
  input: AnyTensor,
  name: string,
  exactAliasOk = false,
  outName = 'out',
): void {
  if (!overlaps(out, input)) return;
  if (exactAliasOk && out.offset === input.offset && shapesEqual(out.shape, input.shape)) return;
  throw new Error(
    `${op}: ${outName} must not overlap ${name}${exactAliasOk ? ' (except as the very same tensor)' : ''}`,
  );
}

/** Throws a TypeError naming `op` unless `t` is a float Tensor. */
export function assertFloat(op: string, what: string, t: unknown): asserts t is Tensor {
  if (!(t instanceof Tensor)) throw new TypeError(`${op}: ${what} must be a Tensor`);
}
