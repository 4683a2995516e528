import type { EpochMetrics, FitCallbacks } from '../model/fit.js';
import {
  MetricMonitor,
  type MonitorOptions,
  type MonitorState,
  checkCount,
  checkInteger,
} from './monitor.js';

/**
 * A settable multiplier of an optimizer's learning rate, such as `@scratchnet/optimizers`'
 * `ScaledLR` schedule.
 */
export interface LearningRateScale {
  scale: number;
}

/**
 * What {@link ReduceLROnPlateau} lowers: a {@link LearningRateScale}, or an optimizer whose `schedule`
 * is one (e.g. `new SGD(params, { schedule: new ScaledLR() })`).
 */
export type PlateauTarget = LearningRateScale | { readonly schedule: unknown };

/** Options of {@link ReduceLROnPlateau}. */
export interface ReduceLROnPlateauOptions extends MonitorOptions {
  /** Multiplies the scale on a plateau, in (0, 1) (default 0.1). */
  factor?: number;
  /**
   * Epochs without improvement after which the rate is lowered (Keras' rule, like `EarlyStopping`'s;
   * default 10).
   */
  patience?: number;
  /** Epochs to wait after a reduction before counting again (default 0). */
  cooldown?: number;
  /** The scale never goes below this (default 0). */
  minScale?: number;
}

/** The JSON-safe state of a {@link ReduceLROnPlateau} (the scale itself lives in its target). */
export interface ReduceLROnPlateauState extends MonitorState {
  wait: number;
  cooldownCounter: number;
  /** Reductions made so far. */
  reductions: number;
}

function resolveTarget(target: PlateauTarget): LearningRateScale {
  const hasScale = (o: unknown): o is LearningRateScale =>
    typeof o === 'object' && o !== null && typeof (o as LearningRateScale).scale === 'number';
  if (hasScale(target)) return target;
  const schedule = (target as { schedule?: unknown })?.schedule;
  if (hasScale(schedule)) return schedule;
  throw new TypeError(
    'ReduceLROnPlateau: the target needs a settable learning-rate scale (give the optimizer schedule: new ScaledLR(...), or pass the scale object)',
  );
}

/**
 * Multiplies the learning rate by `factor` once the monitored metric has not improved for `patience`
 * epochs (Keras `ReduceLROnPlateau`, PyTorch's of the same name), through a settable scale.
 *
 * @example
 * ```ts
 * const optimizer = new SGD(model.namedParameters(), { lr: 0.05, schedule: new ScaledLR() });
 * const plateau = new ReduceLROnPlateau(optimizer, { patience: 2, factor: 0.5 });
 * await model.fit(train, { optimizer, epochs: 20, batchSize: 64, validationData: val, callbacks: plateau });
 * ```
 */
export class ReduceLROnPlateau implements FitCallbacks {
  readonly factor: number;
  readonly patience: number;
  readonly cooldown: number;
  readonly minScale: number;
  /** The scale it lowers. */
  readonly target: LearningRateScale;
  private readonly tracker: MetricMonitor;
  private waited = 0;
  private cooling = 0;
  private count = 0;

  constructor(target: PlateauTarget, options: ReduceLROnPlateauOptions = {}) {
    this.target = resolveTarget(target);
    this.tracker = new MetricMonitor('ReduceLROnPlateau', { minDelta: 1e-4, ...options });
    const factor = options.factor ?? 0.1;
    if (!(factor > 0 && factor < 1)) {
      throw new RangeError(`ReduceLROnPlateau: factor must be in (0, 1), got ${factor}`);
    }
    this.factor = factor;
    this.patience = checkInteger('ReduceLROnPlateau', 'patience', options.patience ?? 10, 0);
    this.cooldown = checkInteger('ReduceLROnPlateau', 'cooldown', options.cooldown ?? 0, 0);
    const minScale = options.minScale ?? 0;
    if (!(minScale >= 0 && minScale <= 1)) {
      throw new RangeError(`ReduceLROnPlateau: minScale must be in [0, 1], got ${minScale}`);
    }
    this.minScale = minScale;
  }

  /** Best value so far (`null` before the first epoch). */
  get best(): number | null {
    return this.tracker.best;
  }

  /** 1-based epoch of the best value. */
  get bestEpoch(): number {
    return this.tracker.bestEpoch;
  }

  /** Epochs without improvement counted towards the next reduction. */
  get wait(): number {
    return this.waited;
  }

  /** Reductions made so far. */
  get reductions(): number {
    return this.count;
  }

  onEpochEnd(metrics: EpochMetrics): void {
    if (this.tracker.update(metrics)) this.waited = 0;
    else this.waited++;
    // Epochs of cooldown after a reduction are not counted against the new rate.
    if (this.cooling > 0) {
      this.cooling--;
      this.waited = 0;
    }
    if (this.waited === 0 || this.waited < this.patience) return;
    const scale = this.target.scale;
    if (scale > this.minScale) {
      this.target.scale = Math.max(scale * this.factor, this.minScale);
      this.count++;
      this.cooling = this.cooldown;
    }
    this.waited = 0;
  }

  /** The state to store with a checkpoint. */
  stateDict(): ReduceLROnPlateauState {
    return {
      ...this.tracker.state(),
      wait: this.waited,
      cooldownCounter: this.cooling,
      reductions: this.count,
    };
  }

  /** Restores a {@link ReduceLROnPlateau.stateDict}; throws on a malformed one. */
  loadStateDict(state: ReduceLROnPlateauState): void {
    checkCount('ReduceLROnPlateau', 'wait', state?.wait);
    checkCount('ReduceLROnPlateau', 'cooldownCounter', state.cooldownCounter);
    checkCount('ReduceLROnPlateau', 'reductions', state.reductions);
    this.tracker.load(state);
    this.waited = state.wait;
    this.cooling = state.cooldownCounter;
    this.count = state.reductions;
  }
}
