/**
 * @scratchnet/serialization: models and checkpoints as safetensors files (PyTorch state_dict names,
 * architecture and metadata inside, validated as untrusted input), crash-safe atomic writes, exact
 * training resume, and ONNX export with a small protobuf encoder of its own.
 *
 * @packageDocumentation
 */
// Node-only (writes files): belongs with the other file functions in the `/node` entry.
export { BestModelCheckpoint, type BestModelCheckpointOptions } from './callbacks/best-model.js';
export {
  type CheckpointState,
  type JsonObject,
  type LoadedCheckpoint,
  checkpointFromBytes,
  checkpointToBytes,
  loadCheckpoint,
  saveCheckpoint,
} from './checkpoint/checkpoint.js';
export { CheckpointManager, type CheckpointManagerOptions } from './checkpoint/manager.js';
export { SerializationError } from './errors.js';
export {
  type AtomicWriteHooks,
  type AtomicWriteOptions,
  isTempFileName,
  writeFileAtomic,
} from './io/atomic.js';
export {
  FORMAT_NAME,
  FORMAT_VERSION,
  type ModelMetadata,
  type Preprocessing,
  type TrainingSummary,
} from './model/metadata.js';
export {
  type LoadedModel,
  OPTIMIZER_PREFIX,
  loadModel,
  loadWeights,
  modelFromBytes,
  modelToBytes,
  saveModel,
} from './model/model.js';
export { ONNX_IR_VERSION, ONNX_OPSET, type OnnxExportOptions, exportOnnx, saveOnnx } from './onnx/export.js';
export { ProtoWriter } from './onnx/protobuf.js';
export {
  DTYPE_SIZES,
  type Dtype,
  MAX_HEADER_LENGTH,
  type SafetensorsFile,
  type SafetensorsTensor,
  decodeSafetensors,
  encodeSafetensors,
} from './safetensors/codec.js';
