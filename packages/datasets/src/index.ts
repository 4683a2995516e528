/**
 * @scratchnet/datasets: IDX files, MNIST shipped with the install, Fashion-MNIST, seeded batching,
 * and image files prepared the way MNIST was.
 *
 * @packageDocumentation
 */
export type { Augmentation, ResolvedAugmentation } from './dataset/augment.js';
export {
  type Batch,
  type BatchOptions,
  ImageDataset,
  type ImageDatasetInit,
  type Normalization,
  type Sample,
} from './dataset/image-dataset.js';
export { type DecodedImage, type GrayImage, ImageError, decodeImage } from './image/decode.js';
export {
  type InkMask,
  MNIST_BOX,
  MNIST_FRAME,
  type PreprocessOptions,
  type PreprocessedImage,
  preprocessGray,
  preprocessImage,
} from './image/preprocess.js';
export {
  type Classification,
  ClassificationError,
  type Classifier,
  type ClassifyOptions,
  type RankedClass,
  classifyImage,
  classifyPrepared,
  prepareImage,
} from './image/preprocess/classify.js';
export {
  type Preprocessing,
  PreprocessingError,
  parsePreprocessing,
  preprocessOptionsOf,
} from './image/preprocess/spec.js';
export { IDX_DTYPES, type IdxArrays, type IdxData, type IdxDtype, IdxFormatError } from './idx/format.js';
export { type IdxExpectation, isGzip, parseIdx, readIdx } from './idx/read.js';
export { encodeIdx, writeIdx } from './idx/write.js';
export {
  FASHION_MNIST_CLASSES,
  FASHION_MNIST_DEFAULT_DIR,
  loadFashionMnist,
} from './sources/fashion-mnist.js';
export {
  DatasetNotFoundError,
  type IdxDatasetOptions,
  type TrainTest,
  loadIdxDataset,
  loadIdxPair,
} from './sources/idx-dataset.js';
export { MNIST_CLASSES, MNIST_NORMALIZATION, loadMnist, mnistDataDir } from './sources/mnist.js';
