import type { Tensor } from '@scratchnet/tensor';
import type { Buffer, Parameter } from '../layer.js';
import type { EpochMetrics, FitCallbacks } from '../model/fit.js';
import {
  MetricMonitor,
  type MonitorOptions,
  type MonitorState,
  checkCount,
  checkInteger,
} from './monitor.js';

/** What {@link EarlyStopping} needs of a model to restore its best weights (a `Sequential` fits). */
export interface WeightsOwner {
  namedParameters(): Parameter[];
  namedBuffers(): Buffer[];
}

/** Options of {@link EarlyStopping}. */
export interface EarlyStoppingOptions extends MonitorOptions {
  /**
   * Epochs without improvement after which training stops (Keras' rule: 0 and 1 both stop at the
   * first epoch that does not improve). Default 0.
   */
  patience?: number;
  /**
   * Put back the weights (and buffers) of the best epoch when training stops, or when its last epoch
   * ends after the best one. Needs `model`. Default false. The copy lives in memory only.
   */
  restoreBestWeights?: boolean;
  /** The model being trained; required with `restoreBestWeights`. */
  model?: WeightsOwner;
}

/** The JSON-safe state of an {@link EarlyStopping}, for exact resumes. */
export interface EarlyStoppingState extends MonitorState {
  /** Epochs since the best one. */
  wait: number;
  /** The epoch after which it stopped training, 0 while it has not. */
  stoppedEpoch: number;
}

/**
 * Stops training once the monitored metric has not improved for `patience` epochs (Keras
 * `EarlyStopping`). Pass it as (or combine it into) `fit`'s `callbacks`: after each epoch fit reads
 * {@link EarlyStopping.stopTraining}.
 *
 * @example
 * ```ts
 * const early = new EarlyStopping({ monitor: 'valLoss', patience: 3, restoreBestWeights: true, model });
 * await model.fit(train, { optimizer, epochs: 50, batchSize: 64, validationData: val, callbacks: early });
 * console.log(early.bestEpoch, early.stoppedEpoch);
 * ```
 */
export class EarlyStopping implements FitCallbacks {
  readonly patience: number;
  readonly restoreBestWeights: boolean;
  private readonly tracker: MetricMonitor;
  private readonly model: WeightsOwner | undefined;
  private waited = 0;
  private stopped = 0;
  private snapshot: Array<Float32Array | Int32Array> | null = null;

  constructor(options: EarlyStoppingOptions = {}) {
    this.tracker = new MetricMonitor('EarlyStopping', options);
    this.patience = checkInteger('EarlyStopping', 'patience', options.patience ?? 0, 0);
    this.restoreBestWeights = options.restoreBestWeights ?? false;
    if (this.restoreBestWeights && options.model === undefined) {
      throw new TypeError('EarlyStopping: restoreBestWeights needs the model (options.model)');
    }
    this.model = options.model;
  }

  /** The watched metric. */
  get monitor(): MetricMonitor['monitor'] {
    return this.tracker.monitor;
  }

  /** Best value so far (`null` before the first epoch). */
  get best(): number | null {
    return this.tracker.best;
  }

  /** 1-based epoch of the best value (0 before the first epoch). */
  get bestEpoch(): number {
    return this.tracker.bestEpoch;
  }

  /** Epochs since the best one. */
  get wait(): number {
    return this.waited;
  }

  /** The epoch after which it stopped training; 0 while it has not. */
  get stoppedEpoch(): number {
    return this.stopped;
  }

  /** Read by fit after each epoch: true ends training. */
  get stopTraining(): boolean {
    return this.stopped > 0;
  }

  onEpochEnd(metrics: EpochMetrics): void {
    if (this.stopped > 0) return;
    if (this.tracker.update(metrics)) {
      this.waited = 0;
      if (this.restoreBestWeights) this.snapshot = this.tensors().map((t) => t.data.slice());
    } else {
      this.waited++;
      if (this.waited >= this.patience) this.stopped = metrics.epoch;
    }
    const last = this.stopped > 0 || metrics.epoch >= metrics.epochs;
    if (last && this.snapshot !== null && this.bestEpoch !== metrics.epoch) this.restore();
  }

  /** The state to store with a checkpoint (the best weights' copy is not part of it). */
  stateDict(): EarlyStoppingState {
    return { ...this.tracker.state(), wait: this.waited, stoppedEpoch: this.stopped };
  }

  /** Restores a {@link EarlyStopping.stateDict}; throws on a malformed one. */
  loadStateDict(state: EarlyStoppingState): void {
    checkCount('EarlyStopping', 'wait', state?.wait);
    checkCount('EarlyStopping', 'stoppedEpoch', state.stoppedEpoch);
    this.tracker.load(state);
    this.waited = state.wait;
    this.stopped = state.stoppedEpoch;
  }

  private tensors(): Array<Tensor | Buffer['value']> {
    const model = this.model as WeightsOwner;
    return [...model.namedParameters().map((p) => p.value), ...model.namedBuffers().map((b) => b.value)];
  }

  private restore(): void {
    const saved = this.snapshot as Array<Float32Array | Int32Array>;
    this.tensors().forEach((t, i) => {
      t.data.set(saved[i]);
    });
  }
}
