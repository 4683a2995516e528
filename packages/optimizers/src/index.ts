/**
 * @scratchnet/optimizers: SGD (momentum, Nesterov, NNFS-style decay), Adam, AdamW, RMSprop and Adagrad
 * with PyTorch's update rules, learning-rate schedules, gradient clipping, and exact state for resuming.
 *
 * @packageDocumentation
 */
export { Adagrad, type AdagradConfig, type AdagradOptions } from './adagrad.js';
export { Adam, AdamBase, type AdamConfig, type AdamOptions } from './adam.js';
export { AdamW } from './adamw.js';
export { type ClipGradNormOptions, clipGradNorm } from './clip-grad-norm.js';
export { type OptimizerConfig, type OptimizerSpec, createOptimizer } from './create.js';
export {
  type CommonConfig,
  type CommonOptions,
  Optimizer,
  type OptimizerState,
  type Parameter,
} from './optimizer.js';
export { RMSprop, type RmspropConfig, type RmspropOptions } from './rmsprop.js';
export { CosineAnnealingLR, type CosineAnnealingLRConfig } from './schedules/cosine.js';
export { CosineWarmRestarts, type CosineWarmRestartsConfig } from './schedules/cosine-warm-restarts.js';
export { createSchedule } from './schedules/create.js';
export { EpochSchedule, type EpochScheduleConfig, inEpochs } from './schedules/epochs.js';
export { ExponentialLR, type ExponentialLRConfig } from './schedules/exponential.js';
export { MultiStepLR, type MultiStepLRConfig } from './schedules/multi-step.js';
export { ScaledLR, type ScaledLRConfig } from './schedules/scaled.js';
export type { Schedule, ScheduleConfig } from './schedules/schedule.js';
export { StepLR, type StepLRConfig } from './schedules/step.js';
export { LinearWarmup, type LinearWarmupConfig } from './schedules/warmup.js';
export { SGD, type SgdConfig, type SgdOptions } from './sgd.js';
