/**
 * @scratchnet/datasets: IDX files, seeded batching and augmentation, and PNG/JPEG pictures prepared
 * the way MNIST was. This entry is bytes in, bytes out, and loads in browsers;
 * `@scratchnet/datasets/node` adds the file system (MNIST shipped with the install, Fashion-MNIST,
 * IDX and image files).
 *
 * @packageDocumentation
 */
export type { Augmentation, ResolvedAugmentation } from './dataset/augment.js';
export { type IdxPairOptions, imageDatasetFromIdx } from './dataset/from-idx.js';
export {
  type Batch,
  type BatchOptions,
  ImageDataset,
  type ImageDatasetInit,
  type ImageStorage,
  type Normalization,
  type Sample,
} from './dataset/image-dataset.js';
export {
  DEFAULT_MAX_PIXELS,
  type DecodeImageOptions,
  type DecodedImage,
  type GrayImage,
  ImageError,
  decodeImage,
} from './image/decode.js';
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
export { type IdxArrays, type IdxData, type IdxDtype, IdxFormatError } from './idx/format.js';
export { type IdxExpectation, MAX_IDX_BYTES, type ParseIdxOptions, parseIdx } from './idx/read.js';
export { encodeIdx } from './idx/write.js';
export { FASHION_MNIST_CLASSES, MNIST_CLASSES, MNIST_NORMALIZATION } from './sources/classes.js';
