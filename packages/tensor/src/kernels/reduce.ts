/**
 * Reductions along one axis. x is viewed as [outer, len, inner] around the axis; each output element
 * reduces `len` values `inner` apart, accumulating in float64.
 */
import type { ReduceOp } from '../backend.js';
import { ShapeError, formatShape, normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { assertFloat, assertNoAlias } from './check.js';
import { defineKernel } from './kernel.js';

/** Arguments of {@link reduce}. */
export interface ReduceArgs {
  op: ReduceOp;
  x: Tensor;
  /** A non-negative axis of x. */
  axis: number;
  /** x's shape without the axis (or with it as 1): x.size / x.shape[axis] elements. */
  out: Tensor;
}

const OPS: readonly ReduceOp[] = ['sum', 'mean', 'max', 'min'];

/** [outer, len, inner] around `axis`. */
export function around(shape: readonly number[], axis: number): [number, number, number] {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i];
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i];
  return [outer, shape[axis], inner];
}

/** Checks an axis and an output of x.size / len elements, for the axis reductions. */
export function validateAxisReduction(op: string, x: Tensor, axis: number, outSize: number): void {
  assertFloat(op, 'x', x);
  if (normalizeAxis(axis, x.rank, op) !== axis)
    throw new RangeError(`${op}: axis ${axis} must be non-negative`);
  const [outer, , inner] = around(x.shape, axis);
  if (outSize !== outer * inner) {
    throw new ShapeError(
      `${op}: out has ${outSize} elements, but reducing axis ${axis} of ${formatShape(x.shape)} gives ${outer * inner}`,
    );
  }
}

/** out ← op over `axis` of x (sum, mean, max, min; max/min propagate NaN as NumPy does). */
export const reduce = defineKernel<ReduceArgs>('reduce', {
  validate({ op, x, axis, out }) {
    if (!OPS.includes(op)) throw new TypeError(`reduce: unknown op '${String(op)}'`);
    validateAxisReduction(op, x, axis, out.size);
    assertFloat(op, 'out', out);
    assertNoAlias(op, out, x, 'x');
    if ((op === 'max' || op === 'min') && x.shape[axis] === 0) {
      throw new ShapeError(`${op}: cannot reduce an empty axis of ${formatShape(x.shape)} (no identity)`);
    }
  },
  reference({ op, x, axis, out }) {
    const [outer, len, inner] = around(x.shape, axis);
    const xd = x.data;
    const od = out.data;
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * len * inner + i;
        let acc: number;
        if (op === 'sum' || op === 'mean') {
          acc = 0;
          for (let k = 0; k < len; k++) acc += xd[base + k * inner];
          if (op === 'mean') acc /= len;
        } else if (op === 'max') {
          acc = Number.NEGATIVE_INFINITY;
          for (let k = 0; k < len; k++) {
            const v = xd[base + k * inner];
            if (v > acc || Number.isNaN(v)) acc = v;
          }
        } else if (op === 'min') {
          acc = Number.POSITIVE_INFINITY;
          for (let k = 0; k < len; k++) {
            const v = xd[base + k * inner];
            if (v < acc || Number.isNaN(v)) acc = v;
          }
        } else {
          throw new Error(`reduce: unknown op '${op as string}'`);
        }
        od[o * inner + i] = acc;
      }
    }
  },
});
