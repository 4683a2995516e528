import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  type EpochMetrics,
  type FitCallbacks,
  MetricMonitor,
  type MonitorOptions,
  type MonitorState,
  type Sequential,
} from '@scratchnet/layers';
import type { ModelMetadata } from '../model/metadata.js';
import { saveModel } from '../model/files.js';

/** Options of {@link BestModelCheckpoint}. */
export interface BestModelCheckpointOptions extends MonitorOptions {
  /** The model file written at each new best epoch (atomically: a crash keeps the previous best). */
  path: string;
  /** The model being trained. */
  model: Sequential;
  /** Metadata stored in the file, or a function giving it at save time (it sees the best epoch). */
  metadata?: ModelMetadata | ((metrics: EpochMetrics) => ModelMetadata);
}

/**
 * Keeps the best model of a run on disk (Keras `ModelCheckpoint(save_best_only=True)`): after each
 * epoch whose monitored metric improves, it saves the model to `path` as a model file.
 *
 * @example
 * ```ts
 * const best = new BestModelCheckpoint({ path: 'out/best.safetensors', model, monitor: 'valAccuracy' });
 * await model.fit(train, { optimizer, epochs: 10, batchSize: 64, validationData: val, callbacks: best });
 * console.log(`best epoch ${best.bestEpoch}: ${best.best}`);
 * ```
 */
export class BestModelCheckpoint implements FitCallbacks {
  readonly path: string;
  private readonly model: Sequential;
  private readonly tracker: MetricMonitor;
  private readonly metadata: BestModelCheckpointOptions['metadata'];

  constructor(options: BestModelCheckpointOptions) {
    if (typeof options?.path !== 'string' || options.path === '') {
      throw new TypeError('BestModelCheckpoint: path must be a non-empty file path');
    }
    if (options.model === undefined) throw new TypeError('BestModelCheckpoint: model is required');
    this.path = options.path;
    this.model = options.model;
    this.metadata = options.metadata;
    this.tracker = new MetricMonitor('BestModelCheckpoint', options);
  }

  /** The watched metric. */
  get monitor(): MetricMonitor['monitor'] {
    return this.tracker.monitor;
  }

  /** Best value so far (`null` before the first epoch). */
  get best(): number | null {
    return this.tracker.best;
  }

  /** 1-based epoch saved in {@link BestModelCheckpoint.path}; 0 before any. */
  get bestEpoch(): number {
    return this.tracker.bestEpoch;
  }

  async onEpochEnd(metrics: EpochMetrics): Promise<void> {
    if (!this.tracker.update(metrics)) return;
    const metadata = typeof this.metadata === 'function' ? this.metadata(metrics) : (this.metadata ?? {});
    await mkdir(dirname(this.path), { recursive: true });
    await saveModel(this.model, this.path, metadata);
  }

  /** The best value and epoch, to store with a checkpoint. */
  stateDict(): MonitorState {
    return this.tracker.state();
  }

  /** Restores {@link BestModelCheckpoint.stateDict} (the file itself is already on disk). */
  loadStateDict(state: MonitorState): void {
    this.tracker.load(state);
  }
}
