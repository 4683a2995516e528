/**
 * GEMM, BLAS-style and row-major: `C ← α·op(A)·op(B) + β·C`.
 *
 * The loops are the textbook triple loop, ordered for the cache: with B untransposed the inner loop
 * runs along a row of B and a row of C (i-k-j, "axpy" form); with B transposed both operands of the
 * inner loop are rows, so it is a dot product. Works on raw arrays with element offsets so that
 * convolution can multiply one sample's slice without making views.
 */

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

  if (!transB) {
    // i-k-j: C[i, :] += (α·op(A)[i, p]) · B[p, :]
    for (let i = 0; i < m; i++) {
      const cRow = cOff + i * n;
      for (let p = 0; p < k; p++) {
        const aip = alpha * (transA ? a[aOff + p * m + i] : a[aOff + i * k + p]);
        const bRow = bOff + p * n;
        for (let j = 0; j < n; j++) c[cRow + j] += aip * b[bRow + j];
      }
    }
    return;
  }

  // B stored [n, k]: C[i, j] += α · Σ_p op(A)[i, p] · B[j, p], a dot product of two rows.
  if (!transA) {
    for (let i = 0; i < m; i++) {
      const aRow = aOff + i * k;
      const cRow = cOff + i * n;
      for (let j = 0; j < n; j++) c[cRow + j] += alpha * dot(a, aRow, b, bOff + j * k, k);
    }
    return;
  }
  // Both transposed (rare): A stored [k, m], so op(A)[i, p] = A[p, i] is a strided column.
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
