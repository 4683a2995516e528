/**
 * Positional wrappers over `runKernel(kernel, args, backend)` for the kernel tests, so a test reads
 * like the BLAS-style call it checks: `on(wasm).gemm(false, true, m, n, k, 1, a, b, 0, c)`. Each runs
 * the kernel on that backend without validation (what an op does after validating).
 */
import type { ActivationOp, Backend, BinaryOp, ReduceOp, UnaryOp } from '../src/backend.js';
import { JsBackend } from '../src/backends/js/index.js';
import * as k from '../src/kernels/index.js';
import { runKernel } from '../src/kernels/kernel.js';
import type { Random } from '../src/random.js';
import type { Conv2dGeometry, Pool2dGeometry } from '../src/shape.js';
import type { AnyTensor, IntTensor, Tensor } from '../src/tensor.js';

/** The reference backend (every kernel runs its reference implementation). */
export const reference = new JsBackend();

/** The kernels of `b`, called positionally. */
export function on(b: Backend) {
  return {
    copy: (src: AnyTensor, dst: AnyTensor) => runKernel(k.copy, { src, dst }, b),
    fill: (x: Tensor, value: number) => runKernel(k.fill, { x, value }, b),
    gemm: (
      transA: boolean,
      transB: boolean,
      m: number,
      n: number,
      kk: number,
      alpha: number,
      a: Tensor,
      bb: Tensor,
      beta: number,
      c: Tensor,
    ) => runKernel(k.gemm, { transA, transB, m, n, k: kk, alpha, a, b: bb, beta, c }, b),
    im2col: (x: Tensor, g: Conv2dGeometry, cols: Tensor) => runKernel(k.im2col, { x, g, cols }, b),
    col2im: (cols: Tensor, g: Conv2dGeometry, dx: Tensor) => runKernel(k.col2im, { cols, g, dx }, b),
    conv2d: (x: Tensor, w: Tensor, bias: Tensor | null, y: Tensor, g: Conv2dGeometry) =>
      runKernel(k.conv2d, { x, w, bias, y, g }, b),
    conv2dBackwardData: (dy: Tensor, w: Tensor, dx: Tensor, g: Conv2dGeometry) =>
      runKernel(k.conv2dBackwardData, { dy, w, dx, g }, b),
    conv2dBackwardWeights: (x: Tensor, dy: Tensor, dw: Tensor, db: Tensor | null, g: Conv2dGeometry) =>
      runKernel(k.conv2dBackwardWeights, { x, dy, dw, db, g }, b),
    maxPool2d: (x: Tensor, y: Tensor, argmax: IntTensor, g: Pool2dGeometry) =>
      runKernel(k.maxPool2d, { x, y, argmax, g }, b),
    maxPool2dBackward: (dy: Tensor, argmax: IntTensor, dx: Tensor, g: Pool2dGeometry) =>
      runKernel(k.maxPool2dBackward, { dy, argmax, dx, g }, b),
    avgPool2d: (x: Tensor, y: Tensor, g: Pool2dGeometry, countIncludePad: boolean) =>
      runKernel(k.avgPool2d, { x, y, g, countIncludePad }, b),
    avgPool2dBackward: (dy: Tensor, dx: Tensor, g: Pool2dGeometry, countIncludePad: boolean) =>
      runKernel(k.avgPool2dBackward, { dy, dx, g, countIncludePad }, b),
    binary: (op: BinaryOp, a: Tensor, bb: Tensor, out: Tensor) =>
      runKernel(k.binary, { op, a, b: bb, out }, b),
    unary: (op: UnaryOp, x: Tensor, out: Tensor) => runKernel(k.unary, { op, x, out }, b),
    activation: (op: ActivationOp, x: Tensor, y: Tensor, alpha: number) =>
      runKernel(k.activation, { op, x, y, alpha }, b),
    activationBackward: (op: ActivationOp, x: Tensor, y: Tensor, dy: Tensor, dx: Tensor, alpha: number) =>
      runKernel(k.activationBackward, { op, x, y, dy, dx, alpha }, b),
    /** y ← α·x + β·y */
    axpby: (alpha: number, x: Tensor, beta: number, y: Tensor) =>
      runKernel(k.axpby, { alpha, x, beta, y, out: y }, b),
    /** y [N, C, …] += bias [C] */
    addBias: (y: Tensor, bias: Tensor) =>
      runKernel(k.channelScaleShift, { x: y, scale: null, shift: bias, y, accumulate: false }, b),
    /** db [C] += Σ dy over every axis but 1 */
    biasGrad: (dy: Tensor, db: Tensor) => runKernel(k.channelSum, { x: dy, out: db, accumulate: true }, b),
    reduce: (op: ReduceOp, x: Tensor, axis: number, out: Tensor) =>
      runKernel(k.reduce, { op, x, axis, out }, b),
    argmax: (x: Tensor, axis: number, out: IntTensor) => runKernel(k.argmax, { x, axis, out }, b),
    sumSquares: (x: Tensor) => runKernel(k.sumSquares, { x }, b),
    softmax: (x: Tensor, out: Tensor) => runKernel(k.softmax, { x, out }, b),
    logSoftmax: (x: Tensor, out: Tensor) => runKernel(k.logSoftmax, { x, out }, b),
    softmaxCrossEntropy: (logits: Tensor, labels: IntTensor, dlogits: Tensor | null) =>
      runKernel(k.softmaxCrossEntropy, { logits, labels, dlogits }, b),
    countCorrect: (scores: Tensor, labels: IntTensor) => runKernel(k.countCorrect, { scores, labels }, b),
    /** Inverted dropout: mask ← bernoulli(p)·1/(1 − p), y ← x·mask. */
    dropout: (x: Tensor, mask: Tensor, y: Tensor, p: number, rng: Random) => {
      runKernel(k.bernoulliMask, { mask, p, scale: p < 1 ? 1 / (1 - p) : 0, rng }, b);
      runKernel(k.binary, { op: 'mul', a: x, b: mask, out: y }, b);
    },
  };
}
