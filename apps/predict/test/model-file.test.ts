// The model file read for the compiled forward pass (src/model-file.ts): the same model, checks and
// errors as loadModel, the pretrained model's probabilities within float32 rounding of the js backend's.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AvgPool2d, Dense, Flatten, Sequential } from '@scratchnet/layers';
import { decodeSafetensors, loadModel, modelToBytes } from '@scratchnet/serialization/node';
import { Random, Tensor, setBackend } from '@scratchnet/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STREAMED_BYTES, loadIntoKernels } from '../src/model-file.js';

const PRETRAINED = fileURLToPath(new URL('../pretrained/mnist.safetensors', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'predict-model-file-'));

beforeAll(() => {
  setBackend('js');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function input(n: number, seed: number): Tensor {
  const rng = new Random(seed);
  const x = new Tensor([n, 1, 28, 28]);
  for (let i = 0; i < x.size; i++) x.data[i] = rng.uniform(-0.4, 2.8);
  return x;
}

describe('loadIntoKernels', () => {
  it('predicts with the pretrained file as loadModel’s model does, within 1e-5', async () => {
    const ready = loadIntoKernels(PRETRAINED);
    expect(ready).toBeDefined();
    const { model, metadata } = await loadModel(PRETRAINED);
    expect(ready!.metadata).toEqual(metadata);
    expect(ready!.model.getConfig()).toEqual(model.getConfig());
    // The model's own weights were not copied: the predictions come from the file's bytes.
    expect(ready!.predictor).not.toBe(ready!.model);
    const unloaded = ready!.model
      .namedParameters()
      .filter((p) => p.name === '0.weight' || p.name === '10.weight');
    expect(unloaded.map((p) => p.value.data.every((v) => v === 0))).toEqual([true, true]);
    const x = input(6, 1);
    const got = ready!.predictor.predict(x).data;
    const want = model.predict(x).data;
    for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-5);
  });

  it('loads a model it cannot compile as loadModel does, weights and all', async () => {
    const model = new Sequential([new AvgPool2d(2), new Flatten(), new Dense(3)], {
      inputShape: [1, 28, 28],
      seed: 4,
    });
    const path = join(dir, 'avg.safetensors');
    writeFileSync(path, modelToBytes(model));
    const ready = loadIntoKernels(path)!;
    expect(ready.predictor).toBe(ready.model);
    const x = input(2, 2);
    expect(Array.from(ready.predictor.predict(x).data)).toEqual(Array.from(model.predict(x).data));
  });

  it('refuses a corrupt file with loadModel’s error, and leaves unreadable paths to it', async () => {
    const model = new Sequential([new Flatten(), new Dense(10)], { inputShape: [1, 28, 28], seed: 1 });
    const bytes = modelToBytes(model);
    const path = join(dir, 'nan.safetensors');
    // The last weight of the last tensor: its bytes end 4 bytes before the file does.
    const nan = bytes.slice();
    new DataView(nan.buffer).setFloat32(nan.length - 4, Number.NaN, true);
    writeFileSync(path, nan);
    const message = await loadModel(path).then(
      () => 'loaded',
      (e: Error) => e.message,
    );
    expect(message).toMatch(/holds a non-finite value \(NaN at element \d+\): the weights are corrupt$/);
    expect(() => loadIntoKernels(path)).toThrow(message);
    const truncated = join(dir, 'truncated.safetensors');
    writeFileSync(truncated, bytes.subarray(0, bytes.length - 7));
    const cut = await loadModel(truncated).then(
      () => 'loaded',
      (e: Error) => e.message,
    );
    expect(() => loadIntoKernels(truncated)).toThrow(cut);
    for (const path of [join(dir, 'missing.safetensors'), dir, '/dev/null']) {
      expect(loadIntoKernels(path)).toBeUndefined();
    }
  });

  it('reads a header longer than its first read, and files cut short, as loadModel does', async () => {
    const model = new Sequential([new Flatten(), new Dense(64), new Dense(10)], {
      inputShape: [1, 28, 28],
      seed: 5,
    });
    // A header of over 10 KB (long training notes), then a big tensor left in the file.
    const bytes = modelToBytes(model, { training: { notes: 'x'.repeat(10000) } });
    expect(Number(new DataView(bytes.buffer).getBigUint64(0, true))).toBeGreaterThan(10000);
    const path = join(dir, 'long-header.safetensors');
    writeFileSync(path, bytes);
    const ready = loadIntoKernels(path)!;
    expect(ready.metadata.training?.notes).toBe('x'.repeat(10000));
    const x = input(2, 5);
    const got = ready.predictor.predict(x).data;
    const want = model.predict(x).data;
    for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-5);
    // Shorter than the header's length, or than its header: loadModel's errors.
    for (const length of [5, 6000]) {
      const cut = join(dir, `cut-${length}.safetensors`);
      writeFileSync(cut, bytes.subarray(0, length));
      const message = await loadModel(cut).then(
        () => 'loaded',
        (e: Error) => e.message,
      );
      expect(message).toMatch(/too short|runs past the end/);
      expect(() => loadIntoKernels(cut)).toThrow(message);
    }
  });

  it('reads a big tensor as the pass goes, with loadModel’s error for a NaN in it', async () => {
    // Dense(64) on 784 inputs: 200 KB of weights, left in the file until the forward pass reads them.
    const model = new Sequential([new Flatten(), new Dense(64), new Dense(10)], {
      inputShape: [1, 28, 28],
      seed: 3,
    });
    expect(4 * 64 * 784).toBeGreaterThanOrEqual(STREAMED_BYTES);
    const bytes = modelToBytes(model);
    const good = join(dir, 'big.safetensors');
    writeFileSync(good, bytes);
    const ready = loadIntoKernels(good)!;
    // 3 pictures stream the weights once each; 9 read them into memory once: the same probabilities.
    for (const n of [3, 9]) {
      const x = input(n, n);
      const got = ready.predictor.predict(x).data;
      const want = model.predict(x).data;
      for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-5);
    }
    // A NaN in the big tensor (element 1000 of '1.weight') passes the load and fails the pass.
    const at = decodeSafetensors(bytes).tensors.get('1.weight')!.data.byteOffset + 4 * 1000;
    const nan = bytes.slice();
    new DataView(nan.buffer).setFloat32(at, Number.NaN, true);
    const bad = join(dir, 'big-nan.safetensors');
    writeFileSync(bad, nan);
    const message = await loadModel(bad).then(
      () => 'loaded',
      (e: Error) => e.message,
    );
    expect(message).toBe(
      `${bad}: tensor '1.weight' holds a non-finite value (NaN at element 1000): the weights are corrupt`,
    );
    const partly = loadIntoKernels(bad)!;
    expect(() => partly.predictor.predict(input(1, 1))).toThrow(message);
    // ±∞ there too, whatever the input (an input of zeros included: ∞·0 is NaN).
    for (const [value, word] of [
      [Number.POSITIVE_INFINITY, 'Infinity'],
      [Number.NEGATIVE_INFINITY, '-Infinity'],
    ] as const) {
      const inf = bytes.slice();
      new DataView(inf.buffer).setFloat32(at, value, true);
      const path = join(dir, `big-${word}.safetensors`);
      writeFileSync(path, inf);
      const loaded = loadIntoKernels(path)!;
      for (const x of [input(1, 1), new Tensor([2, 1, 28, 28])]) {
        expect(() => loaded.predictor.predict(x)).toThrow(
          `${path}: tensor '1.weight' holds a non-finite value (${word} at element 1000): the weights are corrupt`,
        );
      }
    }
    // And in a small tensor after it too: the load fails, naming the first as loadModel does.
    new DataView(nan.buffer).setFloat32(nan.length - 4, Number.NaN, true);
    writeFileSync(bad, nan);
    expect(() => loadIntoKernels(bad)).toThrow(message);
  });
});
