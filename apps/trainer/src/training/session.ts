import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  type BatchMetrics,
  type EpochMetrics,
  type JsonValue,
  PRESET_NAMES,
  type Sequential,
  combineCallbacks,
  createModel,
  resolvePresetName,
} from '@scratchnet/layers';
import type { Optimizer } from '@scratchnet/optimizers';
import { CheckpointManager, type ModelMetadata, saveModel, saveOnnx } from '@scratchnet/serialization/node';
import { type TrainOptions, UsageError } from '../args.js';
import type { BatchInfo, Control, EpochInfo, RunInfo, StopReason, WorkerMessage } from '../protocol.js';
import { buildArchitecture, readArchitecture } from './architecture.js';
import { chooseBackend } from './backend.js';
import { type DataState, type RunData, dataStateOf, loadRunData } from './data.js';
import { MODEL_FILE } from './files.js';
import { type ScheduleSettings, newOptimizer, scheduleSettingsOf } from './optimizer.js';
import { bestEpochOf, findMisclassified, firstFilters, weightsFinite } from './inspect.js';
import { runInfo } from './run-info.js';
import { type Resumed, loadResume } from './resume.js';
import { type Watchers, createWatchers, watcherState } from './watchers.js';

export { MODEL_FILE };

/** Misclassified test images sent after each evaluation. */
const MISCLASSIFIED = 24;
/** Most metric messages per second (the UI redraws at ≤ 10 fps anyway). */
const BATCH_MESSAGE_MS = 100;
/** How often the first layer's filters are re-sent during training. */
const FILTERS_MS = 1000;

type Post = (msg: WorkerMessage) => void;
type SaveReason = 'epoch' | 'steps' | 'user' | 'quit';

/** The model and optimizer of a fresh run: a preset or an `--arch` file. */
function freshModel(o: TrainOptions, data: RunData): Sequential {
  const classes = data.train.classNames.length;
  if (o.arch !== undefined) {
    return buildArchitecture(o.arch, readArchitecture(o.arch), o.seed, data.train.inputShape, classes);
  }
  const preset = resolvePresetName(o.model);
  if (preset === undefined) {
    throw new UsageError(`--model must be one of ${PRESET_NAMES.join(', ')}, got '${o.model}'`);
  }
  return createModel(preset, {
    seed: o.seed,
    inputShape: data.train.inputShape,
    numClasses: classes,
  });
}

/** Refuses options that watch a validation set the run does not have. */
function checkValidation(o: TrainOptions, schedule: ScheduleSettings, data: RunData): void {
  if (data.validation !== undefined) return;
  const flag =
    o.earlyStop !== undefined
      ? '--early-stop'
      : o.saveBest
        ? '--save-best'
        : schedule.schedule === 'plateau'
          ? '--schedule plateau'
          : null;
  if (flag !== null)
    throw new UsageError(
      `${flag} watches the validation loss, but this run has no validation set (--val-split 0)`,
    );
}

/**
 * One training run as the CLI configures it: reports through `post` and obeys `control` (pause, save,
 * quit) at every batch end. Create it with {@link Session.prepare}, then {@link Session.run}.
 */
export class Session {
  private readonly t0 = performance.now();
  private readonly abort = new AbortController();
  private readonly manager: CheckpointManager;
  private readonly watchers: Watchers;
  private readonly progressEvery: number;
  private step: number;
  private position: { epoch: number; batch: number };
  private saved = { epoch: -1, batch: -1 };
  private lastPost = 0;
  private lastFilters = performance.now();
  private diverged: { epoch: number; batch: number; loss: number } | null = null;

  private constructor(
    private readonly o: TrainOptions,
    private readonly control: Control,
    private readonly post: Post,
    private readonly model: Sequential,
    private readonly optimizer: Optimizer,
    private readonly dataState: DataState,
    private readonly data: RunData,
    private readonly schedule: ScheduleSettings,
    private readonly history: EpochInfo[],
    private readonly info: RunInfo,
    resumed: Resumed | undefined,
  ) {
    this.manager = new CheckpointManager(o.out, { keep: 3 });
    const lr = optimizer.baseLearningRate;
    const settings = { earlyStop: o.earlyStop, saveBest: o.saveBest, schedule, lr, out: o.out };
    this.watchers = createWatchers(
      settings,
      model,
      optimizer,
      (m) => this.metadata(m.epoch),
      resumed?.watchers,
    );
    this.progressEvery = Math.max(1, Math.round(info.batchesPerEpoch / 10));
    const start = info.resumedFrom ?? { epoch: 0, batch: 0 };
    this.position = { epoch: start.epoch, batch: start.batch };
    this.step = start.epoch * info.batchesPerEpoch + start.batch;
  }

  /** Loads the data and builds (or restores) the model; posts `start`. Throws UsageError for bad input. */
  static async prepare(
    o: TrainOptions,
    explicit: ReadonlySet<keyof TrainOptions>,
    control: Control,
    post: Post,
  ): Promise<Session> {
    post({ type: 'phase', phase: 'loading' });
    chooseBackend(o);
    const resumed = o.resume !== undefined ? await loadResume(o, explicit) : undefined;
    const modelName = o.arch ?? o.model;
    const dataState = resumed?.data ?? dataStateOf(o, modelName);
    const data = await loadRunData(dataState, o.testLimit);
    const schedule = resumed?.schedule ?? scheduleSettingsOf(o);
    checkValidation(o, schedule, data);
    const spe = data.train.batchCount(dataState.batchSize);
    const start = resumed?.checkpoint ?? { epoch: 0, batch: 0 };
    if (start.batch > spe) {
      throw new UsageError(
        `--resume: the checkpoint is at batch ${start.batch}, past the ${spe} batches of an epoch of this data`,
      );
    }
    const model = resumed?.checkpoint.model ?? freshModel(o, data);
    const optimizer = resumed?.checkpoint.optimizer ?? newOptimizer(o, model, spe);
    const history = (resumed?.history ?? []).filter((e) => e.epoch <= start.epoch);
    const info = runInfo(o, dataState, data, model, optimizer, schedule, spe, history, resumed);
    post({ type: 'start', info });
    const filters = firstFilters(model);
    if (filters) post({ type: 'filters', info: filters });
    return new Session(o, control, post, model, optimizer, dataState, data, schedule, history, info, resumed);
  }

  /** Trains, then saves the model (unless it diverged) and posts `done`. */
  async run(): Promise<void> {
    const { epochs, resumedFrom } = this.info;
    const startEpoch = resumedFrom?.epoch ?? 0;
    if (startEpoch >= epochs) {
      this.post({
        type: 'status',
        message: `the checkpoint already has ${startEpoch} epochs and --epochs is ${epochs} (the total): nothing to train`,
      });
    }
    this.post({ type: 'phase', phase: 'training' });
    const trainer = {
      onBatchEnd: (m: BatchMetrics) => this.onBatchEnd(m),
      onEpochEnd: (m: EpochMetrics) => this.onEpochEnd(m),
    };
    const result = await this.model.fit(this.data.train, {
      optimizer: this.optimizer,
      epochs,
      batchSize: this.dataState.batchSize,
      seed: this.dataState.seed,
      shuffle: true,
      validationData: this.data.validation,
      signal: this.abort.signal,
      // The watchers act first, so the epoch report and its checkpoint include what they decided.
      callbacks: combineCallbacks(...this.watchers.list, trainer),
      initialEpoch: Math.min(startEpoch, epochs),
      initialBatch: startEpoch >= epochs ? 0 : (resumedFrom?.batch ?? 0),
      // The worker's controls arrive through shared memory (protocol.ts): no need to yield to its event loop.
      yieldEveryMs: Number.POSITIVE_INFINITY,
    });
    await this.finish(result.stopped, result.epoch, result.batch);
  }

  private stopReason(stopped: boolean): StopReason {
    if (this.diverged !== null) return 'diverged';
    if (stopped) return this.control.quitReason ?? 'user';
    return this.watchers.early?.stopTraining ? 'early-stop' : 'completed';
  }

  private async finish(stopped: boolean, epochs: number, batches: number): Promise<void> {
    const reason = this.stopReason(stopped);
    let modelPath: string | null = null;
    let onnx: string | null = null;
    if (reason !== 'diverged') {
      if (stopped) await this.save(epochs, batches, 'quit');
      this.post({ type: 'phase', phase: 'saving' });
      modelPath = join(this.o.out, MODEL_FILE);
      await mkdir(this.o.out, { recursive: true });
      await saveModel(this.model, modelPath, this.metadata());
      if (this.o.onnx !== undefined) {
        await mkdir(dirname(this.o.onnx), { recursive: true });
        await saveOnnx(this.model, this.o.onnx);
        onnx = this.o.onnx;
      }
    }
    const last = this.history.at(-1);
    let testAccuracy = last?.testAccuracy ?? Number.NaN;
    if (reason === 'completed' && last === undefined) {
      this.post({ type: 'phase', phase: 'evaluating' });
      testAccuracy = (await this.model.evaluate(this.data.test, { batchSize: 256 })).accuracy;
    }
    const checkpoint = this.saved.epoch >= 0 ? this.manager.latestPath : (this.o.resume ?? null);
    this.post({
      type: 'done',
      model: modelPath,
      onnx,
      checkpoint,
      testAccuracy,
      seconds: (performance.now() - this.t0) / 1000,
      stopped: reason !== 'completed',
      stopReason: reason,
      stopMessage: this.stopMessage(reason, checkpoint),
      bestEpoch: bestEpochOf(this.history),
      best: this.watchers.best !== null && this.watchers.best.bestEpoch > 0 ? this.watchers.best.path : null,
      epochsDone: reason === 'diverged' ? this.position.epoch : epochs,
      batchesDone: reason === 'diverged' ? this.position.batch : batches,
    });
  }

  private stopMessage(reason: StopReason, checkpoint: string | null): string | null {
    if (reason === 'early-stop') {
      const early = this.watchers.early;
      return early
        ? `stopped early: val_loss has not improved for ${early.wait} epochs (best: epoch ${early.bestEpoch})`
        : null;
    }
    if (reason !== 'diverged' || this.diverged === null) return null;
    const { epoch, batch, loss } = this.diverged;
    const kept = checkpoint
      ? `the last finite checkpoint is ${checkpoint}`
      : 'no checkpoint had been saved yet';
    return `training diverged: the loss became ${loss} at epoch ${epoch}, batch ${batch}; ${kept} (try a lower --lr or --warmup)`;
  }

  /** Metadata of model files (and checkpoints). */
  private metadata(bestEpoch?: number): ModelMetadata {
    const last =
      bestEpoch !== undefined ? this.history.find((e) => e.epoch === bestEpoch) : this.history.at(-1);
    const normalization =
      typeof this.dataState.normalization === 'object' ? this.dataState.normalization : null;
    return {
      classNames: [...this.info.classNames],
      preprocessing: {
        input: [...this.data.train.inputShape],
        scale: 1 / 255,
        normalization,
        source: this.dataState.dataset,
      },
      training: {
        dataset: this.dataState.dataset,
        epochs: bestEpoch ?? last?.epoch ?? 0,
        testAccuracy: last?.testAccuracy,
        model: this.dataState.model,
        optimizer: this.info.optimizer,
        batchSize: this.dataState.batchSize,
        seed: this.dataState.seed,
      },
    };
  }

  private async save(epoch: number, batch: number, reason: SaveReason): Promise<void> {
    if (this.saved.epoch === epoch && this.saved.batch === batch) return;
    // A step can overflow the weights before the loss shows it: never replace a good checkpoint by those.
    if (!weightsFinite(this.model)) {
      this.post({ type: 'status', message: 'not saving a checkpoint: the weights are no longer finite' });
      return;
    }
    this.post({ type: 'phase', phase: 'saving' });
    const extra = {
      history: this.history as unknown as JsonValue[],
      schedule: this.schedule,
      watch: { earlyStop: this.o.earlyStop ?? null, saveBest: this.o.saveBest },
      watchers: watcherState(this.watchers) as unknown as JsonValue,
    };
    const path = await this.manager.save({
      model: this.model,
      optimizer: this.optimizer,
      epoch,
      batch,
      data: this.dataState,
      extra,
      metadata: this.metadata(),
    });
    this.saved = { epoch, batch };
    this.post({ type: 'checkpoint', path, epoch, batch, reason });
    this.post({ type: 'phase', phase: 'training' });
  }

  private async obeyControls(): Promise<void> {
    const { control } = this;
    const saveIfAsked = async () => {
      if (control.takeSaveRequest()) await this.save(this.position.epoch, this.position.batch, 'user');
    };
    await saveIfAsked();
    if (control.paused && !control.quitRequested) {
      this.post({ type: 'paused', paused: true });
      while (control.paused && !control.quitRequested) {
        control.waitWhilePaused();
        await saveIfAsked();
      }
      this.post({ type: 'paused', paused: false });
    }
    if (control.quitRequested) this.abort.abort();
  }

  /** Stops at a loss that is no longer finite (unless --no-stop-on-nan); true when it did. */
  private divergedAt(m: BatchMetrics): boolean {
    if (!this.o.stopOnNan || Number.isFinite(m.loss)) return false;
    this.diverged = { epoch: m.epoch, batch: m.batch, loss: m.loss };
    this.abort.abort();
    return true;
  }

  private async onBatchEnd(m: BatchMetrics): Promise<void> {
    this.step++;
    if (this.divergedAt(m)) return;
    this.position = { epoch: m.epoch - 1, batch: m.batch };
    this.postBatch(m);
    if (this.o.checkpointEvery > 0 && this.step % this.o.checkpointEvery === 0 && m.batch < m.batches) {
      await this.save(this.position.epoch, this.position.batch, 'steps');
    }
    await this.obeyControls();
  }

  private postBatch(m: BatchMetrics): void {
    const now = performance.now();
    const progress = m.batch % this.progressEvery === 0 && m.batch < m.batches;
    if (progress || m.batch === m.batches || now - this.lastPost >= BATCH_MESSAGE_MS) {
      this.lastPost = now;
      // samplesPerSecond is fit's; it measures training alone once fit stops counting its callbacks.
      const b: BatchInfo = { ...m, step: this.step };
      this.post({ type: 'batch', info: b, progress });
    }
    if (now - this.lastFilters >= FILTERS_MS) {
      this.lastFilters = now;
      const f = firstFilters(this.model);
      if (f) this.post({ type: 'filters', info: f });
    }
  }

  private async onEpochEnd(m: EpochMetrics): Promise<void> {
    // fit still reports an epoch whose last batch diverged: nothing of it is worth keeping.
    if (this.diverged !== null) return;
    const tEval = performance.now();
    this.post({ type: 'phase', phase: 'evaluating' });
    const ev = await this.model.evaluate(this.data.test, { batchSize: 256 });
    const misclassified = findMisclassified(this.model, this.data.test, MISCLASSIFIED);
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
      samplesPerSecond: m.samplesPerSecond,
      learningRate: m.learningRate,
      bestEpoch: null,
      sinceBest: null,
    };
    this.history.push(e);
    e.bestEpoch = bestEpochOf(this.history);
    e.sinceBest = e.bestEpoch === null ? null : e.epoch - e.bestEpoch;
    this.post({ type: 'epoch', info: e });
    this.post({ type: 'evaluation', info: { epoch: m.epoch, confusion: ev.confusion, misclassified } });
    const f = firstFilters(this.model);
    if (f) this.post({ type: 'filters', info: f });
    this.position = { epoch: m.epoch, batch: 0 };
    await this.save(m.epoch, 0, 'epoch');
    this.post({ type: 'phase', phase: 'training' });
    await this.obeyControls();
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
  post: Post,
): Promise<void> {
  const session = await Session.prepare(options, explicit, control, post);
  await session.run();
}
