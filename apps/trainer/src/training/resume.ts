import { existsSync } from 'node:fs';
import type { JsonValue } from '@scratchnet/layers';
import type { Optimizer } from '@scratchnet/optimizers';
import { type LoadedCheckpoint, loadCheckpoint } from '@scratchnet/serialization/node';
import { type TrainOptions, UsageError } from '../args.js';
import type { EpochInfo } from '../protocol.js';
import type { DataState } from './data.js';
import { type ScheduleSettings, describeOptimizer, scheduleSettingsOf } from './optimizer.js';
import type { WatcherState } from './watchers.js';

/** What a resumed run takes from its checkpoint. */
export interface Resumed {
  checkpoint: LoadedCheckpoint;
  data: DataState;
  history: EpochInfo[];
  schedule: ScheduleSettings;
  watchers: WatcherState | undefined;
  /** `--early-stop` and `--save-best` of the run that wrote the checkpoint. */
  watch: WatchSettings | undefined;
}

/** The watcher flags, stored with checkpoints. */
export interface WatchSettings {
  [key: string]: JsonValue;
  earlyStop: number | null;
  saveBest: boolean;
}

const DATA_KEYS: Array<[keyof DataState, keyof TrainOptions, string]> = [
  ['model', 'model', '--model'],
  ['model', 'arch', '--arch'],
  ['dataset', 'dataset', '--dataset'],
  ['dataDir', 'dataDir', '--data-dir'],
  ['seed', 'seed', '--seed'],
  ['batchSize', 'batchSize', '--batch-size'],
  ['valSplit', 'valSplit', '--val-split'],
  ['trainLimit', 'trainLimit', '--train-limit'],
];

const SCHEDULE_KEYS: Array<[keyof ScheduleSettings, keyof TrainOptions, string]> = [
  ['schedule', 'schedule', '--schedule'],
  ['stepSize', 'stepSize', '--step-size'],
  ['gamma', 'gamma', '--gamma'],
  ['milestones', 'milestones', '--milestones'],
  ['t0', 't0', '--t0'],
  ['tMult', 'tMult', '--t-mult'],
  ['minLr', 'minLr', '--min-lr'],
  ['plateauPatience', 'plateauPatience', '--plateau-patience'],
  ['warmup', 'warmup', '--warmup'],
];

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

function conflict(flag: string, value: unknown, saved: unknown): never {
  throw new UsageError(
    `${flag} ${Array.isArray(value) ? value.join(',') : value} conflicts with the checkpoint (trained with ${Array.isArray(saved) ? saved.join(',') : saved}); leave it out to resume exactly`,
  );
}

/** Checks that the flags given explicitly agree with what the checkpoint was trained with. */
function checkConflicts(r: Resumed, o: TrainOptions, explicit: ReadonlySet<keyof TrainOptions>): void {
  for (const [dk, ok, flag] of DATA_KEYS) {
    if (explicit.has(ok) && !same(o[ok], r.data[dk])) conflict(flag, o[ok], r.data[dk]);
  }
  if (explicit.has('augment') && o.augment !== (r.data.augmentation !== null)) {
    conflict(o.augment ? '--augment' : '--no-augment', '', r.data.augmentation ? 'augmentation' : 'none');
  }
  if (explicit.has('normalize') && o.normalize !== (r.data.normalization !== null)) {
    conflict(
      o.normalize ? '--normalize' : '--no-normalize',
      '',
      r.data.normalization ? 'normalised inputs' : 'raw inputs',
    );
  }
  for (const [sk, ok, flag] of SCHEDULE_KEYS) {
    if (explicit.has(ok) && !same(o[ok], r.schedule[sk])) conflict(flag, o[ok], r.schedule[sk]);
  }
  checkOptimizerConflicts(r.checkpoint.optimizer, o, explicit);
}

function checkOptimizerConflicts(
  optimizer: Optimizer,
  o: TrainOptions,
  explicit: ReadonlySet<keyof TrainOptions>,
): void {
  const config = optimizer.getConfig() as { type: string } & Record<string, JsonValue>;
  const given: Array<[keyof TrainOptions, string, string, JsonValue]> = [
    ['optimizer', 'type', '--optimizer', o.optimizer],
    ['lr', 'lr', '--lr', o.lr],
    ['momentum', 'momentum', '--momentum', o.momentum],
    ['decay', 'decay', '--decay', o.decay],
    ['weightDecay', 'weightDecay', '--weight-decay', o.weightDecay],
    ['nesterov', 'nesterov', '--nesterov', o.nesterov],
  ];
  for (const [ok, ck, flag, value] of given) {
    if (explicit.has(ok) && (config[ck] ?? (typeof value === 'boolean' ? false : 0)) !== value) {
      throw new UsageError(
        `${flag} ${value} conflicts with the checkpoint's optimizer (${describeOptimizer(optimizer)}); resuming continues with it`,
      );
    }
  }
}

/** Loads `--resume`'s checkpoint and what the run needs of it; throws UsageError on conflicts. */
export async function loadResume(
  o: TrainOptions,
  explicit: ReadonlySet<keyof TrainOptions>,
): Promise<Resumed> {
  const path = o.resume as string;
  if (!existsSync(path)) throw new UsageError(`--resume: no such file '${path}'`);
  const checkpoint = await loadCheckpoint(path);
  const data = checkpoint.data as DataState | undefined;
  if (data === undefined || typeof data.seed !== 'number' || typeof data.batchSize !== 'number') {
    throw new UsageError(
      `--resume: ${path} was not written by scratchnet-train (it has no data-order state)`,
    );
  }
  // Checkpoints written before augmentation and normalisation were options have neither.
  data.augmentation ??= null;
  data.normalization ??= null;
  const extra = checkpoint.extra ?? {};
  const history = Array.isArray(extra.history) ? (extra.history as unknown as EpochInfo[]) : [];
  const schedule = (extra.schedule as unknown as ScheduleSettings | undefined) ?? {
    ...scheduleSettingsOf(o),
    schedule: 'none' as const,
    warmup: 0,
  };
  const watchers = extra.watchers as unknown as WatcherState | undefined;
  const watch = extra.watch as WatchSettings | undefined;
  const r: Resumed = { checkpoint, data, history, schedule, watchers, watch };
  // The run continues as it was set up unless the flags say otherwise now.
  if (watch !== undefined && !explicit.has('earlyStop')) o.earlyStop = watch.earlyStop ?? undefined;
  if (watch !== undefined && !explicit.has('saveBest')) o.saveBest = watch.saveBest;
  checkConflicts(r, o, explicit);
  return r;
}
