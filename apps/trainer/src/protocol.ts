/**
 * The messages between the CLI's main thread and the training worker.
 *
 * Worker → main: {@link WorkerMessage}s through `postMessage` (structured clone; plain data only).
 * Main → worker: a small `SharedArrayBuffer` of flags ({@link Control}), because the worker spends its
 * time inside synchronous training steps and would not see a message until the step loop yields.
 * The worker reads the flags at every batch end; a pause blocks it in `Atomics.wait` until resumed.
 */

/** What the run is: sent once, before the first step. */
export interface RunInfo {
  model: string;
  /** Keras-style `summary()` of the model. */
  summary: string;
  parameters: number;
  dataset: string;
  classNames: string[];
  trainSamples: number;
  valSamples: number;
  testSamples: number;
  backend: string;
  threads: number;
  epochs: number;
  batchSize: number;
  batchesPerEpoch: number;
  optimizer: string;
  /** The learning-rate schedule in words ('constant', 'cosine over 12 epochs', …). */
  schedule: string;
  /** The augmentation in words, or null. */
  augmentation: string | null;
  /** `--early-stop` patience, or null. */
  earlyStop: number | null;
  /** Where `--save-best` keeps the best model, or null. */
  bestPath: string | null;
  learningRate: number;
  seed: number;
  outDir: string;
  /** Set when resuming: the checkpoint and the position it held (completed epochs and batches). */
  resumedFrom: { path: string; epoch: number; batch: number } | null;
  /** Completed epochs before this run (from a checkpoint), so charts and tables continue. */
  history: EpochInfo[];
}

/** Metrics of one training step (running means over the epoch so far). */
export interface BatchInfo {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  /** Steps done since the start of training (across epochs and resumes). */
  step: number;
  loss: number;
  accuracy: number;
  learningRate: number;
  samplesPerSecond: number;
}

/** Metrics of one finished epoch; accuracies are fractions, `null` when there was nothing to measure. */
export interface EpochInfo {
  epoch: number;
  epochs: number;
  loss: number;
  trainAccuracy: number;
  valLoss: number | null;
  valAccuracy: number | null;
  testLoss: number;
  testAccuracy: number;
  /** Wall time of the epoch, evaluation included. */
  seconds: number;
  /** Throughput of the training pass alone. */
  samplesPerSecond: number;
  learningRate: number;
  /** The epoch with the lowest validation loss so far (null without a validation set). */
  bestEpoch: number | null;
  /** Epochs since {@link EpochInfo.bestEpoch} (what `--early-stop` counts). */
  sinceBest: number | null;
}

/**
 * Why training ended: all epochs done, `--early-stop`, the user (q, Ctrl-C), a signal (SIGTERM,
 * SIGHUP), stdout failing (a full disk, a closed pipe), or a loss that is no longer finite.
 */
export type StopReason = 'completed' | 'early-stop' | 'user' | 'signal' | 'output' | 'diverged';

/** What asked the worker to quit (kept in the control flags). */
export type QuitReason = 'user' | 'signal' | 'output';

/** One misclassified test image: 28×28 (H×W) grayscale bytes, row-major. */
export interface Misclassified {
  index: number;
  predicted: number;
  actual: number;
  width: number;
  height: number;
  pixels: Uint8Array;
}

/** The result of evaluating on the test set after an epoch. */
export interface EvaluationInfo {
  epoch: number;
  /** confusion[actual][predicted] = count. */
  confusion: number[][];
  misclassified: Misclassified[];
}

/** The first convolution's weights: [filters, channels, kH, kW], row-major. */
export interface FiltersInfo {
  shape: [number, number, number, number];
  data: Float32Array;
}

/** What the worker is busy with. */
export type Phase = 'loading' | 'training' | 'evaluating' | 'saving' | 'done';

/** Messages from the worker. */
export type WorkerMessage =
  | { type: 'start'; info: RunInfo }
  | { type: 'batch'; info: BatchInfo; progress: boolean }
  | { type: 'epoch'; info: EpochInfo }
  | { type: 'evaluation'; info: EvaluationInfo }
  | { type: 'filters'; info: FiltersInfo }
  | {
      type: 'checkpoint';
      path: string;
      epoch: number;
      batch: number;
      reason: 'epoch' | 'steps' | 'user' | 'quit';
    }
  | { type: 'paused'; paused: boolean }
  | { type: 'phase'; phase: Phase }
  | { type: 'status'; message: string }
  | {
      type: 'done';
      /** The model file written, or null when training diverged (nothing is written then). */
      model: string | null;
      onnx: string | null;
      checkpoint: string | null;
      testAccuracy: number;
      seconds: number;
      /** True when training stopped before its last epoch (any reason but `completed`). */
      stopped: boolean;
      stopReason: StopReason;
      /** The reason in words, for the summary (e.g. the divergence and what to try). */
      stopMessage: string | null;
      bestEpoch: number | null;
      /** The `--save-best` model file, when one was written. */
      best: string | null;
      /** Completed epochs, and completed batches of the next epoch (where a resume continues). */
      epochsDone: number;
      batchesDone: number;
    }
  | { type: 'error'; message: string; usage: boolean };

const PAUSE = 0;
const SAVE = 1;
const QUIT = 2;
const WAKE = 3;
const QUIT_REASONS: readonly QuitReason[] = ['user', 'signal', 'output'];

/**
 * Control flags shared between the main thread and the worker. The main thread sets them; the worker
 * polls them between steps. Quitting also wakes a paused worker.
 */
export class Control {
  /** [pause (0|1), save requests (counter), quit (0, or 1 + index of the reason), wake counter]. */
  readonly flags: Int32Array;
  private savesSeen = 0;

  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer(16)) {
    this.flags = new Int32Array(buffer);
  }

  /** The buffer to hand to the worker. */
  get buffer(): SharedArrayBuffer {
    return this.flags.buffer as SharedArrayBuffer;
  }

  /** Main thread: pause or resume. */
  setPaused(paused: boolean): void {
    Atomics.store(this.flags, PAUSE, paused ? 1 : 0);
    this.wake();
  }

  /** Main thread: toggles the pause; returns the new state. */
  togglePause(): boolean {
    const paused = Atomics.load(this.flags, PAUSE) === 0;
    this.setPaused(paused);
    return paused;
  }

  /** Main thread: asks for a checkpoint at the next batch end. */
  requestSave(): void {
    Atomics.add(this.flags, SAVE, 1);
    this.wake();
  }

  /** Main thread: asks the worker to save and stop (the first reason given is kept). */
  requestQuit(reason: QuitReason = 'user'): void {
    Atomics.compareExchange(this.flags, QUIT, 0, 1 + QUIT_REASONS.indexOf(reason));
    this.wake();
  }

  private wake(): void {
    Atomics.add(this.flags, WAKE, 1);
    Atomics.notify(this.flags, WAKE);
  }

  /** Worker: true while paused. */
  get paused(): boolean {
    return Atomics.load(this.flags, PAUSE) === 1;
  }

  /** Worker: true once quitting was asked for. */
  get quitRequested(): boolean {
    return Atomics.load(this.flags, QUIT) !== 0;
  }

  /** Why quitting was asked for, or null. */
  get quitReason(): QuitReason | null {
    const v = Atomics.load(this.flags, QUIT);
    return v === 0 ? null : QUIT_REASONS[v - 1];
  }

  /** Worker: true (once per request) when a checkpoint was asked for since the last call. */
  takeSaveRequest(): boolean {
    const n = Atomics.load(this.flags, SAVE);
    if (n === this.savesSeen) return false;
    this.savesSeen = n;
    return true;
  }

  /**
   * Worker: blocks while paused, returning early when something else (save, quit, resume) is asked.
   * Returns at once when not paused.
   */
  waitWhilePaused(timeoutMs = 1000): void {
    const wake = Atomics.load(this.flags, WAKE);
    if (!this.paused) return;
    Atomics.wait(this.flags, WAKE, wake, timeoutMs);
  }
}
