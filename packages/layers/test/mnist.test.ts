import { MNIST_NORMALIZATION, loadMnist } from '@scratchnet/datasets/node';
import { SGD } from '@scratchnet/optimizers';
import { getBackend } from '@scratchnet/tensor';
import { describe, expect, it } from 'vitest';
import { createModel } from '../src/index.js';

describe('simple-cnn preset on MNIST', () => {
  // Runs on the default backend (wasm SIMD where available: ~10 s here; the js reference backend
  // needs about 5× longer for the same run).
  it('reaches ≥ 90% on the full 10,000-image test set after training on 2,000 images', async () => {
    const mnist = await loadMnist();
    const train = mnist.train.withOptions({ normalization: MNIST_NORMALIZATION }).subset(0, 2000);
    const test = mnist.test.withOptions({ normalization: MNIST_NORMALIZATION });
    const model = createModel('simple-cnn', { seed: 1 });
    const optimizer = new SGD(model.namedParameters(), { lr: 0.05, momentum: 0.9, decay: 1e-3 });
    const t0 = performance.now();
    const history = await model.fit(train, {
      optimizer,
      loss: 'softmaxCrossEntropy',
      epochs: 5,
      batchSize: 32,
      seed: 1,
    });
    const seconds = (performance.now() - t0) / 1000;
    const result = await model.evaluate(test, { batchSize: 500 });
    console.log(
      `simple-cnn preset, 2,000 MNIST images × 5 epochs on ${getBackend().name}: ${seconds.toFixed(1)} s, train accuracy ` +
        `${history.epochs.map((e) => e.accuracy.toFixed(3)).join(' → ')}, test accuracy ${result.accuracy.toFixed(4)}`,
    );
    expect(history.epochs[4].loss).toBeLessThan(history.epochs[0].loss);
    expect(result.count).toBe(10_000);
    expect(result.accuracy).toBeGreaterThanOrEqual(0.9);
  }, 120_000);
});
