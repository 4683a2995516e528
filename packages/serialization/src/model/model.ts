import { readFile } from 'node:fs/promises';
import { Sequential } from '@scratchnet/layers';
import { type Storage, getBackend, setBackend } from '@scratchnet/tensor';
import { SerializationError, messageOf } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { type SafetensorsFile, decodeSafetensors, encodeSafetensors } from '../safetensors/codec.js';
import { type ModelHeader, type ModelMetadata, modelMetadataEntries, readModelHeader } from './metadata.js';
import { loadState, modelEntries } from './state.js';

/** A model rebuilt from a file, with the metadata stored alongside it. */
export interface LoadedModel {
  model: Sequential;
  metadata: ModelMetadata;
}

/** Tensor-name prefix of optimizer state in checkpoints (`optimizer.0.weight.momentum_buffer`). */
export const OPTIMIZER_PREFIX = 'optimizer.';

/**
 * Serializes a model to safetensors bytes: its parameters and buffers under their PyTorch
 * `nn.Sequential` state_dict names, and in `__metadata__` the format, version, architecture and
 * `metadata`. {@link saveModel} writes the same bytes to a file.
 */
export function modelToBytes(model: Sequential, metadata: ModelMetadata = {}): Uint8Array {
  return encodeSafetensors(modelEntries(model), modelMetadataEntries(model.getConfig(), metadata, 'model'));
}

/** Reads a whole file, with errors that name it. */
export async function readFileBytes(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new SerializationError(
      path,
      code === 'ENOENT' ? 'no such file' : `cannot be read: ${messageOf(e)}`,
      { cause: e },
    );
  }
}

/** Thrown by the allocation budget of {@link buildModel}. */
class BudgetExceeded extends Error {}

/**
 * Rebuilds the architecture in `header` (fresh weights, which the caller overwrites), naming the file
 * on failure. The architecture comes from an untrusted file and could ask for gigabytes (a Dense
 * layer of 10⁹ units) before its tensors are compared with the file's, so building runs under an
 * allocation budget: parameters, gradients and buffers may take at most four times the elements the
 * file holds (twice what a consistent file needs), checked before each allocation.
 */
export function buildModel(header: ModelHeader, file: string, fileElements: number): Sequential {
  const inner = getBackend();
  const budget = 4 * fileElements + 65536;
  let used = 0;
  const budgeted = new Proxy(inner, {
    get(target, prop) {
      if (prop === 'allocate') {
        return (length: number): Storage => {
          used += length;
          if (used > budget) throw new BudgetExceeded();
          return target.allocate(length);
        };
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  setBackend(budgeted);
  try {
    // The file's tensors overwrite every parameter: skip drawing initial values (a faster load).
    return Sequential.fromConfig(header.config, { initialize: false });
  } catch (e) {
    if (e instanceof BudgetExceeded) {
      throw new SerializationError(
        file,
        `the architecture needs far more memory than the file's tensors hold (${fileElements} elements): corrupt or hostile`,
      );
    }
    throw new SerializationError(file, `architecture cannot be built: ${messageOf(e)}`, { cause: e });
  } finally {
    setBackend(inner);
  }
}

/** Decodes and validates a model (or checkpoint) file's bytes and rebuilds the model. */
export function modelFromFile(file: SafetensorsFile, name: string): LoadedModel & { header: ModelHeader } {
  const header = readModelHeader(file.metadata, name);
  let elements = 0;
  for (const t of file.tensors.values()) elements += t.data.byteLength / 4;
  const model = buildModel(header, name, elements);
  loadState(model, file.tensors, name, {
    ignorePrefixes: header.kind === 'checkpoint' ? [OPTIMIZER_PREFIX] : [],
  });
  return { model, metadata: header.metadata, header };
}

/**
 * Rebuilds a model from bytes written by {@link modelToBytes} (or a checkpoint's), validating
 * everything. `file` names the source in error messages.
 */
export function modelFromBytes(bytes: Uint8Array, file = '<bytes>'): LoadedModel {
  const { model, metadata } = modelFromFile(decodeSafetensors(bytes, file), file);
  return { model, metadata };
}

/**
 * Saves a model as a safetensors file, atomically (a crash mid-save leaves the previous file). The
 * file alone is enough to rebuild the model with {@link loadModel}; PyTorch reads its weights with
 * `safetensors.torch.load_file` + `load_state_dict` into an `nn.Sequential` of the same layers.
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
  await writeFileAtomic(path, modelToBytes(model, metadata));
}

/**
 * Loads a model saved by {@link saveModel} (or the model inside a checkpoint): rebuilds the
 * architecture from the file's metadata and loads every tensor, bit-exact. Errors
 * ({@link SerializationError}) name the file and the problem: corrupt or truncated data, missing or
 * unexpected tensors, shape or dtype mismatches, unknown layer types, unsupported format versions.
 */
export async function loadModel(path: string): Promise<LoadedModel> {
  return modelFromBytes(await readFileBytes(path), path);
}

/**
 * Loads the weights of any safetensors file (e.g. one saved from a PyTorch `nn.Sequential` with
 * `safetensors.torch.save_file(model.state_dict(), path)`) into an existing model with the same
 * layers. Every parameter and buffer must be present with the right shape, nothing else may be.
 */
export async function loadWeights(model: Sequential, path: string): Promise<void> {
  const file = decodeSafetensors(await readFileBytes(path), path);
  loadState(model, file.tensors, path, {
    ignorePrefixes: file.metadata.kind === 'checkpoint' ? [OPTIMIZER_PREFIX] : [],
  });
}
