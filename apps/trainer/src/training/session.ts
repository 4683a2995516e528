import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  DatasetNotFoundError,
  type ImageDataset,
  type TrainTest,
  loadFashionMnist,
  loadIdxDataset,
  loadMnist,
} from '@scratchnet/datasets/node';
import {
  type EpochMetrics,
  type JsonValue,
  PRESET_NAMES,
  type PresetName,
  type Sequential,
  createModel,
  type BatchMetrics,
  resolvePresetName,
} from '@scratchnet/layers';
import { type Optimizer, type OptimizerSpec, createOptimizer } from '@scratchnet/optimizers';
import { CheckpointManager, loadCheckpoint, saveModel, saveOnnx } from '@scratchnet/serialization/node';
import { getBackend, listBackends, setBackend } from '@scratchnet/tensor';
import { type TrainOptions, UsageError } from '../args.js';
import type {
  BatchInfo,
  Control,
  EpochInfo,
  FiltersInfo,
  Misclassified,
  RunInfo,
  WorkerMessage,
} from '../protocol.js';

/** File name of the trained model inside `--out` (the predict CLI's default). */
export const MODEL_FILE = 'model.safetensors';
/** Misclassified test images sent after each evaluation. */
const MISCLASSIFIED = 24;
/** Most metric messages per second (the UI redraws at ≤ 10 fps anyway). */
const BATCH_MESSAGE_MS = 100;
/** How often the first layer's filters are re-sent during training. */
const FILTERS_MS = 1000;

/** The options that fix the data order; stored in checkpoints so a resume replays it exactly. */
interface DataState {
  [key: string]: JsonValue;
  model: string;
  dataset: string;
  dataDir: string | null;
  seed: number;
  batchSize: number;
  valSplit: number;
  trainLimit: number | null;
  shuffle: boolean;
}

/** Chooses the backend (and threads) the run computes on. */
function chooseBackend(options: TrainOptions): void {
  const { backend, threads } = options;
  if (backend === 'js' && threads !== undefined && threads > 1) {
    throw new UsageError('--threads applies to the wasm backend; the js backend runs on one thread');
  }
  const opts = threads === undefined ? {} : { threads };
  try {
    if (backend !== 'auto') setBackend(backend, opts);
    else if (threads !== undefined && listBackends().includes('wasm')) setBackend('wasm', opts);
    else getBackend();
  } catch (e) {
    throw new UsageError(`--backend ${backend}: ${(e as Error).message}`);
  }
}

async function loadData(data: DataState, testLimit: number | undefined): Promise<TrainTest> {
  let sets: TrainTest;
  try {
    const dir = data.dataDir ?? undefined;
    if (dir !== undefined && !existsSync(dir)) throw new UsageError(`--data-dir: no such directory '${dir}'`);
    if (data.dataset === 'fashion-mnist') sets = await loadFashionMnist(dir);
    else sets = dir === undefined ? await loadMnist() : await loadIdxDataset(dir, { name: 'mnist' });
  } catch (e) {
    if (e instanceof DatasetNotFoundError) throw new UsageError(e.message);
    throw e;
  }
  let { train, test } = sets;
  if (data.trainLimit !== null) train = train.subset(0, Math.min(data.trainLimit, train.count));
  if (testLimit !== undefined) test = test.subset(0, Math.min(testLimit, test.count));
  return { train, test };
}

function describeOptimizer(optimizer: Optimizer): string {
  const { type, ...rest } = optimizer.getConfig() as { type: string } & Record<string, JsonValue>;
  const names: Record<string, string> = { sgd: 'SGD', adam: 'Adam', adamw: 'AdamW', rmsprop: 'RMSprop' };
  const parts = Object.entries(rest)
    .filter(([k, v]) => v !== 0 && v !== false && v !== null && k !== 'schedule')
    .map(([k, v]) => `${k} ${Array.isArray(v) ? v.join('/') : v}`);
  return `${names[type] ?? type} ${parts.join(', ')}`;
}

/** The optimizer the flags ask for, over the model's parameters. */
function newOptimizer(o: TrainOptions, model: Sequential): Optimizer {
  try {
    return createOptimizer(optimizerSpec(o), model.namedParameters());
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function optimizerSpec(o: TrainOptions): OptimizerSpec {
  switch (o.optimizer) {
    case 'sgd':
      return { type: 'sgd', lr: o.lr, momentum: o.momentum, decay: o.decay };
    case 'rmsprop':
      return { type: 'rmsprop', lr: o.lr, momentum: o.momentum, decay: o.decay };
    default:
      return { type: o.optimizer, lr: o.lr, decay: o.decay };
  }
}

/** The first Conv2D's weights, copied (they keep changing under training). */
function firstFilters(model: Sequential): FiltersInfo | null {
  const conv = model.layers.find((l) => l.type === 'Conv2D');
  const w = conv?.parameters().find((p) => p.name === 'weight')?.value;
  if (w === undefined || w.rank !== 4) return null;
  return { shape: [w.shape[0], w.shape[1], w.shape[2], w.shape[3]], data: w.data.slice() };
}

/** The first `max` test images the model gets wrong, in test-set order. */
function findMisclassified(model: Sequential, test: ImageDataset, max: number): Misclassified[] {
  const out: Misclassified[] = [];
  const plane = test.height * test.width;
  let index = 0;
  for (const { x, y, size } of test.batches({ batchSize: 256, shuffle: false, seed: 0, epoch: 0 })) {
    const predicted = model.predictClasses(x).data;
    const labels = y.data;
    for (let i = 0; i < size && out.length < max; i++) {
      if (predicted[i] === labels[i]) continue;
      out.push({
        index: index + i,
        predicted: predicted[i],
        actual: labels[i],
        width: test.width,
        height: test.height,
        pixels: test.image(index + i).pixels.slice(0, plane),
      });
    }
    index += size;
    if (out.length >= max) break;
  }
  return out;
}

const DATA_KEYS: Array<[keyof DataState, keyof TrainOptions, string]> = [
  ['model', 'model', '--model'],
  ['dataset', 'dataset', '--dataset'],
  ['dataDir', 'dataDir', '--data-dir'],
  ['seed', 'seed', '--seed'],
  ['batchSize', 'batchSize', '--batch-size'],
  ['valSplit', 'valSplit', '--val-split'],
  ['trainLimit', 'trainLimit', '--train-limit'],
];

/** Checks that the flags given explicitly agree with what the checkpoint was trained with. */
function checkResumeConflicts(
  data: DataState,
  optimizer: Optimizer,
  options: TrainOptions,
  explicit: ReadonlySet<keyof TrainOptions>,
): void {
  for (const [dk, ok, flag] of DATA_KEYS) {
    if (explicit.has(ok) && (options[ok] ?? null) !== data[dk]) {
      throw new UsageError(
        `${flag} ${options[ok]} conflicts with the checkpoint (trained with ${data[dk]}); leave it out to resume exactly`,
      );
    }
  }
  const config = optimizer.getConfig() as { type: string } & Record<string, JsonValue>;
  const given: Array<[keyof TrainOptions, string, JsonValue]> = [
    ['optimizer', 'type', options.optimizer],
    ['lr', 'lr', options.lr],
    ['momentum', 'momentum', options.momentum],
    ['decay', 'decay', options.decay],
  ];
  for (const [ok, ck, value] of given) {
    if (explicit.has(ok) && config[ck] !== value) {
      throw new UsageError(
        `--${ok} ${value} conflicts with the checkpoint's optimizer (${describeOptimizer(optimizer)}); resuming continues with it`,
      );
    }
  }
}

/**
 * Runs a whole training session as the CLI configures it, reporting through `post` and obeying
 * `control` (pause, save, quit) at every batch end. Throws {@link UsageError} for bad input found only
 * now (unknown preset, missing data, conflicting resume flags).
 */
export async function runTraining(
  options: TrainOptions,
  explicit: ReadonlySet<keyof TrainOptions>,
  control: Control,
  post: (msg: WorkerMessage) => void,
): Promise<void> {
  const t0 = performance.now();
  post({ type: 'phase', phase: 'loading' });
  chooseBackend(options);

  // What to train: a fresh preset, or everything from a checkpoint.
  let resumed: Awaited<ReturnType<typeof loadCheckpoint>> | undefined;
  let history: EpochInfo[] = [];
  let data: DataState = {
    model: options.model,
    dataset: options.dataset,
    dataDir: options.dataDir ?? null,
    seed: options.seed,
    batchSize: options.batchSize,
    valSplit: options.valSplit,
    trainLimit: options.trainLimit ?? null,
    shuffle: true,
  };
  if (options.resume !== undefined) {
    if (!existsSync(options.resume)) throw new UsageError(`--resume: no such file '${options.resume}'`);
    resumed = await loadCheckpoint(options.resume);
    const saved = resumed.data as DataState | undefined;
    if (saved === undefined || typeof saved.seed !== 'number' || typeof saved.batchSize !== 'number') {
      throw new UsageError(
        `--resume: ${options.resume} was not written by scratchnet-train (it has no data-order state)`,
      );
    }
    data = { ...data, ...saved };
    checkResumeConflicts(data, resumed.optimizer, options, explicit);
    const h = resumed.extra?.history;
    if (Array.isArray(h)) history = h as unknown as EpochInfo[];
  } else if (resolvePresetName(options.model) === undefined) {
    throw new UsageError(`--model must be one of ${PRESET_NAMES.join(', ')}, got '${options.model}'`);
  }
  const startEpoch = resumed?.epoch ?? 0;
  const startBatch = resumed?.batch ?? 0;

  const sets = await loadData(data, options.testLimit);
  let train = sets.train;
  const test = sets.test;
  let validation: ImageDataset | undefined;
  if (data.valSplit > 0) {
    const n = Math.round(train.count * data.valSplit);
    if (n < 1 || n >= train.count) {
      throw new UsageError(
        `--val-split ${data.valSplit} of ${train.count} training images leaves an empty part; use a larger or smaller fraction`,
      );
    }
    ({ train, validation } = train.split(data.valSplit, data.seed));
  }
  const classNames = [...train.classNames];
  const model =
    resumed?.model ??
    createModel(resolvePresetName(data.model) as PresetName, {
      seed: data.seed,
      inputShape: train.inputShape,
      numClasses: classNames.length,
    });
  const optimizer = resumed?.optimizer ?? newOptimizer(options, model);

  const batchSize = data.batchSize;
  const batches = Math.ceil(train.count / batchSize);
  if (startBatch > batches) {
    throw new UsageError(
      `--resume: the checkpoint is at batch ${startBatch}, past the ${batches} batches of an epoch of this data`,
    );
  }
  const epochs = options.epochs;
  const backend = getBackend();
  const datasetName =
    data.dataset === 'fashion-mnist' ? 'Fashion-MNIST' : data.dataDir ? data.dataDir : 'MNIST';
  const info: RunInfo = {
    model: data.model,
    summary: model.summary(),
    parameters: model.countParameters(),
    dataset: datasetName,
    classNames,
    trainSamples: train.count,
    valSamples: validation?.count ?? 0,
    testSamples: test.count,
    backend: backend.name,
    threads: backend.threads,
    epochs,
    batchSize,
    batchesPerEpoch: batches,
    optimizer: describeOptimizer(optimizer),
    learningRate: optimizer.learningRate,
    seed: data.seed,
    outDir: options.out,
    resumedFrom: options.resume ? { path: options.resume, epoch: startEpoch, batch: startBatch } : null,
    history: history.filter((e) => e.epoch <= startEpoch),
  };
  history = info.history;
  post({ type: 'start', info });
  const filters = firstFilters(model);
  if (filters) post({ type: 'filters', info: filters });

  // Checkpoints: numbered files (the last 3 kept) plus checkpoint-latest.safetensors.
  const manager = new CheckpointManager(options.out, { keep: 3 });
  const metadata = () => ({
    classNames,
    preprocessing: {
      input: [...train.inputShape],
      scale: 1 / 255,
      normalization: null,
      source: data.dataset,
    },
    training: {
      dataset: data.dataset,
      epochs: history.length > 0 ? history[history.length - 1].epoch : 0,
      testAccuracy: history.length > 0 ? history[history.length - 1].testAccuracy : undefined,
      model: data.model,
      optimizer: info.optimizer,
      batchSize,
      seed: data.seed,
    },
  });
  let saved = { epoch: -1, batch: -1 };
  const save = async (epoch: number, batch: number, reason: 'epoch' | 'steps' | 'user' | 'quit') => {
    if (saved.epoch === epoch && saved.batch === batch) return;
    post({ type: 'phase', phase: 'saving' });
    const path = await manager.save({
      model,
      optimizer,
      epoch,
      batch,
      data,
      extra: { history: history as unknown as JsonValue[] },
      metadata: metadata(),
    });
    saved = { epoch, batch };
    post({ type: 'checkpoint', path, epoch, batch, reason });
    post({ type: 'phase', phase: 'training' });
  };

  // Training, with the controls checked at every batch end.
  const abort = new AbortController();
  const progressEvery = Math.max(1, Math.round(batches / 10));
  let step = startEpoch * batches + startBatch;
  let lastPost = 0;
  let lastFilters = performance.now();
  let position = { epoch: startEpoch, batch: startBatch };

  const obeyControls = async () => {
    if (control.takeSaveRequest()) await save(position.epoch, position.batch, 'user');
    if (control.paused && !control.quitRequested) {
      post({ type: 'paused', paused: true });
      while (control.paused && !control.quitRequested) {
        control.waitWhilePaused();
        if (control.takeSaveRequest()) await save(position.epoch, position.batch, 'user');
      }
      post({ type: 'paused', paused: false });
    }
    if (control.quitRequested) abort.abort();
  };

  const onBatchEnd = async (m: BatchMetrics) => {
    step++;
    position = { epoch: m.epoch - 1, batch: m.batch };
    const now = performance.now();
    const progress = m.batch % progressEvery === 0 && m.batch < m.batches;
    if (progress || m.batch === m.batches || now - lastPost >= BATCH_MESSAGE_MS) {
      lastPost = now;
      const b: BatchInfo = {
        ...m,
        step,
        samplesPerSecond: m.samplesPerSecond,
      };
      post({ type: 'batch', info: b, progress });
    }
    if (now - lastFilters >= FILTERS_MS) {
      lastFilters = now;
      const f = firstFilters(model);
      if (f) post({ type: 'filters', info: f });
    }
    if (options.checkpointEvery > 0 && step % options.checkpointEvery === 0 && m.batch < m.batches) {
      await save(position.epoch, position.batch, 'steps');
    }
    await obeyControls();
  };

  const onEpochEnd = async (m: EpochMetrics) => {
    const tEval = performance.now();
    post({ type: 'phase', phase: 'evaluating' });
    const ev = await model.evaluate(test, { batchSize: 256 });
    const misclassified = findMisclassified(model, test, MISCLASSIFIED);
    const e: EpochInfo = {
      epoch: m.epoch,
      epochs: m.epochs,
      loss: m.loss,
      trainAccuracy: m.accuracy,
      valLoss: m.valLoss ?? null,
      valAccuracy: m.valAccuracy ?? null,
      testLoss: ev.loss,
      testAccuracy: ev.accuracy,
      seconds: m.seconds + (performance.now() - tEval) / 1000,
      samplesPerSecond: m.samplesPerSecond, // fit counts training work only
      learningRate: m.learningRate,
    };
    history.push(e);
    post({ type: 'epoch', info: e });
    post({ type: 'evaluation', info: { epoch: m.epoch, confusion: ev.confusion, misclassified } });
    const f = firstFilters(model);
    if (f) post({ type: 'filters', info: f });
    position = { epoch: m.epoch, batch: 0 };
    await save(m.epoch, 0, 'epoch');
    post({ type: 'phase', phase: 'training' });
    await obeyControls();
  };

  if (startEpoch >= epochs) {
    post({
      type: 'status',
      message: `the checkpoint already has ${startEpoch} epochs and --epochs is ${epochs} (the total): nothing to train`,
    });
  }
  post({ type: 'phase', phase: 'training' });
  const result = await model.fit(train, {
    optimizer,
    epochs,
    batchSize,
    seed: data.seed,
    shuffle: true,
    validationData: validation,
    signal: abort.signal,
    callbacks: { onBatchEnd, onEpochEnd },
    initialEpoch: Math.min(startEpoch, epochs),
    initialBatch: startEpoch >= epochs ? 0 : startBatch,
  });

  // Where it ended: a stopped run saves its exact position; a finished one its last epoch.
  const stopped = result.stopped;
  if (stopped) await save(result.epoch, result.batch, 'quit');
  let testAccuracy = history.length > 0 ? history[history.length - 1].testAccuracy : Number.NaN;
  if (!stopped && history.length === 0) {
    post({ type: 'phase', phase: 'evaluating' });
    testAccuracy = (await model.evaluate(test, { batchSize: 256 })).accuracy;
  }
  post({ type: 'phase', phase: 'saving' });
  const modelPath = join(options.out, MODEL_FILE);
  await mkdir(options.out, { recursive: true });
  await saveModel(model, modelPath, metadata());
  let onnx: string | null = null;
  if (options.onnx !== undefined) {
    await mkdir(dirname(options.onnx), { recursive: true });
    await saveOnnx(model, options.onnx);
    onnx = options.onnx;
  }
  post({
    type: 'done',
    model: modelPath,
    onnx,
    checkpoint: saved.epoch >= 0 ? manager.latestPath : (options.resume ?? null),
    testAccuracy,
    seconds: (performance.now() - t0) / 1000,
    stopped,
    epochsDone: result.epoch,
    batchesDone: result.batch,
  });
}
