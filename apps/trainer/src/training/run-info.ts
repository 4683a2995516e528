import { join } from 'node:path';
import type { Sequential } from '@scratchnet/layers';
import type { Optimizer } from '@scratchnet/optimizers';
import { getBackend } from '@scratchnet/tensor';
import type { TrainOptions } from '../args.js';
import type { EpochInfo, RunInfo } from '../protocol.js';
import { type DataState, type RunData, describeAugmentation } from './data.js';
import { type ScheduleSettings, describeOptimizer, describeSchedule } from './optimizer.js';
import type { Resumed } from './resume.js';
import { BEST_FILE } from './watchers.js';

/** What the run is, for the `start` message. */
export function runInfo(
  o: TrainOptions,
  dataState: DataState,
  data: RunData,
  model: Sequential,
  optimizer: Optimizer,
  schedule: ScheduleSettings,
  batchesPerEpoch: number,
  history: EpochInfo[],
  resumed: Resumed | undefined,
): RunInfo {
  const backend = getBackend();
  const dataset =
    dataState.dataset === 'fashion-mnist' ? 'Fashion-MNIST' : dataState.dataDir ? dataState.dataDir : 'MNIST';
  const start = resumed?.checkpoint;
  return {
    model: dataState.model,
    summary: model.summary(),
    parameters: model.countParameters(),
    dataset,
    classNames: [...data.train.classNames],
    trainSamples: data.train.count,
    valSamples: data.validation?.count ?? 0,
    testSamples: data.test.count,
    backend: backend.name,
    threads: backend.threads,
    epochs: o.epochs,
    batchSize: dataState.batchSize,
    batchesPerEpoch,
    optimizer: describeOptimizer(optimizer),
    schedule: describeSchedule(schedule, o.epochs),
    augmentation: describeAugmentation(dataState),
    earlyStop: o.earlyStop ?? null,
    bestPath: o.saveBest ? join(o.out, BEST_FILE) : null,
    learningRate: optimizer.learningRate,
    seed: dataState.seed,
    outDir: o.out,
    resumedFrom: o.resume && start ? { path: o.resume, epoch: start.epoch, batch: start.batch } : null,
    history,
  };
}
