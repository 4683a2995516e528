/**
 * GEMM, BLAS-style and row-major: `C ← α·op(A)·op(B) + β·C`.
 *
 * The reference is the textbook triple loop, ordered for the cache and unrolled just enough for the JIT:
 * - B untransposed (i-k-j, "axpy" form): the inner loop runs along rows of B and C, four rows of B
 *   at a time, so each C element is loaded and stored once per four multiply-adds;
 * - B transposed: both operands of the inner loop are rows, so it is a dot product; four rows of A
 *   share each row of B, quartering the traffic through B.
 * It works on raw arrays with element offsets so that convolution can multiply one sample's slice
 * without making views.
 */
import { ShapeError, formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { assertFloat, assertNoAlias } from './check.js';
import { defineKernel } from './kernel.js';

/** Arguments of {@link gemm}. op(A): [m, k], op(B): [k, n], C: [m, n]. */
export interface GemmArgs {
  /** A is stored [k, m] (use Aᵀ). */
  transA: boolean;
  /** B is stored [n, k] (use Bᵀ). */
  transB: boolean;
  m: number;
  n: number;
  k: number;
  alpha: number;
  a: Tensor;
  b: Tensor;
  /** Scale of C's old contents; 0 ignores them (even NaN). */
  beta: number;
  c: Tensor;
}

/**
 * `c[cOff…] ← α·op(A)·op(B) + β·c` over raw arrays. op(A): [m, k], op(B): [k, n], C: [m, n].
 * A is stored [m, k] (or [k, m] when `transA`), B [k, n] (or [n, k] when `transB`). β = 0 ignores C.
 */
export function gemmRaw(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: Float32Array,
  aOff: number,
  b: Float32Array,
  bOff: number,
  beta: number,
  c: Float32Array,
  cOff: number,
): void {
  // C ← β·C first (β = 0 overwrites, so NaN/garbage in C never leaks through).
  if (beta === 0) c.fill(0, cOff, cOff + m * n);
  else if (beta !== 1) for (let i = cOff, e = cOff + m * n; i < e; i++) c[i] *= beta;
  if (alpha === 0 || k === 0) return;
  if (!transB) gemmAxpy(transA, m, n, k, alpha, a, aOff, b, bOff, c, cOff);
  else if (!transA) gemmDot(m, n, k, alpha, a, aOff, b, bOff, c, cOff);
  else gemmTT(m, n, k, alpha, a, aOff, b, bOff, c, cOff);
}

/** C[i, :] += Σ_p (α·op(A)[i, p]) · B[p, :], B stored [k, n]. */
function gemmAxpy(
  transA: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: Float32Array,
  aOff: number,
  b: Float32Array,
  bOff: number,
  c: Float32Array,
  cOff: number,
): void {
  // op(A)[i, p] sits at aOff + i·rs + p·ps
  const rs = transA ? 1 : k;
  const ps = transA ? m : 1;
  for (let i = 0; i < m; i++) {
    const cRow = cOff + i * n;
    const aRow = aOff + i * rs;
    let p = 0;
    for (; p + 4 <= k; p += 4) {
      const a0 = alpha * a[aRow + p * ps];
      const a1 = alpha * a[aRow + (p + 1) * ps];
      const a2 = alpha * a[aRow + (p + 2) * ps];
      const a3 = alpha * a[aRow + (p + 3) * ps];
      const b0 = bOff + p * n;
      const b1 = b0 + n;
      const b2 = b1 + n;
      const b3 = b2 + n;
      for (let j = 0; j < n; j++) {
        c[cRow + j] += a0 * b[b0 + j] + a1 * b[b1 + j] + a2 * b[b2 + j] + a3 * b[b3 + j];
      }
    }
    for (; p < k; p++) {
      const ap = alpha * a[aRow + p * ps];
      const bRow = bOff + p * n;
      for (let j = 0; j < n; j++) c[cRow + j] += ap * b[bRow + j];
    }
  }
}

/** C[i, j] += α · A[i, :] · B[j, :], A stored [m, k], B stored [n, k]. */
function gemmDot(
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: Float32Array,
  aOff: number,
  b: Float32Array,
  bOff: number,
  c: Float32Array,
  cOff: number,
): void {
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const a0 = aOff + i * k;
    const a1 = a0 + k;
    const a2 = a1 + k;
    const a3 = a2 + k;
    for (let j = 0; j < n; j++) {
      const bRow = bOff + j * k;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let p = 0; p < k; p++) {
        const bv = b[bRow + p];
        s0 += a[a0 + p] * bv;
        s1 += a[a1 + p] * bv;
        s2 += a[a2 + p] * bv;
        s3 += a[a3 + p] * bv;
      }
      const cj = cOff + i * n + j;
      c[cj] += alpha * s0;
      c[cj + n] += alpha * s1;
      c[cj + 2 * n] += alpha * s2;
      c[cj + 3 * n] += alpha * s3;
    }
  }
  for (; i < m; i++) {
    const aRow = aOff + i * k;
    const cRow = cOff + i * n;
    for (let j = 0; j < n; j++) c[cRow + j] += alpha * dot(a, aRow, b, bOff + j * k, k);
  }
}

/** Both transposed (rare): A stored [k, m], B stored [n, k]; op(A)[i, p] = A[p, i] is a strided column. */
function gemmTT(
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: Float32Array,
  aOff: number,
  b: Float32Array,
  bOff: number,
  c: Float32Array,
  cOff: number,
): void {
  for (let i = 0; i < m; i++) {
    const cRow = cOff + i * n;
    for (let j = 0; j < n; j++) {
      const bRow = bOff + j * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += a[aOff + p * m + i] * b[bRow + p];
      c[cRow + j] += alpha * s;
    }
  }
}

/** Σ x[xOff + p] · y[yOff + p] for p < len, with four accumulators (shorter dependency chains). */
export function dot(x: Float32Array, xOff: number, y: Float32Array, yOff: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let p = 0;
  for (; p + 4 <= len; p += 4) {
    s0 += x[xOff + p] * y[yOff + p];
    s1 += x[xOff + p + 1] * y[yOff + p + 1];
    s2 += x[xOff + p + 2] * y[yOff + p + 2];
    s3 += x[xOff + p + 3] * y[yOff + p + 3];
  }
  for (; p < len; p++) s0 += x[xOff + p] * y[yOff + p];
  return s0 + s1 + (s2 + s3);
}

/** General matrix multiply `C ← α·op(A)·op(B) + β·C`. */
export const gemm = defineKernel<GemmArgs>('gemm', {
  validate({ transA, transB, m, n, k, a, b, c }) {
    assertFloat('gemm', 'a', a);
    assertFloat('gemm', 'b', b);
    assertFloat('gemm', 'c', c);
    for (const [what, v] of [
      ['m', m],
      ['n', n],
      ['k', k],
    ] as const) {
      if (!Number.isInteger(v) || v < 0)
        throw new RangeError(`gemm: ${what} must be a non-negative integer, got ${v}`);
    }
    const need = (what: string, t: Tensor, rows: number, cols: number) => {
      if (t.size !== rows * cols) {
        throw new ShapeError(
          `gemm: ${what} has shape ${formatShape(t.shape)} (${t.size} elements), expected [${rows}, ${cols}]`,
        );
      }
    };
    need('a', a, transA ? k : m, transA ? m : k);
    need('b', b, transB ? n : k, transB ? k : n);
    need('c', c, m, n);
    assertNoAlias('gemm', c, a, 'a', false, 'c');
    assertNoAlias('gemm', c, b, 'b', false, 'c');
  },
  reference({ transA, transB, m, n, k, alpha, a, b, beta, c }) {
    gemmRaw(transA, transB, m, n, k, alpha, a.data, 0, b.data, 0, beta, c.data, 0);
  },
});
