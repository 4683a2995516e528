import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Sequential, SoftmaxCrossEntropy, Sequential as SequentialModel } from '@scratchnet/layers';
import { SGD } from '@scratchnet/optimizers';
import { loadModel, saveModel } from '@scratchnet/serialization/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, Random, intTensorOf, normal, tensorOf, useBackend } from '../src/backends.js';
import { expectClose } from '../src/compare.js';
import { type LayerSpec, ourLayer } from '../src/layers.js';
import { type Result, type TensorJson, json, resultOf, runReference, torch } from '../src/reference.js';

/** Every layer type with state in one model, as nn.Sequential indexes it. */
const MODEL: LayerSpec[] = [
  { kind: 'conv2d', in: 1, out: 4, kernel: 3, padding: 1 },
  { kind: 'batchnorm2d', features: 4 },
  { kind: 'relu' },
  { kind: 'maxpool2d', kernel: 2 },
  { kind: 'conv2d', in: 4, out: 6, kernel: 3, stride: 2, padding: 1 },
  { kind: 'leakyrelu', slope: 0.1 },
  { kind: 'avgpool2d', kernel: 1 },
  { kind: 'flatten' },
  { kind: 'dropout', p: 0.25 },
  { kind: 'linear', in: 24, out: 10 },
  { kind: 'batchnorm1d', features: 10 },
  { kind: 'tanh' },
  { kind: 'linear', in: 10, out: 5 },
];
const INPUT = [1, 8, 8];

const dir = mkdtempSync(join(tmpdir(), 'scratchnet-torch-model-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Ours {
  y: Float32Array;
  yLoaded: Float32Array;
  names: string[];
}
const ours = new Map<string, Ours>();
let results: Record<string, Result> = {};

describe.skipIf(!torch.ok)('a model file through PyTorch and back', () => {
  beforeAll(async () => {
    const rng = new Random(300);
    const x = normal(rng, [3, ...INPUT]);
    const trainX = normal(rng, [8, ...INPUT]);
    const trainY = Float32Array.from({ length: 8 }, () => Math.floor(rng.uniform(0, 5)));
    const cases = [];
    const models = new Map<string, Sequential>();
    for (const backend of BACKENDS) {
      useBackend(backend);
      const model = new SequentialModel(
        MODEL.map((s) => ourLayer(s)),
        { inputShape: INPUT, seed: 5 },
      );
      // Two training steps, so batch-norm running statistics and num_batches_tracked are not the defaults.
      const loss = new SoftmaxCrossEntropy();
      const opt = new SGD(model.namedParameters(), { lr: 0.1, momentum: 0.9 });
      for (let s = 0; s < 2; s++) {
        loss.forward(
          model.forward(tensorOf([8, ...INPUT], trainX), { training: true }),
          intTensorOf([8], trainY),
        );
        model.zeroGrad();
        model.backward(loss.backward());
        opt.step();
      }
      const file = join(dir, `${backend}.safetensors`);
      await saveModel(model, file);
      models.set(backend, model);
      cases.push({
        id: backend,
        kind: 'model',
        layers: MODEL,
        file,
        out: join(dir, `${backend}-torch.safetensors`),
        x: json(x, [3, ...INPUT]),
        trainX: json(trainX, [8, ...INPUT]),
        trainY: json(trainY, [8]),
      });
    }
    results = runReference(cases);
    for (const backend of BACKENDS) {
      useBackend(backend);
      const model = models.get(backend) as Sequential;
      const y = Float32Array.from(model.forward(tensorOf([3, ...INPUT], x)).data);
      const loaded = (await loadModel(join(dir, `${backend}-torch.safetensors`))).model;
      const yLoaded = Float32Array.from(loaded.forward(tensorOf([3, ...INPUT], x)).data);
      const names = [...model.namedParameters(), ...model.namedBuffers()].map((p) => p.name).sort();
      ours.set(backend, { y, yLoaded, names });
    }
  });

  for (const backend of BACKENDS) {
    it(`saveModel → nn.Sequential.load_state_dict(strict=True): same outputs (${backend} backend)`, () => {
      const r = resultOf(results, backend);
      const o = ours.get(backend) as Ours;
      expect(r.missing, 'keys PyTorch missed').toEqual([]);
      expect(r.unexpected, 'keys PyTorch did not expect').toEqual([]);
      expect(r.names, 'tensor names in the file').toEqual(o.names);
      expectClose({ shape: [3, 5], data: o.y }, r.y as TensorJson, 'eval output');
    });

    it(`PyTorch trains a step and saves → loadModel: same outputs (${backend} backend)`, () => {
      const r = resultOf(results, backend);
      const o = ours.get(backend) as Ours;
      const after = r.yAfterStep as TensorJson;
      // The step changed the model, so agreeing with it is not agreeing with the old weights by chance.
      expect(Math.max(...after.data.map((v, i) => Math.abs(v - o.y[i])))).toBeGreaterThan(1e-3);
      expectClose({ shape: [3, 5], data: o.yLoaded }, after, 'eval output after the PyTorch step');
    });
  }
});
