/** Elementwise binary operations with NumPy broadcasting of both operands to the output's shape. */
import type { BinaryOp } from '../backend.js';
import { type Shape, ShapeError, broadcastShapes, formatShape, shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { assertFloat, assertNoAlias } from './check.js';
import { defineKernel } from './kernel.js';

/** Arguments of {@link binary}: out ← a ∘ b. */
export interface BinaryArgs {
  op: BinaryOp;
  a: Tensor;
  b: Tensor;
  /** The broadcast shape of a and b; may be `a` or `b` itself when it has that shape. */
  out: Tensor;
}

const OPS: readonly BinaryOp[] = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum'];

/**
 * out[o + j] ← a[ia + j·sa] ∘ b[ib + j·sb] for j < len: one contiguous run of the output, with the
 * inputs stepping by their (possibly 0, i.e. broadcast) innermost strides. The switch sits outside the
 * loop so each loop body is a single expression.
 */
function binaryRun(
  op: BinaryOp,
  a: Float32Array,
  ia: number,
  sa: number,
  b: Float32Array,
  ib: number,
  sb: number,
  out: Float32Array,
  o: number,
  len: number,
): void {
  switch (op) {
    case 'add':
      for (let j = 0; j < len; j++) out[o + j] = a[ia + j * sa] + b[ib + j * sb];
      return;
    case 'sub':
      for (let j = 0; j < len; j++) out[o + j] = a[ia + j * sa] - b[ib + j * sb];
      return;
    case 'mul':
      for (let j = 0; j < len; j++) out[o + j] = a[ia + j * sa] * b[ib + j * sb];
      return;
    case 'div':
      for (let j = 0; j < len; j++) out[o + j] = a[ia + j * sa] / b[ib + j * sb];
      return;
    case 'maximum':
      // NaN propagates, as in NumPy.
      for (let j = 0; j < len; j++) {
        const x = a[ia + j * sa];
        const y = b[ib + j * sb];
        out[o + j] = x > y || Number.isNaN(x) ? x : y;
      }
      return;
    case 'minimum':
      for (let j = 0; j < len; j++) {
        const x = a[ia + j * sa];
        const y = b[ib + j * sb];
        out[o + j] = x < y || Number.isNaN(x) ? x : y;
      }
      return;
    default:
      throw new Error(`binary: unknown op '${op as string}'`);
  }
}

/** Strides of `shape` broadcast against `outShape` (right-aligned; 0 on size-1 and missing axes). */
function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const rank = outShape.length;
  const lead = rank - shape.length;
  const strides = new Array<number>(rank).fill(0);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i + lead] = shape[i] === 1 ? 0 : s;
    s *= shape[i];
  }
  return strides;
}

/** out ← a ∘ b with NumPy broadcasting (NaN propagates through maximum/minimum, as in NumPy). */
export const binary = defineKernel<BinaryArgs>('binary', {
  validate({ op, a, b, out }) {
    if (!OPS.includes(op)) throw new TypeError(`binary: unknown op '${String(op)}'`);
    assertFloat(op, 'a', a);
    assertFloat(op, 'b', b);
    assertFloat(op, 'out', out);
    const shape = broadcastShapes(a.shape, b.shape, op);
    if (!shapesEqual(out.shape, shape)) {
      throw new ShapeError(`${op}: out has shape ${formatShape(out.shape)}, expected ${formatShape(shape)}`);
    }
    assertNoAlias(op, out, a, 'a', true);
    assertNoAlias(op, out, b, 'b', true);
  },
  reference({ op, a, b, out }) {
    const n = out.size;
    if (n === 0) return;
    const ad = a.data;
    const bd = b.data;
    const od = out.data;
    // Fast paths: same size (no broadcasting) or a scalar operand.
    if ((a.size === n || a.size === 1) && (b.size === n || b.size === 1)) {
      binaryRun(op, ad, 0, a.size === 1 ? 0 : 1, bd, 0, b.size === 1 ? 0 : 1, od, 0, n);
      return;
    }
    // General case: walk the output in runs along its last axis, odometer-style over the outer axes.
    const shape = out.shape;
    const rank = shape.length;
    const stA = broadcastStrides(a.shape, shape);
    const stB = broadcastStrides(b.shape, shape);
    const len = shape[rank - 1];
    const idx = new Array<number>(rank).fill(0);
    let ia = 0;
    let ib = 0;
    for (let o = 0; o < n; o += len) {
      binaryRun(op, ad, ia, stA[rank - 1], bd, ib, stB[rank - 1], od, o, len);
      for (let ax = rank - 2; ax >= 0; ax--) {
        ia += stA[ax];
        ib += stB[ax];
        if (++idx[ax] < shape[ax]) break;
        ia -= stA[ax] * shape[ax];
        ib -= stB[ax] * shape[ax];
        idx[ax] = 0;
      }
    }
  },
});
