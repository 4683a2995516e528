import { Workspace, argmax } from '@scratchnet/tensor';
import type { Loss, LossName } from '../losses/index.js';
import { type BatchSource, checkBatchSize } from './data.js';
import { lossObject } from './loss-cache.js';
import { type OptimizerLike, type Sequential, type StepResult, trainStep } from './sequential.js';

/** Reported after every training batch. `loss` and `accuracy` are running means over the epoch so far. */
export interface BatchMetrics {
  /** 1-based. */
  epoch: number;
  epochs: number;
  /** 1-based, within the epoch. */
  batch: number;
  batches: number;
  loss: number;
  accuracy: number;
  /** The rate this batch's step used. */
  learningRate: number;
  /**
   * Training throughput over the epoch so far: samples over the time spent preparing batches and
   * stepping (callbacks, yields to the event loop and validation excluded).
   */
  samplesPerSecond: number;
}

/** Reported after every epoch. */
export interface EpochMetrics {
  /** 1-based. */
  epoch: number;
  epochs: number;
  /** Means over the epoch's training batches. */
  loss: number;
  accuracy: number;
  valLoss?: number;
  valAccuracy?: number;
  /** Wall time of the epoch, validation included. */
  seconds: number;
  /** Training samples per second (batch preparation and steps only; callbacks and validation excluded). */
  samplesPerSecond: number;
  /** Learning rate at the end of the epoch. */
  learningRate: number;
}

/** Hooks called during {@link fit}; they may return a promise, which fit awaits (e.g. to save a checkpoint). */
export interface FitCallbacks {
  onBatchEnd?(metrics: BatchMetrics): void | Promise<void>;
  onEpochEnd?(metrics: EpochMetrics): void | Promise<void>;
  /**
   * Read after each epoch's `onEpochEnd`: true ends training there (e.g. `EarlyStopping`). The run
   * counts as finished, not interrupted: `History.stopped` stays false.
   */
  readonly stopTraining?: boolean;
}

/** Options of `Sequential.fit`. */
export interface FitOptions {
  /** Updates the model's parameters (built over `model.namedParameters()`). */
  optimizer: OptimizerLike;
  /** Default `'softmaxCrossEntropy'` (the model outputs logits). */
  loss?: Loss | LossName;
  /** Total epochs, counting those already done when resuming. */
  epochs: number;
  batchSize: number;
  /** Seeds the shuffling: epoch e's order depends only on (seed, e). Default 0. */
  seed?: number;
  /** Default true. */
  shuffle?: boolean;
  /** Evaluated after each epoch (valLoss, valAccuracy). */
  validationData?: BatchSource;
  /** Stops training after the current batch; fit then resolves with `stopped: true`. */
  signal?: AbortSignalLike;
  callbacks?: FitCallbacks;
  /** Epochs already completed (resuming). Default 0. */
  initialEpoch?: number;
  /** Batches of epoch `initialEpoch + 1` already completed (resuming). Default 0. */
  initialBatch?: number;
  /** Longest stretch, in milliseconds, between yields to the event loop. Default 30. */
  yieldEveryMs?: number;
}

/** What {@link fit} returns. */
export interface History {
  /** Metrics of each epoch completed in this call. */
  epochs: EpochMetrics[];
  /** True when the signal stopped training early. */
  stopped: boolean;
  /** Completed epochs (counting `initialEpoch`): resume with `initialEpoch: epoch`. */
  epoch: number;
  /** Completed batches of the next, unfinished epoch: resume with `initialBatch: batch`. */
  batch: number;
}

/** Options of `Sequential.evaluate`. */
export interface EvaluateOptions {
  /** Default 256. */
  batchSize?: number;
  /** Default `'softmaxCrossEntropy'`. */
  loss?: Loss | LossName;
  /** Stops early (the result then covers the samples seen). */
  signal?: AbortSignalLike;
}

/** What evaluation measures. */
export interface Evaluation {
  /** Mean loss per sample. */
  loss: number;
  /** Fraction of samples whose most likely class is the label. */
  accuracy: number;
  /** Samples evaluated. */
  count: number;
  /** `confusion[label][predicted]` counts, K × K. */
  confusion: number[][];
}

/**
 * What fit needs of an `AbortSignal` (browsers' and Node's both fit), typed here because this
 * package compiles against the plain ES library, without DOM or Node types.
 */
export interface AbortSignalLike {
  readonly aborted: boolean;
}

// Timers and the clock exist in every runtime this package targets (browsers, Node, workers).
const host = globalThis as unknown as {
  performance: { now(): number };
  setTimeout(callback: () => void, ms: number): unknown;
};
const now = (): number => host.performance.now();

/**
 * One turn of the event loop without a timer's minimum delay (a 0 ms timeout waits ≥ 1 ms in Node and
 * 4 ms once nested in browsers, which every 30 ms of training is 3–13 % of it): `setImmediate` in
 * Node, a MessageChannel message in browsers and workers, a 0 ms timeout elsewhere.
 */
const tick: () => Promise<void> = (() => {
  const scope = globalThis as unknown as {
    setImmediate?: (callback: () => void) => unknown;
    MessageChannel?: new () => {
      port1: { onmessage: (() => void) | null };
      port2: { postMessage(message: unknown): void };
    };
  };
  const { setImmediate } = scope;
  if (typeof setImmediate === 'function') return () => new Promise((resolve) => setImmediate(resolve));
  // Read only where needed: in Node the global's getter loads the worker and stream modules, a
  // cost every program importing the layers would pay at start-up.
  const { MessageChannel } = scope;
  if (typeof MessageChannel === 'function') {
    const waiting: (() => void)[] = [];
    let post: ((message: unknown) => void) | undefined;
    return () =>
      new Promise((resolve) => {
        if (post === undefined) {
          // Made on the first yield: an open port is a handle some runtimes stay alive for.
          const channel = new MessageChannel();
          channel.port1.onmessage = () => waiting.shift()?.();
          post = (m) => channel.port2.postMessage(m);
        }
        waiting.push(resolve);
        post(0);
      });
  }
  return () => new Promise((resolve) => host.setTimeout(resolve, 0));
})();

/** Yields to the event loop when `ms` have passed since the last yield. */
class Yielder {
  private last = now();
  constructor(private readonly ms: number) {}
  /** True when it is time to {@link Yielder.yield} (checked without allocating a promise). */
  due(): boolean {
    return now() - this.last >= this.ms;
  }
  async yield(): Promise<void> {
    await tick();
    this.last = now();
  }
  async maybe(): Promise<void> {
    if (this.due()) await this.yield();
  }
}

/** True for a promise (or any thenable) that a callback returned, which fit then awaits. */
function isThenable(v: unknown): v is PromiseLike<unknown> {
  return v !== null && typeof v === 'object' && typeof (v as { then?: unknown }).then === 'function';
}

function checkInt(name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min)
    throw new RangeError(`fit: ${name} must be an integer ≥ ${min}, got ${v}`);
}

/** The training loop behind `Sequential.fit`. */
export async function runFit(model: Sequential, data: BatchSource, options: FitOptions): Promise<History> {
  const { optimizer, epochs, batchSize, signal, callbacks = {}, validationData } = options;
  if (optimizer === undefined || typeof optimizer.step !== 'function') {
    throw new TypeError(
      'fit: options.optimizer must be an optimizer (e.g. new SGD(model.namedParameters(), ...))',
    );
  }
  checkInt('epochs', epochs, 0);
  checkBatchSize(batchSize, 'fit');
  const initialEpoch = options.initialEpoch ?? 0;
  const initialBatch = options.initialBatch ?? 0;
  checkInt('initialEpoch', initialEpoch, 0);
  checkInt('initialBatch', initialBatch, 0);
  const loss = lossObject(model, options.loss ?? 'softmaxCrossEntropy');
  const seed = options.seed ?? 0;
  const shuffle = options.shuffle ?? true;
  const batches = Math.ceil(data.length / batchSize);
  if (initialBatch > batches) {
    throw new RangeError(`fit: initialBatch ${initialBatch} is past the ${batches} batches of an epoch`);
  }
  const yielder = new Yielder(options.yieldEveryMs ?? 30);
  const history: History = { epochs: [], stopped: false, epoch: initialEpoch, batch: initialBatch };
  const step: StepResult = { loss: 0, correct: 0 };

  for (let e = initialEpoch; e < epochs; e++) {
    const startBatch = e === initialEpoch ? initialBatch : 0;
    const t0 = now();
    // Training time only: batch preparation and steps, not callbacks, yields or validation.
    let trainMs = 0;
    let mark = t0;
    let lossSum = 0;
    let correct = 0;
    let seen = 0;
    let batch = startBatch;
    let aborted = false;
    for (const { x, y, size } of data.batches({ batchSize, shuffle, seed, epoch: e, startBatch })) {
      if ((aborted = signal?.aborted === true)) break;
      const learningRate = optimizer.learningRate;
      const r = trainStep(model, x, y, optimizer, loss, step);
      trainMs += now() - mark;
      lossSum += r.loss * size;
      correct += r.correct;
      seen += size;
      history.batch = ++batch;
      // Without a callback (or with a synchronous one) a batch allocates no promise and, without a
      // callback, no metrics record.
      if (callbacks.onBatchEnd !== undefined) {
        const m: BatchMetrics = {
          epoch: e + 1,
          epochs,
          batch,
          batches,
          loss: lossSum / seen,
          accuracy: correct / seen,
          learningRate,
          samplesPerSecond: (seen * 1000) / Math.max(trainMs, 1e-3),
        };
        const pending = callbacks.onBatchEnd(m);
        if (isThenable(pending)) await pending;
      }
      if (yielder.due()) await yielder.yield();
      mark = now();
    }
    // A signal that fires after the last batch lets the epoch finish (and be reported) first.
    if (aborted) {
      history.stopped = true;
      return history;
    }
    const m: EpochMetrics = {
      epoch: e + 1,
      epochs,
      loss: seen > 0 ? lossSum / seen : Number.NaN,
      accuracy: seen > 0 ? correct / seen : Number.NaN,
      seconds: 0,
      samplesPerSecond: (seen * 1000) / Math.max(trainMs, 1e-3),
      learningRate: optimizer.learningRate,
    };
    if (validationData !== undefined) {
      // not stopped by the signal: a finished epoch reports validation over the whole set
      const v = await runEvaluate(model, validationData, {
        batchSize: Math.max(batchSize, 256),
        loss,
      });
      m.valLoss = v.loss;
      m.valAccuracy = v.accuracy;
    }
    m.seconds = (now() - t0) / 1000;
    history.epoch = e + 1;
    history.batch = 0;
    history.epochs.push(m);
    await callbacks.onEpochEnd?.(m);
    if (callbacks.stopTraining === true) return history;
    await tick();
    if (signal?.aborted) {
      history.stopped = true;
      return history;
    }
  }
  return history;
}

/** The evaluation loop behind `Sequential.evaluate`. */
export async function runEvaluate(
  model: Sequential,
  data: BatchSource,
  options: EvaluateOptions = {},
): Promise<Evaluation> {
  const batchSize = options.batchSize ?? 256;
  checkBatchSize(batchSize, 'evaluate');
  const loss = lossObject(model, options.loss ?? 'softmaxCrossEntropy');
  const out = model.outputShape;
  if (out.length !== 1) {
    throw new TypeError(`evaluate: expects a classifier with outputs [classes], this model outputs [${out}]`);
  }
  const k = out[0];
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const ws = new Workspace();
  const yielder = new Yielder(30);
  let lossSum = 0;
  let correct = 0;
  let count = 0;
  for (const { x, y, size } of data.batches({ batchSize, shuffle: false, seed: 0, epoch: 0 })) {
    if (options.signal?.aborted) break;
    const scores = model.forward(x); // [B, K]
    lossSum += loss.forward(scores, y) * size;
    const predicted = ws.intTensor('predicted', [size]);
    argmax(scores, 1, { out: predicted });
    const p = predicted.data;
    const labels = y.data;
    for (let i = 0; i < size; i++) {
      confusion[labels[i]][p[i]]++;
      if (labels[i] === p[i]) correct++;
    }
    count += size;
    await yielder.maybe();
  }
  return {
    loss: count > 0 ? lossSum / count : Number.NaN,
    accuracy: count > 0 ? correct / count : Number.NaN,
    count,
    confusion,
  };
}
