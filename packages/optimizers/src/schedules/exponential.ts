import { checkNumber } from '../validate.js';
import type { Schedule } from './schedule.js';

/** JSON form of {@link ExponentialLR}. */
export type ExponentialLRConfig = { type: 'exponential'; gamma: number };

/**
 * Exponential decay (PyTorch `ExponentialLR`): `lr_t = lr_0 · γ^t`, t = steps taken.
 *
 * @example
 * ```ts
 * new ExponentialLR({ gamma: 0.999 }).rate(1000, 0.1); // 0.1 · 0.999^1000 ≈ 0.0368
 * ```
 */
export class ExponentialLR implements Schedule {
  /** Factor per step (> 0). */
  readonly gamma: number;

  constructor(options: { gamma: number }) {
    this.gamma = checkNumber('ExponentialLR', 'gamma', options.gamma, Number.NaN, { above: 0 });
  }

  rate(step: number, baseLr: number): number {
    return baseLr * this.gamma ** step;
  }

  getConfig(): ExponentialLRConfig {
    return { type: 'exponential', gamma: this.gamma };
  }
}
