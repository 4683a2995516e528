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
export { fill, axpby, activation, activationBackward, addBias, biasGrad, sumSquares } from './elementwise';
export { softmax, logSoftmax, softmaxCrossEntropy, countCorrect } from './loss';
export { sgdUpdate, adamUpdate } from './optim';

import { MR, NR, gemmBlock } from './gemm';

/**
 * Parallel GEMM share: rows [lo·MR, hi·MR) of C (splitM) or columns [lo·NR, hi·NR), on this thread's
 * scratch (scratchBase + tid·scratchStride).
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
): void {
  const scratch = scratchBase + <usize>tid * scratchStride;
  if (splitM)
    gemmBlock(
      transA,
      transB,
      lo * MR,
      min(hi * MR, m),
      0,
      n,
      k,
      alpha,
      a,
      lda,
      b,
      ldb,
      beta,
      c,
      ldc,
      scratch,
    );
  else
    gemmBlock(
      transA,
      transB,
      0,
      m,
      lo * NR,
      min(hi * NR, n),
      k,
      alpha,
      a,
      lda,
      b,
      ldb,
      beta,
      c,
      ldc,
      scratch,
    );
}
