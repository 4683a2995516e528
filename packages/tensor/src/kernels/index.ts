/** Every kernel of the package: one file each (arguments, validation, reference implementation). */
export { type ActivationArgs, ACTIVATIONS, activation } from './activation.js';
export { type ActivationBackwardArgs, activationBackward } from './activation-backward.js';
export { type AddcdivArgs, addcdiv } from './addcdiv.js';
export { type AddcmulArgs, addcmul } from './addcmul.js';
export { type ArgmaxArgs, argmax } from './argmax.js';
export { type AvgPool2dArgs, avgPool2d } from './avg-pool2d.js';
export { type AvgPool2dBackwardArgs, avgPool2dBackward } from './avg-pool2d-backward.js';
export { type AxpbyArgs, axpby } from './axpby.js';
export { type BernoulliMaskArgs, bernoulliMask } from './bernoulli-mask.js';
export { type BinaryArgs, binary } from './binary.js';
export { type ChannelCombineArgs, channelCombine } from './channel-combine.js';
export { type ChannelDotArgs, channelDot } from './channel-dot.js';
export { type ChannelScaleShiftArgs, channelScaleShift } from './channel-scale-shift.js';
export { type ChannelSumArgs, channelSum } from './channel-sum.js';
export { type Col2imArgs, col2im } from './col2im.js';
export { type Conv2dArgs, conv2d } from './conv2d.js';
export { type Conv2dBackwardDataArgs, conv2dBackwardData } from './conv2d-backward-data.js';
export { type Conv2dBackwardWeightsArgs, conv2dBackwardWeights } from './conv2d-backward-weights.js';
export { type CopyArgs, copy } from './copy.js';
export { type CountCorrectArgs, countCorrect } from './count-correct.js';
export { type CrossEntropyArgs, crossEntropy } from './cross-entropy.js';
export { type DropoutArgs, dropout } from './dropout.js';
export { type FillArgs, fill } from './fill.js';
export { type GemmArgs, gemm } from './gemm.js';
export { type Im2colArgs, im2col } from './im2col.js';
export { type IndexOutsideArgs, indexOutside } from './index-outside.js';
export {
  type Kernel,
  type KernelImpl,
  type KernelObserver,
  type KernelSpec,
  callKernel,
  defineKernel,
  kernelsImplementedBy,
  listKernels,
  registerKernel,
  runKernel,
  setKernelObserver,
} from './kernel.js';
export { logSoftmax } from './log-softmax.js';
export { type MaxPool2dArgs, maxPool2d } from './max-pool2d.js';
export { type MaxPool2dBackwardArgs, maxPool2dBackward } from './max-pool2d-backward.js';
export { type OneHotArgs, oneHot } from './one-hot.js';
export { type ReduceArgs, reduce } from './reduce.js';
export { type SoftmaxArgs, softmax } from './softmax.js';
export { type SoftmaxCrossEntropyArgs, softmaxCrossEntropy } from './softmax-cross-entropy.js';
export { type SumSquaresArgs, sumSquares } from './sum-squares.js';
export { type UnaryArgs, unary } from './unary.js';
export { type SgdUpdateArgs, sgdUpdate } from './sgd-update.js';
export { type Conv2dMaxPool2dArgs, conv2dMaxPool2d } from './conv2d-max-pool2d.js';
export {
  type Conv2dMaxPool2dBackwardWeightsArgs,
  conv2dMaxPool2dBackwardWeights,
} from './conv2d-max-pool2d-backward-weights.js';
