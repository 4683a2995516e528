/** The user-facing operations: validate shapes, allocate outputs (or take `out`), call the backend. */
export {
  type Conv2dBackwardWeightsOptions,
  type Conv2dOptions,
  type UnfoldOptions,
  col2im,
  conv2d,
  conv2dBackwardData,
  conv2dBackwardWeights,
  im2col,
} from './conv.js';
export {
  type TensorLike,
  abs,
  add,
  div,
  exp,
  log,
  maximum,
  minimum,
  mul,
  neg,
  relu,
  sigmoid,
  sqrt,
  square,
  sub,
  tanh,
} from './elementwise.js';
export { type GemmOptions, gemm, matmul } from './matmul.js';
export {
  type AvgPool2dOptions,
  type Pool2dOptions,
  avgPool2d,
  avgPool2dBackward,
  maxPool2d,
  maxPool2dBackward,
} from './pool.js';
export { type ArgmaxOptions, type ReduceOptions, argmax, max, mean, min, sum, sumToShape } from './reduce.js';
export {
  type SoftmaxCrossEntropyOptions,
  type SoftmaxOptions,
  logSoftmax,
  softmax,
  softmaxCrossEntropy,
} from './softmax.js';
