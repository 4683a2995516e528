import { checkNumber } from '../validate.js';
import { createSchedule } from './create.js';
import type { Schedule, ScheduleConfig } from './schedule.js';

/** JSON form of {@link LinearWarmup}. */
export type LinearWarmupConfig = {
  type: 'warmup';
  steps: number;
  startFactor: number;
  after?: ScheduleConfig;
};

/**
 * Linear warm-up, optionally followed by another schedule (PyTorch `LinearLR` chained with
 * `SequentialLR`): for t < steps, `lr_t = lr_0 · (s + (1 − s)·t / steps)` with s = `startFactor`;
 * from then on `after.rate(t − steps)` (the following schedule starts from its own step 0), or lr_0.
 *
 * @example
 * ```ts
 * // 500 steps of warm-up from lr/10, then cosine annealing over the next 9500 steps.
 * new Adam(params, { lr: 1e-3, schedule: { type: 'warmup', steps: 500, startFactor: 0.1,
 *   after: { type: 'cosine', tMax: 9500, etaMin: 0 } } });
 * ```
 */
export class LinearWarmup implements Schedule {
  /** Length of the warm-up in steps (≥ 1). */
  readonly steps: number;
  /** Fraction of the base rate at step 0, in (0, 1] (default 1/3, PyTorch `LinearLR`'s). */
  readonly startFactor: number;
  /** The schedule after the warm-up, or null for the constant base rate. */
  readonly after: Schedule | null;

  constructor(options: { steps: number; startFactor?: number; after?: ScheduleConfig | Schedule }) {
    this.steps = checkNumber('LinearWarmup', 'steps', options.steps, Number.NaN, { min: 1, integer: true });
    this.startFactor = checkNumber('LinearWarmup', 'startFactor', options.startFactor, 1 / 3, {
      above: 0,
      max: 1,
    });
    this.after = options.after === undefined ? null : createSchedule(options.after);
  }

  rate(step: number, baseLr: number): number {
    if (step < this.steps) return baseLr * (this.startFactor + ((1 - this.startFactor) * step) / this.steps);
    return this.after === null ? baseLr : this.after.rate(step - this.steps, baseLr);
  }

  getConfig(): LinearWarmupConfig {
    const config: LinearWarmupConfig = { type: 'warmup', steps: this.steps, startFactor: this.startFactor };
    if (this.after !== null) config.after = this.after.getConfig();
    return config;
  }
}
