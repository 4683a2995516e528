// The kernels of @scratchnet/tensor's WebAssembly backend. Built with `--runtime stub`: nothing here
// allocates, there are no data segments (scratchnet's build checks), so several instances can share
// one memory. Parallel kernels take (tid, lo, hi, …): the JS side splits [0, total) statically.

export { GEMM_SCRATCH_BYTES } from './gemm';
export {
  im2col,
  col2im,
  conv2d,
  conv2dBackwardData,
  conv2dBackwardWeights,
  reducePartials,
} from './conv';
export { maxPool2d, maxPool2dBackward } from './pool';
export { argmax } from './reduce';
export { fill, axpby, activation, activationBackward, addBias, biasGrad, sumSquares } from './elementwise';
export { softmax, logSoftmax, softmaxCrossEntropy, countCorrect } from './loss';
export { sgdUpdate, adamUpdate } from './optim';

import { MR, NR, gemmBlock } from './gemm';

export { packAFull, packBFull } from './gemm';

/**
 * Parallel GEMM chunk: rows [lo·MR, hi·MR) of C (splitM) or columns [lo·NR, hi·NR), on this thread's
 * scratch (scratchBase + tid·scratchStride). `pre` (not 0): the other operand, packed whole by
 * packAFull (split N) or packBFull (split M), shared by every chunk.
 */
export function gemm(
  tid: i32,
  _chunk: i32,
  lo: i32,
  hi: i32,
  splitM: bool,
  transA: bool,
  transB: bool,
  m: i32,
  n: i32,
  k: i32,
  alpha: f32,
  a: usize,
  lda: i32,
  b: usize,
  ldb: i32,
  beta: f32,
  c: usize,
  ldc: i32,
  scratchBase: usize,
  scratchStride: usize,
  pre: usize,
): void {
  const scratch = scratchBase + <usize>tid * scratchStride;
  const mPad = ((m + MR - 1) / MR) * MR;
  const nPad = ((n + NR - 1) / NR) * NR;
  if (splitM) {
    const i0 = lo * MR;
    const i1 = min(hi * MR, m);
    gemmBlock(transA, transB, i0, i1, 0, n, k, alpha, a, lda, b, ldb, beta, c, ldc, scratch, 0, 0, pre, nPad);
  } else {
    const j0 = lo * NR;
    const j1 = min(hi * NR, n);
    gemmBlock(transA, transB, 0, m, j0, j1, k, alpha, a, lda, b, ldb, beta, c, ldc, scratch, pre, mPad, 0, 0);
  }
}
