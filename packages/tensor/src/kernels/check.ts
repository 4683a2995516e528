/** Validation helpers shared by the kernels' `validate` and by the ops. */
import { type Shape, ShapeError, formatShape, shapesEqual } from '../shape.js';
import { type AnyTensor, IntTensor, Tensor } from '../tensor.js';

/** Throws a TypeError naming `op` unless `t` is a float Tensor. */
export function assertFloat(op: string, what: string, t: unknown): asserts t is Tensor {
  if (!(t instanceof Tensor)) throw new TypeError(`${op}: ${what} must be a Tensor`);
}

/** Throws a TypeError naming `op` unless `t` is an IntTensor. */
export function assertInt(op: string, what: string, t: unknown): asserts t is IntTensor {
  if (!(t instanceof IntTensor)) throw new TypeError(`${op}: ${what} must be an IntTensor`);
}

/** Throws a ShapeError naming `op` unless `t` has exactly `shape`. */
export function expectShape(op: string, what: string, t: AnyTensor, shape: Shape): void {
  if (!shapesEqual(t.shape, shape)) {
    throw new ShapeError(`${op}: ${what} has shape ${formatShape(t.shape)}, expected ${formatShape(shape)}`);
  }
}

/** Throws a ShapeError naming `op` unless `a` and `b` have the same number of elements. */
/**
 * Checks the operands of a fused elementwise kernel: each a float tensor of `y`'s shape, and `out`
 * either independent of each or the very same tensor (in-place updates).
 */
export function expectElementwiseOperands(
  op: string,
  operands: Record<string, unknown>,
  y: Tensor,
  out: Tensor,
): void {
  for (const [what, t] of Object.entries(operands)) {
    assertFloat(op, what, t);
    expectShape(op, what, t, y.shape);
    if (t !== out) assertNoAlias(op, out, t, what, true);
  }
}

export function expectSameSize(op: string, what: string, a: AnyTensor, b: AnyTensor, bWhat: string): void {
  if (a.size !== b.size) {
    throw new ShapeError(
      `${op}: ${what} ${formatShape(a.shape)} and ${bWhat} ${formatShape(b.shape)} differ in size`,
    );
  }
}

/** Throws a RangeError naming `op` unless `v` is a finite number (NaN and ±Inf are refused). */
export function expectFinite(op: string, what: string, v: number): void {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new RangeError(`${op}: ${what} must be a finite number, got ${String(v)}`);
  }
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

/** [N, C, …] as (N, C, inner): the layout of the per-channel kernels (channel axis 1). */
export function channelLayout(t: AnyTensor): [number, number, number] {
  const n = t.shape[0];
  const c = t.shape[1];
  return [n, c, n * c === 0 ? 0 : t.size / (n * c)];
}

/** Throws unless x has a channel axis 1 and `v` is a [C] vector for it. */
export function expectChannelVector(op: string, what: string, x: Tensor, v: Tensor): void {
  if (x.rank < 2) throw new ShapeError(`${op}: x must be [N, C, …], got ${formatShape(x.shape)}`);
  assertFloat(op, what, v);
  expectShape(op, what, v, [x.shape[1]]);
}

/** Last-axis length of x: K, and R = size / K rows. */
export function rowsOf(x: AnyTensor): [number, number] {
  const k = x.rank === 0 ? 1 : x.shape[x.rank - 1];
  return [k === 0 ? 0 : x.size / k, k];
}
