/**
 * Elementwise operations (NumPy/PyTorch semantics): binary ones broadcast their operands NumPy-style
 * and accept plain numbers as scalars; every op returns a new tensor or writes into `out`.
 */
import type { BinaryOp, UnaryOp } from '../backend.js';
import * as k from '../kernels/index.js';
import { runKernel } from '../kernels/kernel.js';
import { broadcastShapes } from '../shape.js';
import { Tensor } from '../tensor.js';
import { assertFloat, assertNoAlias, output } from './util.js';

/** A tensor operand, or a number standing for a scalar tensor. */
export type TensorLike = Tensor | number;

function asTensor(op: string, v: TensorLike, what: string): Tensor {
  if (typeof v === 'number') return Tensor.fromArray(v);
  assertFloat(op, what, v);
  return v;
}

function binaryOp(op: BinaryOp, a: TensorLike, b: TensorLike, out: Tensor | undefined): Tensor {
  const ta = asTensor(op, a, 'a');
  const tb = asTensor(op, b, 'b');
  const shape = broadcastShapes(ta.shape, tb.shape, op);
  const o = output(op, shape, out);
  assertNoAlias(op, o, ta, 'a', true);
  assertNoAlias(op, o, tb, 'b', true);
  runKernel(k.binary, { op, a: ta, b: tb, out: o });
  return o;
}

function unaryOp(op: UnaryOp, x: Tensor, out: Tensor | undefined): Tensor {
  assertFloat(op, 'x', x);
  const o = output(op, x.shape, out);
  assertNoAlias(op, o, x, 'x', true);
  runKernel(k.unary, { op, x, out: o });
  return o;
}

/** a + b, broadcast. `out` may be `a` or `b` itself (in-place) when it has the broadcast shape. */
export function add(a: TensorLike, b: TensorLike, out?: Tensor): Tensor {
  return binaryOp('add', a, b, out);
}
/** a − b, broadcast. */
export function sub(a: TensorLike, b: TensorLike, out?: Tensor): Tensor {
  return binaryOp('sub', a, b, out);
}
/** a · b (elementwise), broadcast. */
export function mul(a: TensorLike, b: TensorLike, out?: Tensor): Tensor {
  return binaryOp('mul', a, b, out);
}
/** a / b (IEEE: x/0 = ±Inf, 0/0 = NaN), broadcast. */
export function div(a: TensorLike, b: TensorLike, out?: Tensor): Tensor {
  return binaryOp('div', a, b, out);
}
/** Elementwise maximum, broadcast; NaN propagates (NumPy `maximum`). */
export function maximum(a: TensorLike, b: TensorLike, out?: Tensor): Tensor {
  return binaryOp('maximum', a, b, out);
}
/** Elementwise minimum, broadcast; NaN propagates (NumPy `minimum`). */
export function minimum(a: TensorLike, b: TensorLike, out?: Tensor): Tensor {
  return binaryOp('minimum', a, b, out);
}

/** −x. `out` may be `x`. */
export function neg(x: Tensor, out?: Tensor): Tensor {
  return unaryOp('neg', x, out);
}
/** |x|. */
export function abs(x: Tensor, out?: Tensor): Tensor {
  return unaryOp('abs', x, out);
}
/** eˣ. */
export function exp(x: Tensor, out?: Tensor): Tensor {
  return unaryOp('exp', x, out);
}
/** Natural logarithm (log 0 = −Inf, negative → NaN). */
export function log(x: Tensor, out?: Tensor): Tensor {
  return unaryOp('log', x, out);
}
/** √x (negative → NaN). */
export function sqrt(x: Tensor, out?: Tensor): Tensor {
  return unaryOp('sqrt', x, out);
}
/** x². */
export function square(x: Tensor, out?: Tensor): Tensor {
  return unaryOp('square', x, out);
}
/** max(x, 0) (NaN stays NaN). */
export function relu(x: Tensor, out?: Tensor): Tensor {
  return unaryOp('relu', x, out);
}
/** 1 / (1 + e⁻ˣ), computed without overflow. */
export function sigmoid(x: Tensor, out?: Tensor): Tensor {
  return unaryOp('sigmoid', x, out);
}
/** Hyperbolic tangent. */
export function tanh(x: Tensor, out?: Tensor): Tensor {
  return unaryOp('tanh', x, out);
}
