import { dirname } from 'node:path';
import type { Sequential } from '@scratchnet/layers';
import { removeDeadTempFiles, writeFileAtomic } from '../io/atomic.js';
import { readFileCapped } from '../io/read-capped.js';
import { decodeSafetensors } from '../safetensors/codec.js';
import type { ModelMetadata } from './metadata.js';
import { type LoadedModel, OPTIMIZER_PREFIX, checkFinite, modelFromBytes, modelToBytes } from './model.js';
import { loadState } from './state.js';

/**
 * Largest model or checkpoint file read by default: 256 MiB (an MNIST model is a few hundred KiB to a
 * few MiB). A larger regular file is refused from its size, unread; a device or pipe (such as
 * `/dev/zero`) as soon as the bytes read pass the cap.
 */
export const MAX_MODEL_FILE_BYTES = 256 * 1024 * 1024;

/** Options of the functions that read model and checkpoint files. */
export interface ReadModelOptions {
  /** Largest file accepted, in bytes (default {@link MAX_MODEL_FILE_BYTES}, 256 MiB). */
  maxBytes?: number;
}

/** Reads a model or checkpoint file under its size cap. */
export function readModelFile(path: string, options: ReadModelOptions = {}): Promise<Uint8Array> {
  return readFileCapped(path, options.maxBytes ?? MAX_MODEL_FILE_BYTES, 'a model or checkpoint file');
}

/**
 * Saves a model as a safetensors file, atomically (a crash mid-save leaves the previous file). The
 * file alone is enough to rebuild the model with {@link loadModel}; PyTorch reads its weights with
 * `safetensors.torch.load_file` + `load_state_dict` into an `nn.Sequential` of the same layers.
 * Temporary files that killed saves left in the directory are removed first.
 *
 * @example
 * ```ts
 * await saveModel(model, 'mnist.safetensors', {
 *   classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
 *   training: { dataset: 'mnist', epochs: 5, testAccuracy: 0.987 },
 * });
 * const { model: again, metadata } = await loadModel('mnist.safetensors');
 * ```
 */
export async function saveModel(
  model: Sequential,
  path: string,
  metadata: ModelMetadata = {},
): Promise<void> {
  removeDeadTempFiles(dirname(path));
  await writeFileAtomic(path, modelToBytes(model, metadata));
}

/**
 * Loads a model saved by {@link saveModel} (or the model inside a checkpoint): rebuilds the
 * architecture from the file's metadata and loads every tensor, bit-exact. Errors
 * ({@link SerializationError}) name the file and the problem: corrupt or truncated data, missing or
 * unexpected tensors, shape or dtype mismatches, non-finite weights, unknown layer types, unsupported
 * format versions, a file over `options.maxBytes` (default 256 MiB).
 */
export async function loadModel(path: string, options: ReadModelOptions = {}): Promise<LoadedModel> {
  return modelFromBytes(await readModelFile(path, options), path);
}

/**
 * Loads the weights of any safetensors file (e.g. one saved from a PyTorch `nn.Sequential` with
 * `safetensors.torch.save_file(model.state_dict(), path)`) into an existing model with the same
 * layers. Every parameter and buffer must be present with the right shape, nothing else may be.
 */
export async function loadWeights(
  model: Sequential,
  path: string,
  options: ReadModelOptions = {},
): Promise<void> {
  const file = decodeSafetensors(await readModelFile(path, options), path);
  checkFinite(file, path);
  loadState(model, file.tensors, path, {
    ignorePrefixes: file.metadata.kind === 'checkpoint' ? [OPTIMIZER_PREFIX] : [],
  });
}
