import { checkNumber } from '../validate.js';
import type { Schedule } from './schedule.js';

/** JSON form of {@link CosineAnnealingLR}. */
export type CosineAnnealingLRConfig = { type: 'cosine'; tMax: number; etaMin: number };

/**
 * Cosine annealing (PyTorch `CosineAnnealingLR`, closed form):
 * `lr_t = η_min + (lr_0 − η_min) · (1 + cos(π·t / T_max)) / 2` for t ≤ T_max, and η_min after it
 * (PyTorch's formula would climb back up past T_max; holding the floor is what a run longer than
 * `tMax` wants; use {@link CosineWarmRestarts} for periodic restarts).
 *
 * @example
 * ```ts
 * new CosineAnnealingLR({ tMax: 100 }).rate(50, 0.1); // 0.05
 * ```
 */
export class CosineAnnealingLR implements Schedule {
  /** Steps from the base rate down to `etaMin` (≥ 1). */
  readonly tMax: number;
  /** Floor of the rate (default 0). */
  readonly etaMin: number;

  constructor(options: { tMax: number; etaMin?: number }) {
    this.tMax = checkNumber('CosineAnnealingLR', 'tMax', options.tMax, Number.NaN, { min: 1, integer: true });
    this.etaMin = checkNumber('CosineAnnealingLR', 'etaMin', options.etaMin, 0, { min: 0 });
  }

  rate(step: number, baseLr: number): number {
    if (step >= this.tMax) return this.etaMin;
    return this.etaMin + ((baseLr - this.etaMin) * (1 + Math.cos((Math.PI * step) / this.tMax))) / 2;
  }

  getConfig(): CosineAnnealingLRConfig {
    return { type: 'cosine', tMax: this.tMax, etaMin: this.etaMin };
  }
}
