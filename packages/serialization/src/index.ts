/**
 * @scratchnet/serialization: models and checkpoints as safetensors bytes (PyTorch state_dict names,
 * architecture and metadata inside, validated as untrusted input), exact training resume, and ONNX
 * export with a small protobuf encoder of its own. This entry is bytes in, bytes out, and loads in
 * browsers; `@scratchnet/serialization/node` adds the file functions.
 *
 * @packageDocumentation
 */
// Node-only (writes files): belongs with the other file functions in the `/node` entry.
export {
  type CheckpointState,
  type JsonObject,
  type LoadedCheckpoint,
  checkpointFromBytes,
  checkpointToBytes,
} from './checkpoint/checkpoint.js';
export { SerializationError } from './errors.js';
export type { ModelMetadata, Preprocessing, TrainingSummary } from './model/metadata.js';
export {
  type LoadedModel,
  type ModelFromBytesOptions,
  modelFromBytes,
  modelToBytes,
} from './model/model.js';
export { type OnnxExportOptions, exportOnnx } from './onnx/export.js';
export {
  type Dtype,
  type SafetensorsFile,
  type SafetensorsTensor,
  decodeSafetensors,
  encodeSafetensors,
} from './safetensors/codec.js';
