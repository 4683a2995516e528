import { checkNumber } from '../validate.js';
import type { Schedule } from './schedule.js';

/** JSON form of {@link StepLR}. */
export type StepLRConfig = { type: 'step'; stepSize: number; gamma: number };

/**
 * Step decay (PyTorch `StepLR`): `lr_t = lr_0 · γ^⌊t / stepSize⌋`, t = steps taken.
 *
 * @example
 * ```ts
 * new SGD(params, { lr: 0.1, schedule: { type: 'step', stepSize: 1000, gamma: 0.5 } });
 * ```
 */
export class StepLR implements Schedule {
  /** Steps between two decays (≥ 1). */
  readonly stepSize: number;
  /** Factor applied at each decay (default 0.1, as PyTorch). */
  readonly gamma: number;

  constructor(options: { stepSize: number; gamma?: number }) {
    this.stepSize = checkNumber('StepLR', 'stepSize', options.stepSize, Number.NaN, {
      min: 1,
      integer: true,
    });
    this.gamma = checkNumber('StepLR', 'gamma', options.gamma, 0.1, { min: 0 });
  }

  rate(step: number, baseLr: number): number {
    return baseLr * this.gamma ** Math.floor(step / this.stepSize);
  }

  getConfig(): StepLRConfig {
    return { type: 'step', stepSize: this.stepSize, gamma: this.gamma };
  }
}
