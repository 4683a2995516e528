/** Messages between the page and the training Worker. */

/** What the page asks the Worker to train. */
export interface TrainConfig {
  /** Dataset id, a key of the build's `data/datasets.json` (`'mnist'`, `'fashion-mnist'`). */
  dataset: string;
  /** Model preset name (`'simple-cnn'`/`'seed'`, `'lenet5'`, `'mlp'`, `'strong'`). */
  model: string;
  optimizer: 'sgd' | 'adam' | 'adamw' | 'rmsprop' | 'adagrad';
  learningRate: number;
  epochs: number;
  batchSize: number;
  /** Wanted wasm threads; the Worker reports how many it got. */
  threads: number;
  /** Train on the first N training images only (default all). */
  trainSubset?: number;
  /** Evaluate on the first N test images only (default all). */
  testSubset?: number;
  seed: number;
}

/** One dataset the build copied into `data/`, or why it is missing. */
export interface DatasetEntry {
  id: string;
  name: string;
  available: boolean;
  /** Why it is not available (when `available` is false). */
  reason?: string;
  classNames: string[];
  /** File names (gzipped IDX) under `data/<id>/`. */
  files?: { trainImages: string; trainLabels: string; testImages: string; testLabels: string };
}

/** A misclassified test image. */
export interface Misclassified {
  index: number;
  actual: number;
  predicted: number;
  /** 28×28 bytes. */
  pixels: Uint8Array;
}

/** First convolution's filters: weight [out, in, kh, kw]. */
export interface Filters {
  shape: [number, number, number, number];
  data: Float32Array;
}

/** One finished epoch. */
export interface EpochReport {
  epoch: number;
  epochs: number;
  loss: number;
  accuracy: number;
  testLoss: number;
  testAccuracy: number;
  seconds: number;
  samplesPerSecond: number;
  learningRate: number;
  /** `confusion[actual][predicted]`. */
  confusion: number[][];
  misclassified: Misclassified[];
  filters: Filters | null;
}

export type ToWorker =
  | { type: 'start'; config: TrainConfig }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' };

export type FromWorker =
  | {
      type: 'backend';
      backend: string;
      threads: number;
      requestedThreads: number;
      crossOriginIsolated: boolean;
      /** Why fewer threads than requested, in plain words (empty when none). */
      note: string;
    }
  | { type: 'status'; text: string }
  | {
      type: 'start';
      parameters: number;
      trainSamples: number;
      testSamples: number;
      batches: number;
      classNames: string[];
    }
  | {
      type: 'batch';
      epoch: number;
      batch: number;
      batches: number;
      loss: number;
      accuracy: number;
      samplesPerSecond: number;
    }
  | { type: 'epoch'; report: EpochReport }
  | { type: 'paused' }
  | { type: 'resumed' }
  | { type: 'done'; stopped: boolean; model: Uint8Array }
  | { type: 'error'; message: string };

/** What the step-timing Worker (`step-worker.js`) is asked to time. */
export interface StepBenchRequest {
  /** Model preset (`'simple-cnn'`, …). */
  preset: string;
  batch: number;
  /** Thread counts to compare, run alternately (the first also makes the batches). */
  threads: number[];
  /** How long to wait for each backend's worker threads to start before going on without them. */
  startTimeoutMs: number;
  /** Untimed steps per thread count first (compilation, worker start-up, tier-up). */
  warmupSteps: number;
  rounds: number;
  stepsPerRound: number;
  seed: number;
}

/** One thread count's run. */
export interface StepBenchRun {
  /** Threads asked for. */
  threads: number;
  /** Threads the backend got. */
  obtained: number;
  /** Of those, threads that had started (caller included) when the timed steps ended. */
  started: number;
  /** Milliseconds from choosing the backend until all its threads had started (null: not all did). */
  startMs: number | null;
  /** Mean ms per step of each round. */
  stepMs: number[];
  /** Every step's loss, warm-up included, in order. */
  losses: number[];
  /** The parameters after the last step, concatenated. */
  parameters: Float32Array;
}

/** The step-timing Worker's answer. */
export type StepBenchResult =
  | {
      type: 'result';
      crossOriginIsolated: boolean;
      /** The wasm module that ran ('relaxed', 'simd', 'unshared'). */
      variant: string;
      hardwareConcurrency: number | undefined;
      runs: StepBenchRun[];
    }
  | { type: 'error'; message: string };
