import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type IdxPairOptions, datasetFromIdx } from '../dataset/from-idx.js';
import type { ImageDataset, ImageStorage } from '../dataset/image-dataset.js';
import { readIdx } from '../idx/files.js';

/** Thrown when a dataset's files cannot be found; the message says where it looked and what to do. */
export class DatasetNotFoundError extends Error {
  override name = 'DatasetNotFoundError';
}

/** A dataset's two standard parts. */
export interface TrainTest {
  /** The training part. */
  train: ImageDataset;
  /** The test part. */
  test: ImageDataset;
}

/** Options of {@link loadIdxDataset}. */
export interface IdxDatasetOptions {
  /** Names of the class indices (default `'0'`…`'9'`-style numbers). */
  classNames?: readonly string[];
  /** Prefix of the datasets' names in messages (default: the directory). */
  name?: string;
  /** How the datasets hold their images (default `'bytes'`; see {@link ImageStorage}). */
  storage?: ImageStorage;
}

/**
 * Loads one images/labels pair of IDX files (raw or gzipped) as a dataset, validated as
 * {@link imageDatasetFromIdx} does: uint8 [N, H, W] images, uint8 [N] labels, labels in range.
 *
 * @throws {IdxFormatError} naming the file at fault.
 */
export async function loadIdxPair(
  imagesPath: string,
  labelsPath: string,
  options: Omit<IdxPairOptions, 'imagesFile' | 'labelsFile'> = {},
): Promise<ImageDataset> {
  const [images, labels] = await Promise.all([
    readIdx(imagesPath, { dtype: 'uint8', rank: 3, maxBytes: options.maxBytes }),
    readIdx(labelsPath, { dtype: 'uint8', rank: 1, maxBytes: options.maxBytes }),
  ]);
  return datasetFromIdx(images, labels, { ...options, imagesFile: imagesPath, labelsFile: labelsPath });
}

// Accepted spellings: LeCun's `train-images-idx3-ubyte`, the `train-images.idx3-ubyte` of some mirrors,
// `t10k` or `test` for the test part; each raw or `.gz`.
function candidates(part: 'train' | 'test', kind: 'images' | 'labels'): string[] {
  const dims = kind === 'images' ? 'idx3' : 'idx1';
  const prefixes = part === 'train' ? ['train'] : ['t10k', 'test'];
  return prefixes.flatMap((p) =>
    [`${p}-${kind}-${dims}-ubyte`, `${p}-${kind}.${dims}-ubyte`].flatMap((f) => [f, `${f}.gz`]),
  );
}

/**
 * Loads MNIST-format data from a directory holding `train-images-idx3-ubyte`,
 * `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte` and `t10k-labels-idx1-ubyte` (each raw or
 * `.gz`; `test-` for `t10k-` and `.idx3-ubyte` for `-idx3-ubyte` are accepted too).
 *
 * @example
 * ```ts
 * const { train, test } = await loadIdxDataset('/data/kmnist', { classNames: ['お', 'き', …] });
 * ```
 * @throws {DatasetNotFoundError} when the directory or a file is missing; {@link IdxFormatError} for a bad file.
 */
export async function loadIdxDataset(dir: string, options: IdxDatasetOptions = {}): Promise<TrainTest> {
  let files: string[];
  try {
    if (!(await stat(dir)).isDirectory()) throw new Error('not a directory');
    files = await readdir(dir);
  } catch {
    throw new DatasetNotFoundError(`loadIdxDataset: ${dir} is not a readable directory`);
  }
  const find = (part: 'train' | 'test', kind: 'images' | 'labels'): string => {
    const names = candidates(part, kind);
    const hit = names.find((n) => files.includes(n));
    if (hit === undefined) {
      throw new DatasetNotFoundError(
        `loadIdxDataset: no ${names[0]}[.gz] in ${dir} (it holds: ${files.length ? files.join(', ') : 'nothing'})`,
      );
    }
    return join(dir, hit);
  };
  const paths = [
    find('train', 'images'),
    find('train', 'labels'),
    find('test', 'images'),
    find('test', 'labels'),
  ];
  const name = options.name ?? dir;
  const train = await loadIdxPair(paths[0], paths[1], {
    classNames: options.classNames,
    name: `${name}/train`,
    storage: options.storage,
  });
  // The test labels must fall in the training set's classes: checked now, not after an epoch.
  const test = await loadIdxPair(paths[2], paths[3], {
    classNames: train.classNames,
    name: `${name}/test`,
    storage: options.storage,
  });
  return { train, test };
}
