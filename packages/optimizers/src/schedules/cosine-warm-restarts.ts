import { checkNumber } from '../validate.js';
import type { Schedule } from './schedule.js';

/** JSON form of {@link CosineWarmRestarts}. */
export type CosineWarmRestartsConfig = {
  type: 'cosineWarmRestarts';
  t0: number;
  tMult: number;
  etaMin: number;
};

/**
 * Cosine annealing with warm restarts (SGDR; PyTorch `CosineAnnealingWarmRestarts`):
 * `lr_t = η_min + (lr_0 − η_min) · (1 + cos(π·T_cur / T_i)) / 2`, where the i-th cycle lasts
 * `T_i = t0 · tMult^i` steps and `T_cur` counts steps since the last restart.
 *
 * @example
 * ```ts
 * const s = new CosineWarmRestarts({ t0: 10, tMult: 2 }); // cycles of 10, 20, 40, … steps
 * s.rate(10, 0.1); // 0.1: the first restart
 * ```
 */
export class CosineWarmRestarts implements Schedule {
  /** Length of the first cycle in steps (≥ 1). */
  readonly t0: number;
  /** Growth of each cycle's length (an integer ≥ 1, as PyTorch; default 1). */
  readonly tMult: number;
  /** Floor of the rate (default 0). */
  readonly etaMin: number;

  constructor(options: { t0: number; tMult?: number; etaMin?: number }) {
    this.t0 = checkNumber('CosineWarmRestarts', 't0', options.t0, Number.NaN, { min: 1, integer: true });
    this.tMult = checkNumber('CosineWarmRestarts', 'tMult', options.tMult, 1, { min: 1, integer: true });
    this.etaMin = checkNumber('CosineWarmRestarts', 'etaMin', options.etaMin, 0, { min: 0 });
  }

  rate(step: number, baseLr: number): number {
    // Walk the cycles in integers (exact at every boundary, unlike a floating-point logarithm).
    let start = 0;
    let length = this.t0;
    if (this.tMult === 1) start = step - (step % length);
    else {
      while (step >= start + length) {
        start += length;
        length *= this.tMult;
      }
    }
    const tCur = step - start;
    return this.etaMin + ((baseLr - this.etaMin) * (1 + Math.cos((Math.PI * tCur) / length))) / 2;
  }

  getConfig(): CosineWarmRestartsConfig {
    return { type: 'cosineWarmRestarts', t0: this.t0, tMult: this.tMult, etaMin: this.etaMin };
  }
}
