import { checkNumber } from '../validate.js';
import { createSchedule } from './create.js';
import type { Schedule, ScheduleConfig } from './schedule.js';

/** JSON form of {@link EpochSchedule}. */
export type EpochScheduleConfig = { type: 'epochs'; stepsPerEpoch: number; schedule: ScheduleConfig };

/**
 * A schedule written in epochs, run by an optimizer that counts steps: the inner schedule sees
 * `t / stepsPerEpoch` (fractional epochs). `StepLR`'s and `MultiStepLR`'s changes then fall exactly on
 * epoch boundaries (as PyTorch schedulers stepped once per epoch), while cosine, exponential and
 * warm-up move a little every batch instead of in steps.
 *
 * @example
 * ```ts
 * // Cosine annealing over 12 epochs of 938 batches.
 * new SGD(params, { lr: 0.05, schedule: inEpochs({ type: 'cosine', tMax: 12, etaMin: 0 }, 938) });
 * ```
 */
export class EpochSchedule implements Schedule {
  /** Optimizer steps (batches) in one epoch (≥ 1). */
  readonly stepsPerEpoch: number;
  /** The schedule in epochs. */
  readonly schedule: Schedule;

  constructor(options: { stepsPerEpoch: number; schedule: ScheduleConfig | Schedule }) {
    this.stepsPerEpoch = checkNumber('EpochSchedule', 'stepsPerEpoch', options.stepsPerEpoch, Number.NaN, {
      min: 1,
      integer: true,
    });
    if (options.schedule === undefined) throw new TypeError('EpochSchedule: schedule is required');
    this.schedule = createSchedule(options.schedule);
  }

  rate(step: number, baseLr: number): number {
    return this.schedule.rate(step / this.stepsPerEpoch, baseLr);
  }

  getConfig(): EpochScheduleConfig {
    return { type: 'epochs', stepsPerEpoch: this.stepsPerEpoch, schedule: this.schedule.getConfig() };
  }
}

/**
 * The config of `schedule`, written in epochs, for an optimizer stepping `stepsPerEpoch` batches an
 * epoch (see {@link EpochSchedule}).
 */
export function inEpochs(schedule: ScheduleConfig, stepsPerEpoch: number): EpochScheduleConfig {
  return { type: 'epochs', stepsPerEpoch, schedule };
}
