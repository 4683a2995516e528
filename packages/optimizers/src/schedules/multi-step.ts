import { checkNumber } from '../validate.js';
import type { Schedule } from './schedule.js';

/** JSON form of {@link MultiStepLR}. */
export type MultiStepLRConfig = { type: 'multiStep'; milestones: number[]; gamma: number };

/**
 * Decay at given steps (PyTorch `MultiStepLR`): `lr_t = lr_0 · γ^k`, k = number of milestones ≤ t.
 *
 * @example
 * ```ts
 * new MultiStepLR({ milestones: [3000, 6000], gamma: 0.1 }).rate(4000, 0.1); // 0.01
 * ```
 */
export class MultiStepLR implements Schedule {
  /** Steps at which the rate is multiplied by `gamma`, strictly increasing. */
  readonly milestones: readonly number[];
  /** Factor applied at each milestone (default 0.1, as PyTorch). */
  readonly gamma: number;

  constructor(options: { milestones: readonly number[]; gamma?: number }) {
    if (!Array.isArray(options.milestones))
      throw new TypeError('MultiStepLR: milestones must be an array of steps');
    options.milestones.forEach((m, i) => {
      checkNumber('MultiStepLR', `milestones[${i}]`, m, Number.NaN, {
        min: i === 0 ? 1 : options.milestones[i - 1] + 1,
        integer: true,
      });
    });
    this.milestones = Object.freeze([...options.milestones]);
    this.gamma = checkNumber('MultiStepLR', 'gamma', options.gamma, 0.1, { min: 0 });
  }

  rate(step: number, baseLr: number): number {
    let k = 0;
    while (k < this.milestones.length && this.milestones[k] <= step) k++;
    return baseLr * this.gamma ** k;
  }

  getConfig(): MultiStepLRConfig {
    return { type: 'multiStep', milestones: [...this.milestones], gamma: this.gamma };
  }
}
