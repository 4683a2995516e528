/** The user-facing operations, the only door to the kernels: validate once, allocate outputs (or take `out`), dispatch. */
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
export {
  type AddcdivOptions,
  type AddcmulOptions,
  type OutOptions,
  type SgdUpdateOptions,
  addcdiv,
  addcmul,
  axpby,
  sgdUpdate,
} from './fused.js';
export {
  type ActivationBackwardOptions,
  type ActivationOptions,
  type ChannelCombineOptions,
  type ChannelDotOptions,
  type ChannelReduceOptions,
  type CrossEntropyOptions,
  type DropoutOptions,
  activation,
  activationBackward,
  bernoulliMask,
  channelCombine,
  channelDot,
  channelScaleShift,
  channelSum,
  copy,
  countCorrect,
  crossEntropy,
  dropout,
  fill,
  oneHot,
  sumSquares,
} from './nn.js';
export {
  type Conv2dMaxPool2dBackwardWeightsOptions,
  type Conv2dMaxPool2dOptions,
  conv2dMaxPool2d,
  conv2dMaxPool2dBackwardWeights,
} from './conv-pool.js';
