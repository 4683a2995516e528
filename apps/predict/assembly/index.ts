// scratchnet-predict's compiled preprocessing kernels, one module (build.mjs compiles it into
// src/generated/preprocess-wasm.ts): each stands in, in the CLI's bundle, for the datasets library's
// JavaScript of the same name and gives the same bits.
export { labelComponents, STATS_BYTES } from './components';
export { borderClosing, extremeAxis } from './extreme';
export { histogramRank } from './histogram';
export { crc32, rowsOf8Bits, unfilterRows } from './png-rows';
export { rowsPaper, shrinkRows, shrinkRowsScratch } from './resample';
export { steepestProjection } from './projection';
export { batchNorm, batchNormReluPool, conv2d, conv3x3, dense, maxPool2d, relu } from './forward';
export { inkOver, paperOf } from './illumination';
export { removeShadowInk } from './shadows';
export { complement, cropInk, frameInk, labelKinds, strokeLevel, strokeWidth, thresholdInk } from './ink';
export { extremes } from './extremes';
export { inflateZlib, INFLATE_WORK_BYTES } from './inflate';
export { firstNonFinite } from './finite';
export { decodeDcScan } from './jpeg-scan';
export { decodeJpegScan, jpegLuminance } from './jpeg-full';
