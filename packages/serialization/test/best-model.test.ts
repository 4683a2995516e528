import { stat } from 'node:fs/promises';
import { Dense, type EpochMetrics, Sequential } from '@scratchnet/layers';
import { setBackend } from '@scratchnet/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { BestModelCheckpoint } from '../src/callbacks/best-model.js';
import { loadModel } from '../src/model/files.js';
import { useTempDir } from './helpers.js';

beforeAll(() => {
  setBackend('js');
});
const tmp = useTempDir();

const epoch = (n: number, valAccuracy: number): EpochMetrics => ({
  epoch: n,
  epochs: 10,
  loss: 1,
  accuracy: 0.5,
  valLoss: 1 - valAccuracy,
  valAccuracy,
  seconds: 1,
  samplesPerSecond: 1,
  learningRate: 0.1,
});

describe('BestModelCheckpoint', () => {
  it('writes the model at each new best epoch only, with its metadata', async () => {
    const model = new Sequential([new Dense(2)], { inputShape: [3], seed: 1 });
    const path = tmp.path('sub/dir/best.safetensors');
    const best = new BestModelCheckpoint({
      path,
      model,
      monitor: 'valAccuracy',
      metadata: (m) => ({ training: { epochs: m.epoch, testAccuracy: m.valAccuracy } }),
    });
    const w = model.namedParameters()[0].value.data;
    // epoch 1 best (0.5), epoch 2 better (0.7), epoch 3 worse: the file keeps epoch 2's weights
    w[0] = 1;
    await best.onEpochEnd(epoch(1, 0.5));
    w[0] = 2;
    await best.onEpochEnd(epoch(2, 0.7));
    const written = (await stat(path)).mtimeMs;
    w[0] = 3;
    await best.onEpochEnd(epoch(3, 0.6));
    expect((await stat(path)).mtimeMs).toBe(written);
    expect(best.bestEpoch).toBe(2);
    expect(best.best).toBe(0.7);
    const { model: loaded, metadata } = await loadModel(path);
    expect(loaded.namedParameters()[0].value.data[0]).toBe(2);
    expect(metadata.training?.epochs).toBe(2);
    expect(metadata.training?.testAccuracy).toBe(0.7);
  });

  it('continues from a stored state: a resumed run saves only what beats the old best', async () => {
    const model = new Sequential([new Dense(2)], { inputShape: [3], seed: 1 });
    const path = tmp.path('resumed.safetensors');
    const first = new BestModelCheckpoint({ path, model });
    await first.onEpochEnd(epoch(1, 0.8)); // valLoss 0.2
    const second = new BestModelCheckpoint({ path, model });
    second.loadStateDict(JSON.parse(JSON.stringify(first.stateDict())));
    const before = (await stat(path)).mtimeMs;
    await second.onEpochEnd(epoch(2, 0.7)); // valLoss 0.3: not better
    expect((await stat(path)).mtimeMs).toBe(before);
    expect(second.bestEpoch).toBe(1);
  });

  it('rejects bad options', () => {
    const model = new Sequential([new Dense(2)], { inputShape: [3] });
    expect(() => new BestModelCheckpoint({ path: '', model })).toThrow('BestModelCheckpoint: path must be');
    expect(() => new BestModelCheckpoint({ path: 'x', model, mode: 'up' as 'min' })).toThrow(
      "BestModelCheckpoint: mode must be 'min', 'max' or 'auto', got 'up'",
    );
  });
});
