import { writeFileAtomic } from '../io/atomic.js';
import { type ReadModelOptions, readModelFile } from '../model/files.js';
import {
  type CheckpointState,
  type LoadedCheckpoint,
  checkpointFromBytes,
  checkpointToBytes,
} from './checkpoint.js';

/**
 * Saves a training checkpoint atomically (a crash mid-save leaves the previous file). It is a model
 * file too: {@link loadModel} reads the model out of it.
 *
 * @example
 * ```ts
 * await saveCheckpoint('run/checkpoint.safetensors', { model, optimizer, epoch: 2, batch: 0, data: { seed: 1 } });
 * const ck = await loadCheckpoint('run/checkpoint.safetensors');
 * await ck.model.fit(train, { optimizer: ck.optimizer, initialEpoch: ck.epoch, initialBatch: ck.batch, … });
 * ```
 */
export async function saveCheckpoint(path: string, state: CheckpointState): Promise<void> {
  await writeFileAtomic(path, checkpointToBytes(state));
}

/**
 * Loads a checkpoint into fresh objects: the model (weights, buffers, rng state), an optimizer of the
 * saved type and config over the model's parameters (slots and step restored), the position
 * (epoch, batch), and the saved data-order, caller and descriptive metadata. Training continued from
 * it is bit-identical to never having stopped (same backend and thread count). Files over `options.maxBytes` (default 256 MiB) are refused unread.
 */
export async function loadCheckpoint(
  path: string,
  options: ReadModelOptions = {},
): Promise<LoadedCheckpoint> {
  return checkpointFromBytes(await readModelFile(path, options), path);
}
