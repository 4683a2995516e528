/**
 * Reductions along one axis. x is viewed as [outer, len, inner] around the axis; each output element
 * reduces `len` values `inner` apart, accumulating in float64.
 */
import type { ReduceOp } from '../../backend.js';
import type { IntTensor, Tensor } from '../../tensor.js';

/** [outer, len, inner] around `axis`. */
function around(shape: readonly number[], axis: number): [number, number, number] {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i];
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i];
  return [outer, shape[axis], inner];
}

/** out ← op over `axis` of x (sum, mean, max, min; max/min propagate NaN as NumPy does). Writes. */
export function reduce(op: ReduceOp, x: Tensor, axis: number, out: Tensor): void {
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
}

/** out ← index of the first maximum along `axis` (the first NaN, if any, as NumPy). Writes. */
export function argmax(x: Tensor, axis: number, out: IntTensor): void {
  const [outer, len, inner] = around(x.shape, axis);
  const xd = x.data;
  const od = out.data;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * len * inner + i;
      let best = 0;
      let bv = xd[base];
      for (let k = 1; k < len; k++) {
        const v = xd[base + k * inner];
        if (v > bv || (Number.isNaN(v) && !Number.isNaN(bv))) {
          bv = v;
          best = k;
        }
      }
      od[o * inner + i] = best;
    }
  }
}

/** Σ x², accumulated in float64. */
export function sumSquares(x: Tensor): number {
  const xd = x.data;
  let s = 0;
  for (let i = 0; i < xd.length; i++) s += xd[i] * xd[i];
  return s;
}
