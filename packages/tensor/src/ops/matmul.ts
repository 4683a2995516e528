/** Matrix products: NumPy/PyTorch `matmul` (with batch broadcasting) and BLAS-style `gemm`. */
import * as k from '../kernels/index.js';
import { runKernel } from '../kernels/kernel.js';
import { ShapeError, broadcastShapes, formatShape, sizeOf, stridesOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { assertFloat, assertNoAlias, output } from './util.js';

/**
 * Matrix product with `torch.matmul` / `numpy.matmul` semantics: 1-D·1-D is a dot product (shape []);
 * a 1-D left operand is a row vector and a 1-D right operand a column vector (the added axis is
 * removed again); higher ranks are stacks of matrices whose leading (batch) axes broadcast.
 *
 * @example
 * ```ts
 * matmul(x, w) // x: [N, K], w: [K, M] → [N, M]
 * ```
 */
export function matmul(a: Tensor, b: Tensor, out?: Tensor): Tensor {
  assertFloat('matmul', 'a', a);
  assertFloat('matmul', 'b', b);
  if (a.rank === 0 || b.rank === 0) {
    throw new ShapeError(
      `matmul: both operands need at least 1 axis, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`,
    );
  }
  const aShape = a.rank === 1 ? [1, a.shape[0]] : [...a.shape];
  const bShape = b.rank === 1 ? [b.shape[0], 1] : [...b.shape];
  const m = aShape[aShape.length - 2];
  const kk = aShape[aShape.length - 1];
  const k2 = bShape[bShape.length - 2];
  const n = bShape[bShape.length - 1];
  if (kk !== k2) {
    throw new ShapeError(
      `matmul: shapes ${formatShape(a.shape)} and ${formatShape(b.shape)} are not aligned (${kk} vs ${k2})`,
    );
  }
  const batchA = aShape.slice(0, -2);
  const batchB = bShape.slice(0, -2);
  const batch = broadcastShapes(batchA, batchB, 'matmul');
  const outShape = [...batch];
  if (a.rank > 1) outShape.push(m);
  if (b.rank > 1) outShape.push(n);
  const o = output('matmul', outShape, out);
  assertNoAlias('matmul', o, a, 'a');
  assertNoAlias('matmul', o, b, 'b');

  const count = sizeOf(batch);
  if (count === 1) {
    runKernel(k.gemm, { transA: false, transB: false, m, n, k: kk, alpha: 1, a, b, beta: 0, c: o });
    return o;
  }
  // One GEMM per batch entry, on views; a batch axis of extent 1 (or missing) repeats its matrix.
  const stA = batchStrides(batchA, batch, m * kk);
  const stB = batchStrides(batchB, batch, kk * n);
  const outer = stridesOf(batch);
  for (let t = 0; t < count; t++) {
    let offA = 0;
    let offB = 0;
    for (let ax = 0; ax < batch.length; ax++) {
      const i = Math.floor(t / outer[ax]) % batch[ax];
      offA += i * stA[ax];
      offB += i * stB[ax];
    }
    runKernel(k.gemm, {
      transA: false,
      transB: false,
      m,
      n,
      k: kk,
      alpha: 1,
      a: new Tensor([m, kk], a.storage, a.offset + offA),
      b: new Tensor([kk, n], b.storage, b.offset + offB),
      beta: 0,
      c: new Tensor([m, n], o.storage, o.offset + t * m * n),
    });
  }
  return o;
}

/** Element strides of each batch axis of an operand, aligned to `batch` (0 where it broadcasts). */
function batchStrides(own: number[], batch: number[], matrixSize: number): number[] {
  const lead = batch.length - own.length;
  const strides = new Array<number>(batch.length).fill(0);
  let s = matrixSize;
  for (let i = own.length - 1; i >= 0; i--) {
    strides[i + lead] = own[i] === 1 ? 0 : s;
    s *= own[i];
  }
  return strides;
}

/** Options of {@link gemm}. */
export interface GemmOptions {
  /** Use Aᵀ: a is stored [k, m]. */
  transA?: boolean;
  /** Use Bᵀ: b is stored [n, k]. */
  transB?: boolean;
  /** Scale of the product (default 1). */
  alpha?: number;
  /** Scale of c's old contents (default 0; with no `c` it is ignored). */
  beta?: number;
  /** The [m, n] output, updated in place; a new tensor when omitted. */
  c?: Tensor;
}

/**
 * BLAS-style general matrix multiply, `C ← α·op(A)·op(B) + β·C`, on 2-D tensors. Returns C.
 * With β = 0, C's old contents are ignored (even NaN).
 *
 * @example
 * ```ts
 * gemm(dy, x, { transA: true, beta: 1, c: dw }) // dw [O, I] += dyᵀ [O, N] · x [N, I]
 * ```
 */
export function gemm(a: Tensor, b: Tensor, options: GemmOptions = {}): Tensor {
  const { transA = false, transB = false, alpha = 1, c } = options;
  const beta = c === undefined ? 0 : (options.beta ?? 0);
  assertFloat('gemm', 'a', a);
  assertFloat('gemm', 'b', b);
  if (a.rank !== 2 || b.rank !== 2) {
    throw new ShapeError(
      `gemm: a and b must be matrices, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`,
    );
  }
  const [m, kk] = transA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
  const [k2, n] = transB ? [b.shape[1], b.shape[0]] : [b.shape[0], b.shape[1]];
  if (kk !== k2) {
    throw new ShapeError(
      `gemm: op(a) of ${formatShape(a.shape)}${transA ? 'ᵀ' : ''} and op(b) of ${formatShape(b.shape)}${transB ? 'ᵀ' : ''} are not aligned (${kk} vs ${k2})`,
    );
  }
  const out = output('gemm', [m, n], c, 'c');
  assertNoAlias('gemm', out, a, 'a', false, 'c');
  assertNoAlias('gemm', out, b, 'b', false, 'c');
  runKernel(k.gemm, { transA, transB, m, n, k: kk, alpha, a, b, beta, c: out });
  return out;
}
