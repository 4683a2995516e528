import { type Shape, shapesEqual, sizeOf } from './shape.js';
import type { Storage } from './storage.js';
import { IntTensor, Tensor } from './tensor.js';
import { getBackend } from './registry.js';

interface Slot<T> {
  storage: Storage;
  tensor: T;
}

// Module-level, not arrow functions at the call: asking for a buffer runs every step and allocates nothing.
const makeFloat = (shape: Shape, storage: Storage): Tensor => new Tensor(shape, storage);
const makeInt = (shape: Shape, storage: Storage): IntTensor => new IntTensor(shape, storage);

/**
 * Named buffers that a layer reuses across training steps, so a step allocates nothing. Asking for the
 * same name and shape returns the same tensor; a smaller shape (the last, short batch of an epoch)
 * returns a view of the same storage; only a larger one allocates. A tensor from a workspace is
 * valid until its name is asked for again: a larger shape (evaluation's batch after training's)
 * releases the outgrown storage at once, so its memory serves the next allocation instead of waiting
 * for the garbage collector (on the wasm backend, using the old tensor then throws).
 *
 * @example
 * ```ts
 * const ws = new Workspace();
 * const y = ws.tensor('y', [batch, 128]); // same object on every step with this batch size
 * ```
 */
export class Workspace {
  private readonly floats = new Map<string, Slot<Tensor>>();
  private readonly ints = new Map<string, Slot<IntTensor>>();

  /** A float tensor of `shape` reserved under `name`. Contents are whatever the last user left. */
  tensor(name: string, shape: Shape): Tensor {
    return this.get(this.floats, name, shape, makeFloat);
  }

  /** An int tensor of `shape` reserved under `name`. */
  intTensor(name: string, shape: Shape): IntTensor {
    return this.get(this.ints, name, shape, makeInt);
  }

  /** Forgets every buffer (they are reclaimed by the garbage collector: tensors taken stay valid). */
  clear(): void {
    this.floats.clear();
    this.ints.clear();
  }

  private get<T extends Tensor | IntTensor>(
    map: Map<string, Slot<T>>,
    name: string,
    shape: Shape,
    make: (shape: Shape, storage: Storage) => T,
  ): T {
    const slot = map.get(name);
    if (slot !== undefined && slot.storage.owner === getBackend().name) {
      if (shapesEqual(slot.tensor.shape, shape)) return slot.tensor;
      if (sizeOf(shape) <= slot.storage.length) {
        slot.tensor = make(shape, slot.storage);
        return slot.tensor;
      }
    }
    // Outgrown (or another backend's): freed before allocating, so a heap can reuse it at once.
    slot?.storage.release?.();
    const storage = getBackend().allocate(sizeOf(shape));
    const tensor = make(shape, storage);
    map.set(name, { storage, tensor });
    return tensor;
  }
}
