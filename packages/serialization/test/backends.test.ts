import { Random, listBackends, setBackend } from '@scratchnet/tensor';
import { createOptimizer } from '@scratchnet/optimizers';
import { IntTensor, Tensor } from '@scratchnet/tensor';
import { tensorBatchSource } from '@scratchnet/layers';
import { afterAll, describe, expect, it } from 'vitest';
import { checkpointFromBytes, checkpointToBytes } from '../src/checkpoint/checkpoint.js';
import { modelFromBytes, modelToBytes } from '../src/model/model.js';
import { everyLayerModel, stateBytes } from './helpers.js';

// Everything else runs on the js backend; here the same files go through every other backend
// (the wasm one keeps tensors inside its WebAssembly memory).
const others = listBackends().filter((b) => b !== 'js');

afterAll(() => {
  setBackend('js');
});

describe.skipIf(others.length === 0)('other backends', () => {
  for (const name of others) {
    it(`${name}: files move between backends bit-exactly, and resume is exact`, async () => {
      setBackend('js');
      const bytes = modelToBytes(everyLayerModel());
      const expected = stateBytes(modelFromBytes(bytes).model);

      setBackend(name, { threads: 2 });
      const loaded = modelFromBytes(bytes).model;
      expect(loaded.namedParameters()[0].value.storage.owner).toBe(name);
      expect(stateBytes(loaded)).toEqual(expected);
      expect(modelToBytes(loaded)).toEqual(bytes);

      // Resume: 2 epochs straight = 1 epoch, checkpoint bytes, fresh objects, 1 more.
      const rng = new Random(2);
      const x = new Tensor([48, 2, 8, 8]);
      rng.fillUniform(x.data);
      const y = new IntTensor([48]);
      for (let i = 0; i < 48; i++) y.data[i] = rng.int(3);
      const data = tensorBatchSource(x, y);
      const fit = { batchSize: 16, seed: 3, loss: 'categoricalCrossEntropy' as const };
      const spec = { type: 'adam' as const, lr: 0.01 };

      const a = everyLayerModel(6);
      await a.fit(data, { ...fit, epochs: 2, optimizer: createOptimizer(spec, a.namedParameters()) });

      const b = everyLayerModel(6);
      const optimizer = createOptimizer(spec, b.namedParameters());
      await b.fit(data, { ...fit, epochs: 1, optimizer });
      const ck = checkpointFromBytes(checkpointToBytes({ model: b, optimizer, epoch: 1, batch: 0 }));
      await ck.model.fit(data, { ...fit, epochs: 2, optimizer: ck.optimizer, initialEpoch: 1 });
      expect(stateBytes(ck.model)).toEqual(stateBytes(a));
    });
  }
});
