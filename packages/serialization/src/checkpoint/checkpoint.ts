import type { JsonValue, Sequential } from '@scratchnet/layers';
import { type Optimizer, type OptimizerSpec, createOptimizer } from '@scratchnet/optimizers';
import { type RandomState, Tensor } from '@scratchnet/tensor';
import { SerializationError, messageOf, shown } from '../errors.js';
import { type ModelMetadata, modelMetadataEntries, parseJsonEntry } from '../model/metadata.js';
import { OPTIMIZER_PREFIX, modelFromFile } from '../model/model.js';
import { floatEntry, modelEntries } from '../model/state.js';
import { type SafetensorsTensor, decodeSafetensors, encodeSafetensors } from '../safetensors/codec.js';

/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/** Everything needed to continue training exactly where it stopped. */
export interface CheckpointState {
  model: Sequential;
  optimizer: Optimizer;
  /** Completed epochs. */
  epoch: number;
  /** Completed batches of the current (next) epoch; 0 at an epoch boundary. */
  batch: number;
  /**
   * What fixes the order of the data, such as `{ seed, shuffle, batchSize }`: with `BatchSource`s the
   * order of epoch e depends only on (seed, e), so this and (epoch, batch) replay it exactly.
   */
  data?: JsonObject;
  /** Any further JSON state of the caller (metric history, best accuracy, …), returned as stored. */
  extra?: JsonObject;
  /** Descriptive metadata, as for a model file. */
  metadata?: ModelMetadata;
}

/** A checkpoint loaded into fresh objects: the model (rng state restored) and an optimizer over its parameters. */
export interface LoadedCheckpoint {
  model: Sequential;
  optimizer: Optimizer;
  epoch: number;
  batch: number;
  data: JsonObject | undefined;
  extra: JsonObject | undefined;
  metadata: ModelMetadata;
}

function checkCount(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`saveCheckpoint: ${what} must be a non-negative integer, got ${value}`);
  }
}

/**
 * Serializes a checkpoint: the model file's tensors and metadata, plus `optimizer.<param>.<slot>`
 * tensors, and in `__metadata__` the optimizer config and step, epoch and batch, the model's random
 * generator state, and the data-order and caller state.
 */
export function checkpointToBytes(state: CheckpointState): Uint8Array {
  const { model, optimizer } = state;
  checkCount(state.epoch, 'epoch');
  checkCount(state.batch, 'batch');
  const optimizerState = optimizer.stateDict();
  const entries: [string, SafetensorsTensor][] = modelEntries(model);
  for (const [key, t] of Object.entries(optimizerState.slots))
    entries.push([OPTIMIZER_PREFIX + key, floatEntry(t)]);
  const meta = modelMetadataEntries(model.getConfig(), state.metadata ?? {}, 'checkpoint');
  meta.optimizer = JSON.stringify(optimizer.getConfig());
  meta.optimizer_step = String(optimizerState.step);
  meta.epoch = String(state.epoch);
  meta.batch = String(state.batch);
  meta.rng = JSON.stringify(model.rng.getState());
  if (state.data !== undefined) meta.data = JSON.stringify(state.data);
  if (state.extra !== undefined) meta.extra = JSON.stringify(state.extra);
  return encodeSafetensors(entries, meta);
}

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Rebuilds a checkpoint from bytes written by {@link checkpointToBytes}: a fresh model with its
 * weights, buffers and random-generator state, and a fresh optimizer with its slots and step.
 */
export function checkpointFromBytes(bytes: Uint8Array, file = '<bytes>'): LoadedCheckpoint {
  const decoded = decodeSafetensors(bytes, file);
  const { model, metadata, header } = modelFromFile(decoded, file);
  const fail = (problem: string): never => {
    throw new SerializationError(file, problem);
  };
  if (header.kind !== 'checkpoint') fail('is a model file, not a checkpoint (it has no optimizer state)');
  const meta = decoded.metadata;
  const count = (key: string): number => {
    const v = meta[key];
    if (v === undefined || !/^(0|[1-9][0-9]*)$/.test(v) || !Number.isSafeInteger(Number(v))) {
      fail(`checkpoint metadata '${key}' is ${shown(v)}, expected a non-negative integer`);
    }
    return Number(v);
  };
  const epoch = count('epoch');
  const batch = count('batch');
  const step = count('optimizer_step');

  const rng = parseJsonEntry(meta, 'rng', file);
  try {
    model.rng.setState(rng as unknown as RandomState);
  } catch (e) {
    fail(`checkpoint metadata 'rng' is not a random-generator state: ${messageOf(e)}`);
  }

  const config = parseJsonEntry(meta, 'optimizer', file);
  if (!isObject(config) || typeof config.type !== 'string')
    fail(`checkpoint metadata 'optimizer' is not an optimizer config`);
  let optimizer: Optimizer;
  try {
    optimizer = createOptimizer(config as unknown as OptimizerSpec, model.namedParameters());
  } catch (e) {
    return fail(`optimizer cannot be rebuilt: ${messageOf(e)}`);
  }
  const slots: Record<string, Tensor> = {};
  for (const [name, entry] of decoded.tensors) {
    if (!name.startsWith(OPTIMIZER_PREFIX)) continue;
    if (entry.dtype !== 'F32') fail(`tensor '${name}' has dtype ${entry.dtype}, expected F32`);
    const t = new Tensor(entry.shape);
    new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength).set(entry.data);
    slots[name.slice(OPTIMIZER_PREFIX.length)] = t;
  }
  try {
    optimizer.loadStateDict({ type: optimizer.type, step, slots });
  } catch (e) {
    fail(`optimizer state does not fit the model: ${messageOf(e)}`);
  }

  const object = (key: string): JsonObject | undefined => {
    const v = parseJsonEntry(meta, key, file);
    if (v === undefined || isObject(v)) return v;
    return fail(`checkpoint metadata '${key}' is not a JSON object`);
  };
  return { model, optimizer, epoch, batch, data: object('data'), extra: object('extra'), metadata };
}
