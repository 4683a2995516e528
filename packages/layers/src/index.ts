/**
 * @scratchnet/layers: CNN layers, each with its forward and backward side by side; losses;
 * initializers; `Sequential` with fit/evaluate/predict; and model presets. Parameter names and
 * layouts follow PyTorch's `nn.Sequential`, so weights move between the two unchanged.
 *
 * @packageDocumentation
 */
export {
  type Fans,
  INITIALIZERS,
  type InitializerName,
  checkInitializer,
  fansOf,
  initialize,
} from './initializers.js';
export {
  type BackwardOptions,
  BaseLayer,
  type Buffer,
  type BuildOptions,
  type ForwardOptions,
  type JsonValue,
  type Layer,
  type LayerConfig,
  type Parameter,
  accumulatesGrads,
} from './layer.js';
export { ActivationLayer } from './layers/activation.js';
export { type AvgPool2dOptions, AvgPool2d, AvgPool2D, type AvgPool2DOptions } from './layers/avg-pool2d.js';
export { type BatchNormOptions, BatchNorm1d, BatchNorm2d } from './layers/batch-norm.js';
export { type Conv2dOptions, Conv2d, Conv2D, type Conv2DOptions } from './layers/conv2d.js';
export { type DenseOptions, Dense } from './layers/dense.js';
export { Dropout } from './layers/dropout.js';
export { Flatten } from './layers/flatten.js';
export { LeakyReLU } from './layers/leaky-relu.js';
export { MaxPool2d, MaxPool2D } from './layers/max-pool2d.js';
export { type Pool2dOptions, Pool2dLayer, Pool2DLayer, type Pool2DOptions } from './layers/pool.js';
export { type LayerFactory, layerFromConfig, layerTypes, registerLayer } from './layers/registry.js';
export { ReLU } from './layers/relu.js';
export { Sigmoid } from './layers/sigmoid.js';
export { Softmax } from './layers/softmax.js';
export { Tanh } from './layers/tanh.js';
export {
  CategoricalCrossEntropy,
  type Loss,
  type LossName,
  MSE,
  SoftmaxCrossEntropy,
  createLoss,
} from './losses/index.js';
export {
  type Batch,
  type BatchOptions,
  type BatchSource,
  tensorBatchSource,
} from './model/data.js';
export type {
  AbortSignalLike,
  BatchMetrics,
  EpochMetrics,
  EvaluateOptions,
  Evaluation,
  FitCallbacks,
  FitOptions,
  History,
} from './model/fit.js';
export {
  type ModelConfig,
  type OptimizerLike,
  type PredictOptions,
  Sequential,
  type SequentialOptions,
} from './model/sequential.js';
export {
  type DeprecatedPresetName,
  PRESETS,
  PRESET_NAMES,
  type Preset,
  type PresetName,
  type PresetOptions,
  createModel,
  resolvePresetName,
} from './presets.js';
export {
  EarlyStopping,
  type EarlyStoppingOptions,
  type EarlyStoppingState,
  type LearningRateScale,
  MetricMonitor,
  type MonitorMode,
  type MonitorName,
  type MonitorOptions,
  type MonitorState,
  type PlateauTarget,
  ReduceLROnPlateau,
  type ReduceLROnPlateauOptions,
  type ReduceLROnPlateauState,
  type WeightsOwner,
  combineCallbacks,
} from './callbacks/index.js';
