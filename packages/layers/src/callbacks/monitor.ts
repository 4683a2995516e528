import type { EpochMetrics } from '../model/fit.js';

/** Epoch metrics a callback can watch. */
export type MonitorName = 'loss' | 'accuracy' | 'valLoss' | 'valAccuracy';

/** Whether a smaller (`min`) or larger (`max`) value is better; `auto`: `max` for accuracies. */
export type MonitorMode = 'min' | 'max' | 'auto';

/** What a {@link MetricMonitor} watches and what counts as an improvement. */
export interface MonitorOptions {
  /** Default `'valLoss'` (needs `validationData` in `fit`). */
  monitor?: MonitorName;
  /** Default `'auto'`. */
  mode?: MonitorMode;
  /** Smallest change that counts as an improvement (≥ 0, default 0). */
  minDelta?: number;
}

/** The JSON-safe state of a {@link MetricMonitor}. */
export interface MonitorState {
  /** Best value so far, `null` before the first epoch. */
  best: number | null;
  /** 1-based epoch of the best value, 0 before the first epoch. */
  bestEpoch: number;
}

const MONITORS: readonly MonitorName[] = ['loss', 'accuracy', 'valLoss', 'valAccuracy'];

/**
 * Tracks the best value of one epoch metric: the shared rule of `EarlyStopping`, `ReduceLROnPlateau`
 * and best-model checkpoints. A value improves on the best when it is better by more than `minDelta`;
 * a non-finite value never improves.
 */
export class MetricMonitor {
  readonly monitor: MonitorName;
  readonly mode: 'min' | 'max';
  readonly minDelta: number;
  /** Best value so far (`null` before the first {@link MetricMonitor.update}). */
  best: number | null = null;
  /** 1-based epoch of {@link MetricMonitor.best}; 0 before any. */
  bestEpoch = 0;

  constructor(owner: string, options: MonitorOptions = {}) {
    const monitor = options.monitor ?? 'valLoss';
    if (!MONITORS.includes(monitor)) {
      throw new TypeError(
        `${owner}: monitor must be one of ${MONITORS.join(', ')}, got '${String(monitor)}'`,
      );
    }
    const mode = options.mode ?? 'auto';
    if (mode !== 'min' && mode !== 'max' && mode !== 'auto') {
      throw new TypeError(`${owner}: mode must be 'min', 'max' or 'auto', got '${String(mode)}'`);
    }
    const minDelta = options.minDelta ?? 0;
    if (!Number.isFinite(minDelta) || minDelta < 0) {
      throw new RangeError(`${owner}: minDelta must be a number ≥ 0, got ${minDelta}`);
    }
    this.monitor = monitor;
    this.mode = mode === 'auto' ? (monitor.endsWith('ccuracy') ? 'max' : 'min') : mode;
    this.minDelta = minDelta;
    this.owner = owner;
  }

  private readonly owner: string;

  /** The watched value of an epoch; throws when the epoch does not report it. */
  valueOf(metrics: EpochMetrics): number {
    const v = metrics[this.monitor];
    if (typeof v !== 'number') {
      throw new Error(
        `${this.owner}: epoch ${metrics.epoch} reports no '${this.monitor}' (pass validationData to fit, or monitor 'loss')`,
      );
    }
    return v;
  }

  /** True when `value` is better than the best so far by more than `minDelta`. */
  improves(value: number): boolean {
    if (!Number.isFinite(value)) return false;
    if (this.best === null) return true;
    return this.mode === 'min' ? value < this.best - this.minDelta : value > this.best + this.minDelta;
  }

  /** Reads the epoch's value; records it as the best when it improves. Returns whether it did. */
  update(metrics: EpochMetrics): boolean {
    const value = this.valueOf(metrics);
    if (!this.improves(value)) return false;
    this.best = value;
    this.bestEpoch = metrics.epoch;
    return true;
  }

  /** The best value and its epoch. */
  state(): MonitorState {
    return { best: this.best, bestEpoch: this.bestEpoch };
  }

  /** Restores {@link MetricMonitor.state}. */
  load(state: MonitorState): void {
    if (state.best !== null && typeof state.best !== 'number') {
      throw new TypeError(`${this.owner}.loadStateDict: best must be a number or null`);
    }
    checkCount(this.owner, 'bestEpoch', state.bestEpoch);
    this.best = state.best;
    this.bestEpoch = state.bestEpoch;
  }
}

/** Throws unless `v` is an integer ≥ 0 (restored state is untrusted input). */
export function checkCount(owner: string, name: string, v: unknown): asserts v is number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw new RangeError(`${owner}.loadStateDict: ${name} must be an integer ≥ 0, got ${String(v)}`);
  }
}

/** Throws unless `v` is an integer ≥ `min`. */
export function checkInteger(owner: string, name: string, v: number, min: number): number {
  if (!Number.isSafeInteger(v) || v < min) {
    throw new RangeError(`${owner}: ${name} must be an integer ≥ ${min}, got ${v}`);
  }
  return v;
}
