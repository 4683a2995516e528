/**
 * Reductions (NumPy semantics): over one axis, or over every element when `axis` is omitted;
 * `keepDims` keeps the reduced axis with extent 1. Plus `sumToShape`, the backward of broadcasting.
 */
import type { ReduceOp } from '../backend.js';
import * as k from '../kernels/index.js';
import { runKernel } from '../kernels/kernel.js';
import {
  type Shape,
  ShapeError,
  broadcastShapes,
  formatShape,
  normalizeAxis,
  shapesEqual,
  sizeOf,
} from '../shape.js';
import { type IntTensor, Tensor } from '../tensor.js';
import { assertFloat, assertNoAlias, intOutput, output } from './util.js';

/** Options of the reductions. */
export interface ReduceOptions {
  /** Keep the reduced axis (or, with no axis, every axis) with extent 1. Default false. */
  keepDims?: boolean;
  /** Write the result here instead of a new tensor (its shape must match). */
  out?: Tensor;
}

/** Options of {@link argmax}. */
export interface ArgmaxOptions {
  /** Keep the reduced axis with extent 1. Default false. */
  keepDims?: boolean;
  /** Write the result here instead of a new int tensor. */
  out?: IntTensor;
}

/** The reduction as (x viewed so the axis exists, the axis, the output shape). */
function plan(
  op: string,
  x: Tensor,
  axis: number | undefined,
  keepDims: boolean,
): [Tensor, number, number[]] {
  assertFloat(op, 'x', x);
  if (axis === undefined) {
    // Every element: view as [size] and reduce axis 0.
    return [x.reshape([x.size]), 0, keepDims ? x.shape.map(() => 1) : []];
  }
  const a = normalizeAxis(axis, x.rank, op);
  const shape = [...x.shape];
  if (keepDims) shape[a] = 1;
  else shape.splice(a, 1);
  return [x, a, shape];
}

function reduceOp(
  op: ReduceOp,
  x: Tensor,
  axis: number | undefined,
  { keepDims = false, out }: ReduceOptions,
): Tensor {
  const [src, a, shape] = plan(op, x, axis, keepDims);
  if ((op === 'max' || op === 'min') && src.shape[a] === 0) {
    throw new ShapeError(`${op}: cannot reduce an empty axis of ${formatShape(x.shape)} (no identity)`);
  }
  const o = output(op, shape, out);
  assertNoAlias(op, o, x, 'x');
  runKernel(k.reduce, { op, x: src, axis: a, out: o });
  return o;
}

/** Σ along `axis` (all elements when omitted). `sum(x, 1)` of [N, C] is [N]. */
export function sum(x: Tensor, axis?: number, options: ReduceOptions = {}): Tensor {
  return reduceOp('sum', x, axis, options);
}

/** Mean along `axis` (all elements when omitted); NaN over an empty axis, as NumPy. */
export function mean(x: Tensor, axis?: number, options: ReduceOptions = {}): Tensor {
  return reduceOp('mean', x, axis, options);
}

/** Maximum along `axis` (NaN propagates). Throws on an empty axis. */
export function max(x: Tensor, axis?: number, options: ReduceOptions = {}): Tensor {
  return reduceOp('max', x, axis, options);
}

/** Minimum along `axis` (NaN propagates). Throws on an empty axis. */
export function min(x: Tensor, axis?: number, options: ReduceOptions = {}): Tensor {
  return reduceOp('min', x, axis, options);
}

/**
 * Index of the first maximum along `axis` (into the flattened tensor when omitted), as int32; a NaN
 * counts as the maximum (NumPy). Throws on an empty axis.
 */
export function argmax(x: Tensor, axis?: number, { keepDims = false, out }: ArgmaxOptions = {}): IntTensor {
  const [src, a, shape] = plan('argmax', x, axis, keepDims);
  if (src.shape[a] === 0) {
    throw new ShapeError(`argmax: cannot reduce an empty axis of ${formatShape(x.shape)}`);
  }
  const o = intOutput('argmax', shape, out);
  runKernel(k.argmax, { x: src, axis: a, out: o });
  return o;
}

/**
 * Sums x over the axes along which `shape` was broadcast to x.shape, giving a tensor of `shape`: the
 * gradient of a broadcast operand. Throws unless `shape` broadcasts to x.shape.
 *
 * @example
 * ```ts
 * sumToShape(dy, [1, C]) // dy: [N, C] → [1, C]
 * ```
 */
export function sumToShape(x: Tensor, shape: Shape, out?: Tensor): Tensor {
  assertFloat('sumToShape', 'x', x);
  let ok = shape.length <= x.rank;
  if (ok) {
    try {
      ok = shapesEqual(broadcastShapes(shape, x.shape, 'sumToShape'), x.shape);
    } catch {
      ok = false;
    }
  }
  if (!ok) {
    throw new ShapeError(
      `sumToShape: ${formatShape(shape)} does not broadcast to the input shape ${formatShape(x.shape)}`,
    );
  }
  const o = output('sumToShape', shape, out);
  assertNoAlias('sumToShape', o, x, 'x');
  // Sum away the leading axes shape lacks, then each axis where shape has 1 and x does not; a
  // reduction with keepDims=true has the same memory layout, so the running tensor only shrinks.
  const lead = x.rank - shape.length;
  // x viewed as [product of the leading axes, ...the axes aligned with shape]
  let cur = x.reshape([sizeOf(x.shape.slice(0, lead)), ...x.shape.slice(lead)]);
  const axes: number[] = [];
  if (lead > 0) axes.push(0);
  for (let i = 0; i < shape.length; i++) if (shape[i] === 1 && x.shape[lead + i] !== 1) axes.push(i + 1);
  if (axes.length === 0) {
    runKernel(k.copy, { src: x, dst: o });
    return o;
  }
  const reduced = [...cur.shape]; // the running shape, one more axis set to 1 per reduction
  for (let i = 0; i < axes.length; i++) {
    reduced[axes[i]] = 1;
    const last = i === axes.length - 1;
    const next = last ? o.reshape(reduced) : new Tensor(reduced);
    runKernel(k.reduce, { op: 'sum', x: cur, axis: axes[i], out: next });
    cur = next;
  }
  return o;
}
