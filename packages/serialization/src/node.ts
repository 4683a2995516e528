/**
 * @scratchnet/serialization/node: the file side for Node. Models and checkpoints saved atomically
 * (a crash mid-save leaves the previous file; temporary files of killed writers are cleared at the
 * next start), loaded under a size cap (default 256 MiB), a checkpoint manager, ONNX files, and capped
 * readers for files and streams. Everything of `@scratchnet/serialization` is re-exported.
 *
 * @packageDocumentation
 */
export * from './index.js';
export { BestModelCheckpoint, type BestModelCheckpointOptions } from './callbacks/best-model.js';
export { CheckpointManager, type CheckpointManagerOptions } from './checkpoint/manager.js';
export { loadCheckpoint, saveCheckpoint } from './checkpoint/files.js';
export { type AtomicWriteOptions, writeFileAtomic } from './io/atomic.js';
export { readFileCapped, readStreamCapped } from './io/read-capped.js';
export {
  MAX_MODEL_FILE_BYTES,
  type ReadModelOptions,
  loadModel,
  loadWeights,
  saveModel,
} from './model/files.js';
export { saveOnnx } from './onnx/save.js';
