import { checkNumber } from '../validate.js';
import { createSchedule } from './create.js';
import type { Schedule, ScheduleConfig } from './schedule.js';

/** JSON form of {@link ScaledLR}: the current scale is part of it, so a checkpoint restores it. */
export type ScaledLRConfig = { type: 'scaled'; scale: number; schedule?: ScheduleConfig };

/**
 * Another schedule (or the constant base rate) times a settable `scale`: the handle through which
 * `@scratchnet/layers`' `ReduceLROnPlateau` lowers an optimizer's learning rate. Unlike the other
 * schedules it has state, the scale, which its config records.
 *
 * @example
 * ```ts
 * const optimizer = new SGD(params, { lr: 0.05, schedule: new ScaledLR() });
 * const plateau = new ReduceLROnPlateau(optimizer, { patience: 2 }); // lowers optimizer.schedule.scale
 * ```
 */
export class ScaledLR implements Schedule {
  /** The schedule scaled, or null for the constant base rate. */
  readonly schedule: Schedule | null;
  private factor: number;

  constructor(options: { scale?: number; schedule?: ScheduleConfig | Schedule } = {}) {
    this.factor = checkNumber('ScaledLR', 'scale', options.scale, 1, { min: 0 });
    this.schedule = options.schedule === undefined ? null : createSchedule(options.schedule);
  }

  /** Multiplier of the rate (≥ 0, default 1). */
  get scale(): number {
    return this.factor;
  }

  set scale(value: number) {
    this.factor = checkNumber('ScaledLR', 'scale', value, Number.NaN, { min: 0 });
  }

  rate(step: number, baseLr: number): number {
    return this.factor * (this.schedule === null ? baseLr : this.schedule.rate(step, baseLr));
  }

  getConfig(): ScaledLRConfig {
    const config: ScaledLRConfig = { type: 'scaled', scale: this.factor };
    if (this.schedule !== null) config.schedule = this.schedule.getConfig();
    return config;
  }
}
