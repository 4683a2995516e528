import { existsSync } from 'node:fs';
import { FASHION_MNIST_CLASSES } from './classes.js';
import type { ImageStorage } from '../dataset/image-dataset.js';
import { DatasetNotFoundError, type TrainTest, loadIdxDataset } from './idx-dataset.js';

/** Where Debian's `dataset-fashion-mnist` package installs the (gzipped) IDX files. */
export const FASHION_MNIST_DEFAULT_DIR = '/usr/share/datasets/fashion-mnist';

/**
 * Fashion-MNIST (Zalando): 60,000 training and 10,000 test 28×28 grayscale garments in ten classes,
 * from a directory of its four IDX files (raw or gzipped).
 *
 * @param dir Default: where Debian's `dataset-fashion-mnist` package installs them.
 * @param options `storage`: how the images are held (default `'bytes'`; see {@link ImageStorage}).
 * @throws {DatasetNotFoundError} saying where it looked and how to get the data.
 */
export async function loadFashionMnist(
  dir: string = FASHION_MNIST_DEFAULT_DIR,
  options: { storage?: ImageStorage } = {},
): Promise<TrainTest> {
  if (!existsSync(dir)) {
    throw new DatasetNotFoundError(
      `loadFashionMnist: Fashion-MNIST not found in ${dir}. Install it with \`sudo apt-get install dataset-fashion-mnist\` (Debian/Ubuntu), or put train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz from https://github.com/zalandoresearch/fashion-mnist in a directory and pass it.`,
    );
  }
  return loadIdxDataset(dir, {
    classNames: FASHION_MNIST_CLASSES,
    name: 'fashion-mnist',
    storage: options.storage,
  });
}
