/**
 * The reference backend: every kernel in plain TypeScript over `tensor.data` views, so it works on
 * any storage (including another backend's). Reads like the textbook; loops are ordered for the cache.
 */
import type {
  ActivationOp,
  AdagradHyper,
  AdamHyper,
  Backend,
  BatchNormHyper,
  BinaryOp,
  ReduceOp,
  RmspropHyper,
  SgdHyper,
  UnaryOp,
} from '../../backend.js';
import type { Random } from '../../random.js';
import type { Conv2dGeometry, Pool2dGeometry } from '../../shape.js';
import { HeapStorage } from '../../storage.js';
import type { AnyTensor, IntTensor, Tensor } from '../../tensor.js';
import { batchNorm, batchNormBackward } from './batchnorm.js';
import * as conv from './conv.js';
import { dropout } from './dropout.js';
import * as ew from './elementwise.js';
import { gemmRaw } from './gemm.js';
import * as pool from './pool.js';
import * as red from './reduce.js';
import { Scratch } from './scratch.js';
import * as sm from './softmax.js';
import * as opt from './optimizers.js';

/**
 * The pure-TypeScript reference backend (`'js'`): single-threaded, storage in ordinary ArrayBuffers.
 * Always available; the fallback where WebAssembly is not.
 *
 * @example
 * ```ts
 * import { JsBackend, setBackend } from '@scratchnet/tensor';
 * setBackend(new JsBackend()); // or setBackend('js')
 * ```
 */
export class JsBackend implements Backend {
  readonly name = 'js';
  readonly threads = 1;
  /** Unfolded patches of one sample, reused by every convolution on this backend. */
  private readonly scratch = new Scratch();

  allocate(length: number): HeapStorage {
    return new HeapStorage(length, this.name);
  }

  copy(src: AnyTensor, dst: AnyTensor): void {
    // Same element type: a bit copy. Float ↔ int converts values (typed-array semantics: truncation).
    dst.data.set(src.data);
  }

  fill(x: Tensor, value: number): void {
    x.data.fill(value);
  }

  gemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: Tensor,
    b: Tensor,
    beta: number,
    c: Tensor,
  ): void {
    gemmRaw(transA, transB, m, n, k, alpha, a.data, 0, b.data, 0, beta, c.data, 0);
  }

  im2col(x: Tensor, g: Conv2dGeometry, cols: Tensor): void {
    conv.im2col(x, g, cols);
  }

  col2im(cols: Tensor, g: Conv2dGeometry, dx: Tensor): void {
    conv.col2im(cols, g, dx);
  }

  conv2d(x: Tensor, w: Tensor, bias: Tensor | null, y: Tensor, g: Conv2dGeometry): void {
    conv.conv2d(x, w, bias, y, g, this.scratch);
  }

  conv2dBackwardData(dy: Tensor, w: Tensor, dx: Tensor, g: Conv2dGeometry): void {
    conv.conv2dBackwardData(dy, w, dx, g, this.scratch);
  }

  conv2dBackwardWeights(x: Tensor, dy: Tensor, dw: Tensor, db: Tensor | null, g: Conv2dGeometry): void {
    conv.conv2dBackwardWeights(x, dy, dw, db, g, this.scratch);
  }

  maxPool2d(x: Tensor, y: Tensor, argmax: IntTensor, g: Pool2dGeometry): void {
    pool.maxPool2d(x, y, argmax, g);
  }

  maxPool2dBackward(dy: Tensor, argmax: IntTensor, dx: Tensor, g: Pool2dGeometry): void {
    pool.maxPool2dBackward(dy, argmax, dx, g);
  }

  avgPool2d(x: Tensor, y: Tensor, g: Pool2dGeometry, countIncludePad: boolean): void {
    pool.avgPool2d(x, y, g, countIncludePad);
  }

  avgPool2dBackward(dy: Tensor, dx: Tensor, g: Pool2dGeometry, countIncludePad: boolean): void {
    pool.avgPool2dBackward(dy, dx, g, countIncludePad);
  }

  binary(op: BinaryOp, a: Tensor, b: Tensor, out: Tensor): void {
    ew.binary(op, a, b, out);
  }

  unary(op: UnaryOp, x: Tensor, out: Tensor): void {
    ew.unary(op, x, out);
  }

  activation(op: ActivationOp, x: Tensor, y: Tensor, alpha: number): void {
    ew.activation(op, x, y, alpha);
  }

  activationBackward(op: ActivationOp, x: Tensor, y: Tensor, dy: Tensor, dx: Tensor, alpha: number): void {
    ew.activationBackward(op, x, y, dy, dx, alpha);
  }

  axpby(alpha: number, x: Tensor, beta: number, y: Tensor): void {
    ew.axpby(alpha, x, beta, y);
  }

  addBias(y: Tensor, bias: Tensor): void {
    ew.addBias(y, bias);
  }

  biasGrad(dy: Tensor, db: Tensor): void {
    ew.biasGrad(dy, db);
  }

  reduce(op: ReduceOp, x: Tensor, axis: number, out: Tensor): void {
    red.reduce(op, x, axis, out);
  }

  argmax(x: Tensor, axis: number, out: IntTensor): void {
    red.argmax(x, axis, out);
  }

  sumSquares(x: Tensor): number {
    return red.sumSquares(x);
  }

  softmax(x: Tensor, out: Tensor): void {
    sm.softmax(x, out);
  }

  logSoftmax(x: Tensor, out: Tensor): void {
    sm.logSoftmax(x, out);
  }

  softmaxCrossEntropy(logits: Tensor, labels: IntTensor, dlogits: Tensor | null): number {
    return sm.softmaxCrossEntropy(logits, labels, dlogits);
  }

  countCorrect(scores: Tensor, labels: IntTensor): number {
    return sm.countCorrect(scores, labels);
  }

  dropout(x: Tensor, mask: Tensor, y: Tensor, p: number, rng: Random): void {
    dropout(x, mask, y, p, rng);
  }

  batchNorm(
    x: Tensor,
    gamma: Tensor,
    beta: Tensor,
    runningMean: Tensor,
    runningVar: Tensor,
    y: Tensor,
    saveMean: Tensor,
    saveInvStd: Tensor,
    h: BatchNormHyper,
  ): void {
    batchNorm(x, gamma, beta, runningMean, runningVar, y, saveMean, saveInvStd, h);
  }

  batchNormBackward(
    x: Tensor,
    dy: Tensor,
    gamma: Tensor,
    saveMean: Tensor,
    saveInvStd: Tensor,
    dx: Tensor,
    dgamma: Tensor,
    dbeta: Tensor,
    training: boolean,
  ): void {
    batchNormBackward(x, dy, gamma, saveMean, saveInvStd, dx, dgamma, dbeta, training);
  }

  sgdUpdate(param: Tensor, grad: Tensor, momentumBuffer: Tensor | null, h: SgdHyper): void {
    opt.sgdUpdate(param, grad, momentumBuffer, h);
  }

  adamUpdate(
    param: Tensor,
    grad: Tensor,
    expAvg: Tensor,
    expAvgSq: Tensor,
    maxExpAvgSq: Tensor | null,
    h: AdamHyper,
  ): void {
    opt.adamUpdate(param, grad, expAvg, expAvgSq, maxExpAvgSq, h);
  }

  rmspropUpdate(
    param: Tensor,
    grad: Tensor,
    squareAvg: Tensor,
    momentumBuffer: Tensor | null,
    gradAvg: Tensor | null,
    h: RmspropHyper,
  ): void {
    opt.rmspropUpdate(param, grad, squareAvg, momentumBuffer, gradAvg, h);
  }

  adagradUpdate(param: Tensor, grad: Tensor, stateSum: Tensor, h: AdagradHyper): void {
    opt.adagradUpdate(param, grad, stateSum, h);
  }
}
