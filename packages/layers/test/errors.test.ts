import { IntTensor, Random } from '@scratchnet/tensor';
import { describe, expect, it } from 'vitest';
import {
  AvgPool2d,
  BatchNorm1d,
  BatchNorm2d,
  Conv2d,
  Dense,
  Flatten,
  MaxPool2d,
  ReLU,
  Sequential,
  Softmax,
  createModel,
  tensorBatchSource,
} from '../src/index.js';
import { rand } from './gradcheck.js';

const shape = [1, 28, 28];

describe('shape errors name the layer and both shapes', () => {
  it('at build time', () => {
    // a Dense that forgot its Flatten
    expect(
      () =>
        new Sequential([new Conv2d({ filters: 3, kernelSize: 3, padding: 1 }), new ReLU(), new Dense(128)], {
          inputShape: shape,
        }),
    ).toThrow('Dense(128) #2: expects a flat input [features], got [3, 28, 28] (add a Flatten before it)');
    // a Dense loaded from a config that recorded its input size
    expect(() =>
      Sequential.fromConfig({
        inputShape: [3, 28, 28],
        layers: [
          { type: 'ReLU' },
          { type: 'ReLU' },
          { type: 'ReLU' },
          { type: 'Flatten' },
          { type: 'Dense', units: 128, inFeatures: 6272 },
        ],
      }),
    ).toThrow('Dense(128) #4: expects input [6272], got [2352]');
    expect(
      () => new Sequential([new Flatten(), new Conv2d({ filters: 8, kernelSize: 3 })], { inputShape: shape }),
    ).toThrow('Conv2d(8, 3×3) #1: expects input [C, H, W], got [784]');
    expect(
      () => new Sequential([new Conv2d({ filters: 8, kernelSize: 5 })], { inputShape: [1, 3, 3] }),
    ).toThrow('Conv2d(8, 5×5) #0: a 5-wide window with padding 0 does not fit an input height of 3');
    expect(() => new Sequential([new MaxPool2d(2)], { inputShape: [28, 28] })).toThrow(
      'MaxPool2d(2×2) #0: expects input [C, H, W], got [28, 28]',
    );
    expect(() => new Sequential([new AvgPool2d(4)], { inputShape: [1, 2, 8] })).toThrow(
      /^AvgPool2d\(4×4\) #0: /,
    );
    expect(() => new Sequential([new BatchNorm2d()], { inputShape: [10] })).toThrow(
      'BatchNorm2d #0: expects input [C, H, W], got [10]',
    );
    expect(() => new Sequential([new BatchNorm1d()], { inputShape: shape })).toThrow(
      'BatchNorm1d #0: expects input [C] or [C, L], got [1, 28, 28]',
    );
    expect(() =>
      new Conv2d({ filters: 2, kernelSize: 2, padding: 'same' }).build([1, 4, 4], new Random(0)),
    ).toThrow("Conv2d(2, 2×2): padding 'same' needs an odd kernel size, got 2×2");
  });

  it('at run time', () => {
    const model = createModel('simple-cnn');
    expect(() => model.forward(rand([2, 784], 1))).toThrow(
      'Sequential.forward: expects input [N, 1, 28, 28], got [2, 784]',
    );
    expect(() => model.predict(rand([2, 3, 28, 28], 1))).toThrow(
      'Sequential.predict: expects input [N, 1, 28, 28], got [2, 3, 28, 28]',
    );
    const conv = model.layers[0];
    expect(() => conv.forward(rand([2, 1, 27, 28], 1))).toThrow(
      'Conv2d(32, 3×3) #0: expects input [N, 1, 28, 28], got [2, 1, 27, 28]',
    );
    const dense = model.layers[4];
    dense.forward(rand([2, 6272], 1));
    expect(() => dense.backward(rand([2, 64], 1))).toThrow(
      "Dense(128) #4: backward expects dy of the output's shape [2, 128], got [2, 64]",
    );
    expect(() => new Softmax().backward(rand([1, 2], 1))).toThrow('Softmax: backward before forward');
    expect(() => tensorBatchSource(rand([3, 2], 1), IntTensor.fromArray([1, 2]))).toThrow(
      'tensorBatchSource: x [3, 2] and y [2] must have the same number of samples (y is [N])',
    );
    const bn = new BatchNorm1d();
    bn.build([4], new Random(0));
    expect(() => bn.forward(rand([1, 4], 1), { training: true })).toThrow(
      'BatchNorm1d(4): training needs more than one value per channel to compute batch statistics, got input [1, 4]',
    );
  });

  it('bad options', async () => {
    expect(() => new Dense(0)).toThrow('Dense: units must be a positive integer, got 0');
    expect(() => new Conv2d({ filters: 1.5, kernelSize: 3 })).toThrow(
      'Conv2d: filters must be a positive integer, got 1.5',
    );
    expect(() => createModel('resnet' as never)).toThrow(
      "createModel: unknown preset 'resnet' (known: simple-cnn, mlp, lenet5, strong)",
    );
    const model = createModel('mlp');
    const data = tensorBatchSource(rand([4, 1, 28, 28], 1), IntTensor.fromArray([0, 1, 2, 3]));
    const optimizer = { step() {}, learningRate: 0.1 };
    await expect(model.fit(data, { optimizer, epochs: 1, batchSize: 0 })).rejects.toThrow(
      'fit: batchSize must be a positive integer, got 0',
    );
    await expect(model.fit(data, { optimizer, epochs: 1, batchSize: 2, initialBatch: 5 })).rejects.toThrow(
      'fit: initialBatch 5 is past the 2 batches of an epoch',
    );
  });
});
