/**
 * Elementwise kernels: binary ops with NumPy broadcasting, unary math, activations and their
 * backward, `axpby`, and the bias add/gradient of Dense and Conv2D layers.
 */
import type { ActivationOp, BinaryOp, UnaryOp } from '../../backend.js';
import type { Shape } from '../../shape.js';
import type { Tensor } from '../../tensor.js';

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

/** out ← a ∘ b, broadcasting a and b to out.shape. `out` may alias an operand of its own shape. */
export function binary(op: BinaryOp, a: Tensor, b: Tensor, out: Tensor): void {
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
}

/** out ← op(x) elementwise. `out` may alias `x`. */
export function unary(op: UnaryOp, x: Tensor, out: Tensor): void {
  const xd = x.data;
  const od = out.data;
  const n = x.size;
  switch (op) {
    case 'neg':
      for (let i = 0; i < n; i++) od[i] = -xd[i];
      return;
    case 'abs':
      for (let i = 0; i < n; i++) od[i] = Math.abs(xd[i]);
      return;
    case 'exp':
      for (let i = 0; i < n; i++) od[i] = Math.exp(xd[i]);
      return;
    case 'log':
      for (let i = 0; i < n; i++) od[i] = Math.log(xd[i]);
      return;
    case 'sqrt':
      for (let i = 0; i < n; i++) od[i] = Math.sqrt(xd[i]);
      return;
    case 'square':
      for (let i = 0; i < n; i++) od[i] = xd[i] * xd[i];
      return;
    case 'relu':
    case 'sigmoid':
    case 'tanh':
      activation(op, x, out, 0);
      return;
    default:
      throw new Error(`unary: unknown op '${op as string}'`);
  }
}

/** y ← act(x); `alpha` is leakyRelu's negative slope. `y` may alias `x`. */
export function activation(op: ActivationOp, x: Tensor, y: Tensor, alpha: number): void {
  const xd = x.data;
  const yd = y.data;
  const n = x.size;
  switch (op) {
    case 'relu':
      // `v > 0 ? v : 0` keeps NaN as NaN (PyTorch) and maps −0 to 0.
      for (let i = 0; i < n; i++) {
        const v = xd[i];
        yd[i] = v > 0 || Number.isNaN(v) ? v : 0;
      }
      return;
    case 'leakyRelu':
      for (let i = 0; i < n; i++) {
        const v = xd[i];
        yd[i] = v > 0 ? v : alpha * v;
      }
      return;
    case 'sigmoid':
      // Split by sign so exp never overflows to give Inf/Inf.
      for (let i = 0; i < n; i++) {
        const v = xd[i];
        if (v >= 0) yd[i] = 1 / (1 + Math.exp(-v));
        else {
          const e = Math.exp(v);
          yd[i] = e / (1 + e);
        }
      }
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) yd[i] = Math.tanh(xd[i]);
      return;
    default:
      throw new Error(`activation: unknown op '${op as string}'`);
  }
}

/** dx ← dy · act′ from x (relu, leakyRelu) or y = act(x) (sigmoid, tanh). `dx` may alias `dy`. */
export function activationBackward(
  op: ActivationOp,
  x: Tensor,
  y: Tensor,
  dy: Tensor,
  dx: Tensor,
  alpha: number,
): void {
  const dyd = dy.data;
  const dxd = dx.data;
  const n = dy.size;
  switch (op) {
    case 'relu': {
      const xd = x.data;
      for (let i = 0; i < n; i++) dxd[i] = xd[i] > 0 ? dyd[i] : 0;
      return;
    }
    case 'leakyRelu': {
      const xd = x.data;
      for (let i = 0; i < n; i++) dxd[i] = xd[i] > 0 ? dyd[i] : alpha * dyd[i];
      return;
    }
    case 'sigmoid': {
      const yd = y.data;
      for (let i = 0; i < n; i++) dxd[i] = dyd[i] * yd[i] * (1 - yd[i]);
      return;
    }
    case 'tanh': {
      const yd = y.data;
      for (let i = 0; i < n; i++) dxd[i] = dyd[i] * (1 - yd[i] * yd[i]);
      return;
    }
    default:
      throw new Error(`activationBackward: unknown op '${op as string}'`);
  }
}

/** y ← α·x + β·y; β = 0 ignores y's old contents (even NaN). */
export function axpby(alpha: number, x: Tensor, beta: number, y: Tensor): void {
  const xd = x.data;
  const yd = y.data;
  const n = y.size;
  if (beta === 0) for (let i = 0; i < n; i++) yd[i] = alpha * xd[i];
  else if (beta === 1) for (let i = 0; i < n; i++) yd[i] += alpha * xd[i];
  else for (let i = 0; i < n; i++) yd[i] = alpha * xd[i] + beta * yd[i];
}

/** [N, C, …] as (N, C, inner). */
function channelLayout(t: Tensor): [number, number, number] {
  const n = t.shape[0];
  const c = t.shape[1];
  return [n, c, n * c === 0 ? 0 : t.size / (n * c)];
}

/** y [N, C, …] += bias [C] along axis 1, in place. */
export function addBias(y: Tensor, bias: Tensor): void {
  const [N, C, inner] = channelLayout(y);
  const yd = y.data;
  const bd = bias.data;
  let o = 0;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const v = bd[c];
      for (let e = o + inner; o < e; o++) yd[o] += v;
    }
  }
}

/** db [C] += Σ dy over every axis but 1 (dy: [N, C, …]). */
export function biasGrad(dy: Tensor, db: Tensor): void {
  const [N, C, inner] = channelLayout(dy);
  const dyd = dy.data;
  const dbd = db.data;
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let n = 0; n < N; n++) {
      const off = (n * C + c) * inner;
      for (let i = 0; i < inner; i++) s += dyd[off + i];
    }
    dbd[c] += s;
  }
}
