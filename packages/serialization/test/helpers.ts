import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AvgPool2D,
  BatchNorm1d,
  BatchNorm2d,
  Conv2D,
  Dense,
  Dropout,
  Flatten,
  LeakyReLU,
  MaxPool2D,
  ReLU,
  Sequential,
  Sigmoid,
  Softmax,
  Tanh,
} from '@scratchnet/layers';
import { IntTensor, Random, Tensor } from '@scratchnet/tensor';
import { afterAll, beforeAll } from 'vitest';
import { type SafetensorsTensor, decodeSafetensors, encodeSafetensors } from '../src/safetensors/codec.js';

/** A temporary directory for the current test file, removed afterwards. */
export function useTempDir(): { path: (name: string) => string } {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'scratchnet-serial-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  return { path: (name: string) => join(dir, name) };
}

/**
 * A small model with every layer type, on [2, 8, 8] inputs. Its weights, running statistics and
 * batch counters are then randomised, so nothing is at its initial value.
 */
export function everyLayerModel(seed = 3): Sequential {
  const model = new Sequential(
    [
      new Conv2D({ filters: 4, kernelSize: 3, padding: 'same' }), // 0: [4, 8, 8]
      new BatchNorm2d({ momentum: 0.2, eps: 1e-3 }), // 1
      new LeakyReLU(0.2), // 2
      new MaxPool2D(2), // 3: [4, 4, 4]
      new Conv2D({ filters: 3, kernelSize: [3, 2], stride: [1, 2], padding: [1, 0], useBias: false }), // 4: [3, 4, 2]
      new Sigmoid(), // 5
      new AvgPool2D({ poolSize: 3, stride: 1, padding: 1, countIncludePad: false }), // 6: [3, 4, 2]
      new Tanh(), // 7
      new Dropout(0.3), // 8
      new Flatten(), // 9: [24]
      new Dense(6), // 10
      new BatchNorm1d(), // 11
      new ReLU(), // 12
      new Dense({ units: 3, useBias: true }), // 13
      new Softmax(), // 14
    ],
    { inputShape: [2, 8, 8], seed },
  );
  randomizeState(model, seed);
  return model;
}

/** Fills every parameter and buffer with random values (variances positive, counters non-zero). */
export function randomizeState(model: Sequential, seed: number): void {
  const rng = new Random(seed, 99);
  for (const p of model.namedParameters()) rng.fillNormal(p.value.data, 0, 0.5);
  randomizeBuffers(model, seed);
}

/** Random batch-norm statistics of a realistic scale, and non-zero batch counters. */
export function randomizeBuffers(model: Sequential, seed: number): void {
  const rng = new Random(seed, 98);
  for (const b of model.namedBuffers()) {
    const d = b.value.data;
    if (b.value instanceof IntTensor) d.fill(1 + rng.int(1000));
    else if (b.name.endsWith('running_var')) rng.fillUniform(d as Float32Array, 0.5, 2);
    else rng.fillNormal(d as Float32Array, 0, 0.3);
  }
}

/** Random inputs [n, ...inputShape]. */
export function randomInput(model: Sequential, n: number, seed: number): Tensor {
  const rng = new Random(seed, 7);
  const x = new Tensor([n, ...model.inputShape]);
  rng.fillUniform(x.data, -1, 1);
  return x;
}

/** Every parameter and buffer of a model as its bytes (base64, cheap to compare), by name. */
export function stateBytes(model: Sequential): Map<string, string> {
  const out = new Map<string, string>();
  for (const t of [...model.namedParameters(), ...model.namedBuffers()]) {
    const d = t.value.data;
    out.set(t.name, Buffer.from(d.buffer, d.byteOffset, d.byteLength).toString('base64'));
  }
  return out;
}

/** Rewrites a safetensors file through `edit` (tensors and metadata are mutable copies). */
export async function editFile(
  path: string,
  edit: (tensors: Map<string, SafetensorsTensor>, metadata: Record<string, string>) => void,
): Promise<void> {
  const file = decodeSafetensors(await readFile(path), path);
  edit(file.tensors, file.metadata);
  await writeFile(path, encodeSafetensors(file.tensors, file.metadata));
}
