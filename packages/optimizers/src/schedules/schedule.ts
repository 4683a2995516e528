import type { CosineAnnealingLRConfig } from './cosine.js';
import type { CosineWarmRestartsConfig } from './cosine-warm-restarts.js';
import type { EpochScheduleConfig } from './epochs.js';
import type { ExponentialLRConfig } from './exponential.js';
import type { MultiStepLRConfig } from './multi-step.js';
import type { ScaledLRConfig } from './scaled.js';
import type { StepLRConfig } from './step.js';
import type { LinearWarmupConfig } from './warmup.js';

/**
 * A learning-rate schedule: a pure function of the number of optimizer steps already taken, so an
 * optimizer restored with its step count continues on exactly the same curve.
 *
 * Schedules count optimizer steps (batches). For an epoch-based recipe wrap the schedule in an
 * `EpochSchedule` (`inEpochs(config, batchesPerEpoch)`), or multiply by the batches per epoch
 * (PyTorch `StepLR(step_size=2)` stepped per epoch is `stepSize: 2 * batchesPerEpoch` here).
 */
export interface Schedule {
  /** The learning rate for the step that follows `step` completed steps, given the base rate. */
  rate(step: number, baseLr: number): number;
  /** JSON-safe description; {@link createSchedule} rebuilds an identical schedule from it. */
  getConfig(): ScheduleConfig;
}

/** JSON description of any built-in schedule (recorded in optimizer configs and checkpoints). */
export type ScheduleConfig =
  | StepLRConfig
  | MultiStepLRConfig
  | ExponentialLRConfig
  | CosineAnnealingLRConfig
  | CosineWarmRestartsConfig
  | LinearWarmupConfig
  | EpochScheduleConfig
  | ScaledLRConfig;
