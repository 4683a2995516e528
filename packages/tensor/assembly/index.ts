// The kernels of @scratchnet/tensor's WebAssembly backend. Built with `--runtime stub`: nothing here
// allocates, there are no data segments (scratchnet's build checks), so several instances can share
// one memory. Parallel kernels take (tid, lo, hi, …): the JS side splits [0, total) statically.

export { GEMM_SCRATCH_BYTES, KC, MR, NR } from './gemm';
export {
  im2col,
  col2im,
  conv2d,
  conv2dBackwardData,
  conv2dBackwardWeights,
  conv2dPackWeights,
  conv2dReduceWeights,
  convPackedWeightsBytes,
  convScratchBytes,
  conv2dMaxPoolIndexed,
  convPoolIndexedScratchBytes,
} from './conv';
export { maxPool2d, maxPool2dBackward } from './pool';
export {
  winogradBackwardWeights,
  winogradConv,
  winogradPackWeights,
  winogradPackedBytes,
  winogradPartialBytes,
  winogradReduceWeights,
  winogradScratchBytes,
} from './winograd';
export { argmax } from './reduce';
export { indexOutside } from './indices';
export { channelReduce, channelScaleShift, channelCombine, bernoulliMaskMul } from './channel';
export {
  fill,
  axpby,
  addcmul,
  addcdiv,
  activation,
  activationBackward,
  binary,
  sumSquares,
  sgdUpdate,
} from './elementwise';
export { softmax, logSoftmax, softmaxCrossEntropy, countCorrect } from './loss';

import { checkRange, checkSpan } from './check';
import { MR, NR, gemmBlock } from './gemm';

export { packAFull, packBFull } from './gemm';

/**
 * Parallel GEMM chunk. mode 0: columns [lo·NR, hi·NR) of C; mode 1: rows [lo·MR, hi·MR); both on this
 * thread's scratch (scratchBase + tid·scratchStride), and `pre` (not 0) is the other operand packed
 * whole by packAFull (mode 0) or packBFull (mode 1), shared by every chunk. mode 2 (a small C and a
 * deep K): depths [lo, hi); chunk 0 updates C (with β), chunk c > 0 writes its own product to
 * partialBase + (c − 1)·partialStride ([m, n], ldc = n), which gemmDotReduce then adds to C in chunk
 * order.
 */
export function gemm(
  tid: i32,
  chunk: i32,
  lo: i32,
  hi: i32,
  mode: i32,
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
  partialBase: usize,
  partialStride: usize,
): void {
  checkRange(lo, hi);
  assert(m >= 0 && n >= 0 && k >= 0, 'gemm size');
  checkSpan(c, m === 0 ? 0 : (m - 1) * ldc + n);
  const scratch = scratchBase + <usize>tid * scratchStride;
  const mPad = ((m + MR - 1) / MR) * MR;
  const nPad = ((n + NR - 1) / NR) * NR;
  if (mode === 1) {
    const i0 = lo * MR;
    const i1 = min(hi * MR, m);
    gemmBlock(transA, transB, i0, i1, 0, n, k, alpha, a, lda, b, ldb, beta, c, ldc, scratch, 0, 0, pre, nPad);
  } else if (mode === 0) {
    const j0 = lo * NR;
    const j1 = min(hi * NR, n);
    gemmBlock(
      transA,
      transB,
      0,
      m,
      j0,
      j1,
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
      pre,
      mPad,
      0,
      0,
      true,
    );
  } else {
    const k0 = min(lo, k);
    const k1 = min(hi, k);
    // op(A)[:, k0..] and op(B)[k0.., :] start k0 elements (or rows) further on
    const a0 = a + <usize>(transA ? k0 * lda : k0) * 4;
    const b0 = b + <usize>(transB ? k0 : k0 * ldb) * 4;
    if (chunk === 0)
      gemmBlock(transA, transB, 0, m, 0, n, k1 - k0, alpha, a0, lda, b0, ldb, beta, c, ldc, scratch);
    else {
      const dst = partialBase + <usize>(chunk - 1) * partialStride;
      gemmBlock(transA, transB, 0, m, 0, n, k1 - k0, alpha, a0, lda, b0, ldb, 0, dst, n, scratch);
    }
  }
}
export { gemmDot, gemmDotDepth } from './gemm';
export { conv2dMaxPool, convPoolScratchBytes } from './conv-pool-forward';
export { gemmDotReduce } from './gemm';
export { conv2dPoolWeights, poolWeightsFits, poolWeightsScratchBytes } from './conv-pool-weights';
