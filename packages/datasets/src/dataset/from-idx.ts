import { type IdxData, IdxFormatError } from '../idx/format.js';
import { parseIdx } from '../idx/read.js';
import type { Augmentation } from './augment.js';
import { ImageDataset, type ImageStorage, type Normalization } from './image-dataset.js';

/** Options of {@link imageDatasetFromIdx}. */
export interface IdxPairOptions {
  /**
   * Names of the classes; every label must be below their count. Default: `'0'`, `'1'`, … up to the
   * largest label, which must leave no class without a sample (a stray byte such as 200 among
   * digits would otherwise make a 201-class model).
   */
  classNames?: readonly string[];
  /** Name of the dataset in messages (default: the images file). */
  name?: string;
  /** Names the images bytes in errors (default `'<images>'`). */
  imagesFile?: string;
  /** Names the labels bytes in errors (default `'<labels>'`). */
  labelsFile?: string;
  /** Applied to every batch; default none. */
  normalization?: Normalization | null;
  /** Applied to every batch; default none. */
  augmentation?: Augmentation | null;
  /** Largest inflated size of each IDX file, in bytes (default 2 GiB). */
  maxBytes?: number;
  /**
   * How the dataset holds the images: default `'bytes'`, the parsed `Uint8Array`; `'compact'` keeps
   * zero runs (MNIST's 47 MB of training pixels in 14 MB, same batches, slower to load; see
   * {@link ImageStorage}).
   */
  storage?: ImageStorage;
}

/**
 * A dataset from the bytes of an images IDX file (uint8 [N, H, W]) and a labels one (uint8 [N]),
 * each raw or gzipped, as a browser app fetches them. Everything is validated before a batch is
 * drawn: types and ranks, equal counts, labels in range (the error names the labels file, the
 * first offending index and its value).
 *
 * @example
 * ```ts
 * const [images, labels] = await Promise.all(
 *   ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz'].map(async (f) => new Uint8Array(await (await fetch(f)).arrayBuffer())),
 * );
 * const train = imageDatasetFromIdx(images, labels, { name: 'mnist/train' });
 * ```
 * @throws {IdxFormatError} naming the file at fault.
 */
export function imageDatasetFromIdx(
  imagesBytes: Uint8Array,
  labelsBytes: Uint8Array,
  options: IdxPairOptions = {},
): ImageDataset {
  const imagesFile = options.imagesFile ?? '<images>';
  const labelsFile = options.labelsFile ?? '<labels>';
  const images = parseIdx(imagesBytes, imagesFile, { dtype: 'uint8', rank: 3, maxBytes: options.maxBytes });
  const labels = parseIdx(labelsBytes, labelsFile, { dtype: 'uint8', rank: 1, maxBytes: options.maxBytes });
  return datasetFromIdx(images, labels, { ...options, imagesFile, labelsFile });
}

/** {@link imageDatasetFromIdx} over parsed files. */
export function datasetFromIdx(
  images: IdxData<'uint8'>,
  labels: IdxData<'uint8'>,
  options: IdxPairOptions & { imagesFile: string; labelsFile: string },
): ImageDataset {
  const { imagesFile, labelsFile } = options;
  const [n, height, width] = images.shape;
  if (labels.shape[0] !== n) {
    throw new IdxFormatError(labelsFile, `has ${labels.shape[0]} labels but ${imagesFile} has ${n} images`);
  }
  if (n === 0) throw new IdxFormatError(imagesFile, 'holds no images');
  if (height === 0 || width === 0)
    throw new IdxFormatError(imagesFile, `images of ${height}×${width} pixels hold nothing`);
  checkLabels(labels.data, labelsFile, options.classNames);
  return new ImageDataset({
    images: images.data,
    labels: labels.data,
    height,
    width,
    classNames: options.classNames,
    name: options.name ?? imagesFile,
    normalization: options.normalization,
    augmentation: options.augmentation,
    storage: options.storage ?? 'bytes',
  });
}

/**
 * Labels must name a class: below `classNames.length` when given, else every class from 0 to the
 * largest label must have a sample (a gap means a corrupt label, not a class nobody drew).
 */
function checkLabels(labels: Uint8Array, file: string, classNames: readonly string[] | undefined): void {
  if (classNames !== undefined) {
    const bad = labels.findIndex((l) => l >= classNames.length);
    if (bad >= 0) {
      throw new IdxFormatError(
        file,
        `label ${labels[bad]} at index ${bad} is not one of the ${classNames.length} classes (0–${classNames.length - 1})`,
      );
    }
    return;
  }
  const seen = new Uint8Array(256);
  for (const l of labels) seen[l] = 1;
  const missing = seen.indexOf(0);
  if (missing < 0) return;
  const bad = labels.findIndex((l) => l > missing);
  if (bad >= 0) {
    throw new IdxFormatError(
      file,
      `label ${labels[bad]} at index ${bad} is out of range: no sample has label ${missing}, so the classes are 0–${missing - 1} (a corrupt label? pass classNames to declare the classes)`,
    );
  }
}
