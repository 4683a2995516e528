import { existsSync } from 'node:fs';
import {
  DatasetNotFoundError,
  type ImageDataset,
  MNIST_NORMALIZATION,
  type Normalization,
  type ResolvedAugmentation,
  loadFashionMnist,
  loadIdxDataset,
  loadMnist,
} from '@scratchnet/datasets/node';
import type { JsonValue } from '@scratchnet/layers';
import { type TrainOptions, UsageError } from '../args.js';

/**
 * What fixes the data a run sees, in order: stored in checkpoints so a resume replays it exactly
 * (augmentation is drawn from (seed, epoch, sample), so its settings are its whole state).
 */
export interface DataState {
  [key: string]: JsonValue;
  model: string;
  dataset: string;
  dataDir: string | null;
  seed: number;
  batchSize: number;
  valSplit: number;
  trainLimit: number | null;
  shuffle: boolean;
  augmentation: { maxShift: number; maxRotation: number; maxScale: number } | null;
  /** true until the training set's statistics are known, then `{ mean, std }`; null: off. */
  normalization: { mean: number; std: number } | boolean | null;
}

/** The data state the flags describe (a fresh run). */
export function dataStateOf(o: TrainOptions, model: string): DataState {
  return {
    model,
    dataset: o.dataset,
    dataDir: o.dataDir ?? null,
    seed: o.seed,
    batchSize: o.batchSize,
    valSplit: o.valSplit,
    trainLimit: o.trainLimit ?? null,
    shuffle: true,
    augmentation: o.augment
      ? { maxShift: o.maxShift, maxRotation: o.maxRotation, maxScale: o.maxScale }
      : null,
    normalization: o.normalize ? true : null,
  };
}

/** The sets a run trains, validates and tests on. */
export interface RunData {
  train: ImageDataset;
  validation: ImageDataset | undefined;
  test: ImageDataset;
  normalization: Normalization | null;
}

async function loadSets(data: DataState): Promise<{ train: ImageDataset; test: ImageDataset }> {
  try {
    const dir = data.dataDir ?? undefined;
    if (dir !== undefined && !existsSync(dir)) throw new UsageError(`--data-dir: no such directory '${dir}'`);
    if (data.dataset === 'fashion-mnist') return await loadFashionMnist(dir);
    return dir === undefined ? await loadMnist() : await loadIdxDataset(dir, { name: 'mnist' });
  } catch (e) {
    if (e instanceof DatasetNotFoundError) throw new UsageError(e.message);
    throw e;
  }
}

/** Loads, limits, normalises, augments and splits the data as `data` says (filling in the statistics). */
export async function loadRunData(data: DataState, testLimit: number | undefined): Promise<RunData> {
  let { train, test } = await loadSets(data);
  if (data.trainLimit !== null) train = train.subset(0, Math.min(data.trainLimit, train.count));
  if (testLimit !== undefined) test = test.subset(0, Math.min(testLimit, test.count));
  if (data.normalization === true) {
    const isMnist = data.dataset === 'mnist' && data.dataDir === null;
    const { mean, std } = isMnist ? MNIST_NORMALIZATION : train.statistics();
    data.normalization = { mean, std };
  }
  const normalization = typeof data.normalization === 'object' ? data.normalization : null;
  const augmentation: ResolvedAugmentation | null = data.augmentation;
  train = train.withOptions({ normalization, augmentation });
  test = test.withOptions({ normalization });
  if (data.valSplit === 0) return { train, validation: undefined, test, normalization };
  const n = Math.round(train.count * data.valSplit);
  if (n < 1 || n >= train.count) {
    throw new UsageError(
      `--val-split ${data.valSplit} of ${train.count} training images leaves an empty part; use a larger or smaller fraction`,
    );
  }
  const { train: kept, validation } = train.split(data.valSplit, data.seed);
  return { train: kept, validation, test, normalization };
}

/** The augmentation in words, or null. */
export function describeAugmentation(data: DataState): string | null {
  const a = data.augmentation;
  if (a === null) return null;
  const parts = [`shift ≤ ${a.maxShift} px`, `rotation ≤ ${a.maxRotation}°`];
  if (a.maxScale > 0) parts.push(`zoom ± ${Math.round(a.maxScale * 100)}%`);
  return parts.join(', ');
}
