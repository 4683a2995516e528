import { SGD } from '@scratchnet/optimizers';
import { IntTensor, Random, Tensor, getBackend } from '@scratchnet/tensor';
import { describe, expect, it } from 'vitest';
import {
  AvgPool2d,
  type BatchMetrics,
  BatchNorm1d,
  BatchNorm2d,
  Conv2d,
  Dense,
  Dropout,
  type EpochMetrics,
  Flatten,
  LeakyReLU,
  MaxPool2d,
  ReLU,
  Sequential,
  Softmax,
  Tanh,
  createModel,
  tensorBatchSource,
} from '../src/index.js';
import { rand } from './gradcheck.js';

/** Three Gaussian blobs in 2-d, labels 0..2. */
function blobs(n: number, seed: number): { x: Tensor; y: IntTensor } {
  const rng = new Random(seed);
  const centres = [
    [2, 0],
    [-1, 1.7],
    [-1, -1.7],
  ];
  const x = new Tensor([n, 2]);
  const y = new IntTensor([n]);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    y.data[i] = c;
    x.data[2 * i] = centres[c][0] + rng.normal(0, 0.5);
    x.data[2 * i + 1] = centres[c][1] + rng.normal(0, 0.5);
  }
  return { x, y };
}

const mlp = (seed = 1): Sequential =>
  new Sequential([new Dense(16), new ReLU(), new Dense(3)], { inputShape: [2], seed });

describe('Sequential', () => {
  it('names parameters and buffers as a PyTorch nn.Sequential state_dict', () => {
    const seed = createModel('simple-cnn');
    expect(seed.namedParameters().map((p) => [p.name, p.value.shape])).toEqual([
      ['0.weight', [32, 1, 3, 3]],
      ['0.bias', [32]],
      ['4.weight', [128, 6272]],
      ['4.bias', [128]],
      ['6.weight', [10, 128]],
      ['6.bias', [10]],
    ]);
    expect(seed.parameters()).toBe(seed.namedParameters());
    expect(seed.namedBuffers()).toEqual([]);
    const strong = createModel('strong');
    expect(strong.namedParameters().map((p) => p.name)).toEqual([
      '0.weight',
      '1.weight',
      '1.bias',
      '4.weight',
      '5.weight',
      '5.bias',
      '10.weight',
      '11.weight',
      '11.bias',
      '14.weight',
      '14.bias',
    ]);
    expect(strong.namedBuffers().map((b) => [b.name, b.value.shape])).toEqual([
      ['1.running_mean', [32]],
      ['1.running_var', [32]],
      ['1.num_batches_tracked', []],
      ['5.running_mean', [64]],
      ['5.running_var', [64]],
      ['5.num_batches_tracked', []],
      ['11.running_mean', [128]],
      ['11.running_var', [128]],
      ['11.num_batches_tracked', []],
    ]);
    expect(createModel('lenet5').outputShape).toEqual([10]);
    expect(
      createModel('mlp', { inputShape: [3, 8, 8], numClasses: 4 }).namedParameters()[0].value.shape,
    ).toEqual([128, 192]);
  });

  it('summary lists each layer, its output shape and parameter count, and the totals', () => {
    const s = createModel('simple-cnn').summary();
    expect(s).toMatch(/0\s+Conv2d\(32, 3×3\)\s+\[32, 28, 28\]\s+320/);
    expect(s).toMatch(/3\s+Flatten\s+\[6272\]\s+0/);
    expect(s).toMatch(/4\s+Dense\(128\)\s+\[128\]\s+802,944/);
    expect(s).toContain('Total params: 804,554');
    const strong = createModel('strong').summary();
    // BatchNorm running statistics count as non-trainable, as in Keras: 2·(32 + 64 + 128)
    expect(strong).toContain('Non-trainable params: 448');
  });

  it('beforeBuild sees each layer, in order, with the shape it is built on, before it is built', () => {
    const layers = [new Conv2d({ filters: 4, kernelSize: 3 }), new MaxPool2d(2), new Flatten(), new Dense(3)];
    const calls: [number, number[], boolean, boolean][] = [];
    const model = new Sequential(layers, {
      inputShape: [1, 6, 6],
      beforeBuild: (layer, shape, i) => {
        // this layer not built yet, the one before it built
        calls.push([
          i,
          [...shape],
          layer === layers[i] && layers[i].outputShape.length === 0,
          i === 0 || layers[i - 1].outputShape.length > 0,
        ]);
      },
    });
    expect(calls).toEqual([
      [0, [1, 6, 6], true, true],
      [1, [4, 4, 4], true, true],
      [2, [4, 2, 2], true, true],
      [3, [16], true, true],
    ]);
    expect(model.outputShape).toEqual([3]);
    // fromConfig passes it on.
    const shapes: number[][] = [];
    Sequential.fromConfig(model.getConfig(), { beforeBuild: (_, shape) => shapes.push([...shape]) });
    expect(shapes).toEqual([[1, 6, 6], [4, 4, 4], [4, 2, 2], [16]]);
  });

  it('an error thrown by beforeBuild stops the construction: that error, no later layer built', () => {
    const layers = [new Dense(5), new ReLU(), new Dense(3)];
    const stop = new RangeError('layer 1 is over budget');
    const seen: number[] = [];
    let thrown: unknown;
    try {
      new Sequential(layers, {
        inputShape: [2],
        beforeBuild: (_, __, i) => {
          seen.push(i);
          if (i === 1) throw stop;
        },
      });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBe(stop);
    expect(seen).toEqual([0, 1]);
    expect(layers[0].outputShape).toEqual([5]);
    expect(() => layers[1].inputShape).toThrow(/not built yet/);
    expect(() => layers[2].inputShape).toThrow(/not built yet/);
    expect(layers[2].parameters()).toEqual([]);
  });

  it('a training step reuses its tensors: forward and backward return the same objects on the second step', () => {
    const model = new Sequential(
      [
        new Conv2d({ filters: 4, kernelSize: 3, padding: 'same' }),
        new BatchNorm2d(),
        new LeakyReLU(),
        new MaxPool2d(2),
        new Dropout(0.2),
        new AvgPool2d({ poolSize: 3, stride: 1, padding: 1 }),
        new Flatten(),
        new Dense(6),
        new BatchNorm1d(),
        new Tanh(),
        new Dense(5),
        new Softmax(),
      ],
      { inputShape: [1, 6, 6], seed: 2 },
    );
    const x = rand([3, 1, 6, 6], 1);
    const dy = rand([3, 5], 2);
    const step = (): Tensor[] => {
      const outs: Tensor[] = [];
      let h = x;
      for (const l of model.layers) outs.push((h = l.forward(h, { training: true })));
      let g = dy;
      for (let i = model.layers.length - 1; i >= 0; i--) outs.push((g = model.layers[i].backward(g)));
      return outs;
    };
    const first = step();
    const second = step();
    second.forEach((t, i) => {
      expect(t, `tensor ${i}`).toBe(first[i]);
    });
  });

  it('a training step allocates no tensors (layers, loss, optimizer, batch source)', () => {
    const model = createModel('strong', { inputShape: [1, 12, 12], numClasses: 4, seed: 1 });
    const optimizer = new SGD(model.namedParameters(), { lr: 0.01, momentum: 0.9 });
    const x = rand([16, 1, 12, 12], 3);
    const y = IntTensor.fromArray(Array.from({ length: 16 }, (_, i) => i % 4));
    const data = tensorBatchSource(x, y);
    const be = getBackend();
    const allocate = be.allocate;
    let count = 0;
    be.allocate = (n: number) => {
      count++;
      return allocate.call(be, n);
    };
    try {
      const epoch = (e: number): void => {
        for (const b of data.batches({ batchSize: 8, shuffle: true, seed: 1, epoch: e })) {
          model.trainBatch(b.x, b.y, optimizer, 'softmaxCrossEntropy');
        }
      };
      epoch(0); // first steps: workspaces come into being (the counter sees them)
      expect(count).toBeGreaterThan(10);
      count = 0;
      epoch(1);
      epoch(2);
      expect(count).toBe(0);
    } finally {
      be.allocate = allocate;
    }
  });

  it('learns a small synthetic problem (three blobs) with SGD', async () => {
    const train = blobs(300, 1);
    const test = blobs(150, 2);
    const model = mlp();
    const optimizer = new SGD(model.namedParameters(), { lr: 0.1, momentum: 0.9 });
    const before = await model.evaluate(tensorBatchSource(test.x, test.y));
    const history = await model.fit(tensorBatchSource(train.x, train.y), {
      optimizer,
      loss: 'softmaxCrossEntropy',
      epochs: 15,
      batchSize: 16,
      seed: 3,
      validationData: tensorBatchSource(test.x, test.y),
    });
    expect(history.epochs).toHaveLength(15);
    expect(history.stopped).toBe(false);
    const last = history.epochs[14];
    expect(last.loss).toBeLessThan(history.epochs[0].loss);
    expect(last.valAccuracy).toBeGreaterThan(0.97);
    const after = await model.evaluate(tensorBatchSource(test.x, test.y));
    expect(after.loss).toBeLessThan(before.loss / 5);
    expect(after.accuracy).toBe(last.valAccuracy);
    // the confusion matrix counts every sample once; its diagonal is the correct ones
    const total = after.confusion.flat().reduce((a, b) => a + b, 0);
    const diag = after.confusion.reduce((s, row, i) => s + row[i], 0);
    expect(total).toBe(150);
    expect(diag / total).toBe(after.accuracy);
    // predict: probabilities; predictClasses: their argmax, agreeing with evaluate
    const p = model.predict(test.x);
    expect(p.shape).toEqual([150, 3]);
    for (let i = 0; i < 150; i++)
      expect(p.data[3 * i] + p.data[3 * i + 1] + p.data[3 * i + 2]).toBeCloseTo(1, 5);
    const classes = model.predictClasses(test.x, { batchSize: 7 });
    let right = 0;
    for (let i = 0; i < 150; i++) if (classes.data[i] === test.y.data[i]) right++;
    expect(right / 150).toBe(after.accuracy);
    // one sample without a batch axis
    expect(model.predict(Tensor.fromArray([2, 0])).shape).toEqual([1, 3]);
  });

  it('fit reports batch and epoch metrics', async () => {
    const { x, y } = blobs(50, 4);
    const model = mlp();
    const optimizer = new SGD(model.namedParameters(), { lr: 0.05 });
    const batches: BatchMetrics[] = [];
    const epochs: EpochMetrics[] = [];
    await model.fit(tensorBatchSource(x, y), {
      optimizer,
      loss: 'softmaxCrossEntropy',
      epochs: 2,
      batchSize: 16,
      seed: 1,
      callbacks: { onBatchEnd: (m) => void batches.push(m), onEpochEnd: (m) => void epochs.push(m) },
    });
    expect(batches.map((m) => `${m.epoch}/${m.epochs}:${m.batch}/${m.batches}`)).toEqual([
      '1/2:1/4',
      '1/2:2/4',
      '1/2:3/4',
      '1/2:4/4',
      '2/2:1/4',
      '2/2:2/4',
      '2/2:3/4',
      '2/2:4/4',
    ]);
    for (const m of batches) {
      expect(m.learningRate).toBe(0.05);
      expect(m.samplesPerSecond).toBeGreaterThan(0);
      expect(m.accuracy).toBeGreaterThanOrEqual(0);
      expect(m.accuracy).toBeLessThanOrEqual(1);
    }
    // the epoch's loss is the running mean at its last batch
    expect(epochs[0].loss).toBeCloseTo(batches[3].loss, 10);
    expect(epochs[1].accuracy).toBeCloseTo(batches[7].accuracy, 10);
    expect(epochs[0].seconds).toBeGreaterThan(0);
  });

  it('an AbortSignal stops training, and resuming at (epoch, batch) replays the same run exactly', async () => {
    const { x, y } = blobs(90, 5);
    const data = tensorBatchSource(x, y);
    const run = async (stopAt?: { epoch: number; batch: number }): Promise<number[]> => {
      const model = new Sequential([new Dense(8), new ReLU(), new Dropout(0.3), new Dense(3)], {
        inputShape: [2],
        seed: 9,
      });
      const optimizer = new SGD(model.namedParameters(), { lr: 0.05 });
      const options = { optimizer, loss: 'softmaxCrossEntropy' as const, epochs: 3, batchSize: 20, seed: 4 };
      if (stopAt !== undefined) {
        const controller = new AbortController();
        const h1 = await model.fit(data, {
          ...options,
          signal: controller.signal,
          callbacks: {
            onBatchEnd: (m) => {
              if (m.epoch === stopAt.epoch && m.batch === stopAt.batch) controller.abort();
            },
          },
        });
        expect(h1.stopped).toBe(true);
        // stopped after the epoch's last batch: the epoch completes first
        const expected = stopAt.batch === 5 ? [stopAt.epoch, 0] : [stopAt.epoch - 1, stopAt.batch];
        expect([h1.epoch, h1.batch]).toEqual(expected);
        expect(h1.epochs).toHaveLength(expected[0]);
        const h2 = await model.fit(data, { ...options, initialEpoch: h1.epoch, initialBatch: h1.batch });
        expect(h2.stopped).toBe(false);
        expect(h2.epoch).toBe(3);
      } else {
        await model.fit(data, options);
      }
      return model.namedParameters().flatMap((p) => Array.from(p.value.data));
    };
    const straight = await run();
    expect(await run({ epoch: 2, batch: 3 })).toEqual(straight);
    expect(await run({ epoch: 1, batch: 5 })).toEqual(straight);
  });

  it('an AbortSignal fired by a timer stops a long fit (fit yields to the event loop)', async () => {
    const { x, y } = blobs(3000, 6);
    const model = mlp();
    const optimizer = new SGD(model.namedParameters(), { lr: 0.01 });
    const t0 = performance.now();
    const history = await model.fit(tensorBatchSource(x, y), {
      optimizer,
      epochs: 1000,
      batchSize: 8,
      signal: AbortSignal.timeout(150),
    });
    expect(history.stopped).toBe(true);
    expect(history.epoch).toBeLessThan(1000);
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});
