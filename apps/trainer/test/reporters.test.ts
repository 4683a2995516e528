import { describe, expect, it } from 'vitest';
import type { WorkerMessage } from '../src/protocol.js';
import { JsonReporter } from '../src/report/json.js';
import { PlainReporter } from '../src/report/plain.js';
import { fakeBatch, fakeEpoch, fakeInfo } from './fixtures.js';

const run: WorkerMessage[] = [
  { type: 'start', info: fakeInfo({ epochs: 1, batchesPerEpoch: 844 }) },
  { type: 'batch', info: fakeBatch(1, 1, { epochs: 1 }), progress: false },
  { type: 'batch', info: fakeBatch(1, 422, { epochs: 1 }), progress: true },
  { type: 'epoch', info: fakeEpoch(1, { epochs: 1, loss: 0.2101, seconds: 9.2 }) },
  {
    type: 'checkpoint',
    path: 'checkpoints/checkpoint-e0001-b000000.safetensors',
    epoch: 1,
    batch: 0,
    reason: 'epoch',
  },
  {
    type: 'done',
    model: 'checkpoints/model.safetensors',
    onnx: null,
    checkpoint: 'checkpoints/checkpoint-latest.safetensors',
    testAccuracy: 0.96,
    seconds: 10.04,
    stopped: false,
    stopReason: 'completed',
    stopMessage: null,
    bestEpoch: 1,
    best: null,
    epochsDone: 1,
    batchesDone: 0,
  },
];

describe('PlainReporter', () => {
  it('writes Keras-style lines', () => {
    const lines: string[] = [];
    const r = new PlainReporter((l) => lines.push(l));
    for (const m of run) r.handle(m);
    expect(lines).toEqual([
      'scratchnet-train: simple-cnn on MNIST (54,000 train / 6,000 val / 10,000 test), wasm × 2 threads, 804,554 parameters',
      'SGD lr 0.01, decay 0.001, momentum 0.9, batch 64, 844 steps per epoch, seed 42',
      'schedule: constant',
      'Epoch 1/1',
      // 422/844 = half of the 30-wide bar; ETA 422·64/6120 = 4.4 s
      `422/844 [${'='.repeat(14)}>${'.'.repeat(15)}] - ETA: 0:04 - loss: 0.0412 - accuracy: 0.9870 - 6,120 samples/s`,
      `844/844 [${'='.repeat(30)}] - 9.2s - loss: 0.2101 - accuracy: 0.9150 - val_loss: 0.1000 - val_accuracy: 0.9560 - test_loss: 0.0900 - test_accuracy: 0.9600 - lr: 0.005423 - best_epoch: 1 - since_best: 0 - 6,100 samples/s`,
      'checkpoint saved: checkpoints/checkpoint-e0001-b000000.safetensors (epoch 1, batch 0)',
      'Trained simple-cnn on MNIST for 1 epoch in 10s: test accuracy 96.00%',
      '  model       checkpoints/model.safetensors',
      '  checkpoint  checkpoints/checkpoint-latest.safetensors',
      'Predict with it:',
      '  scratchnet-predict --model checkpoints/model.safetensors <image.png>',
    ]);
  });
});

describe('JsonReporter', () => {
  it('writes one event per line with the schema of the README', () => {
    const lines: string[] = [];
    const r = new JsonReporter((l) => lines.push(l));
    for (const m of run) r.handle(m);
    const events = lines.map((l) => JSON.parse(l));
    expect(events.map((e) => e.event)).toEqual(['start', 'progress', 'epoch', 'checkpoint', 'done']);
    expect(events[1]).toEqual({
      event: 'progress',
      epoch: 1,
      epochs: 1,
      batch: 422,
      batches: 844,
      step: 422,
      loss: 0.0412,
      accuracy: 0.987,
      learningRate: 0.00953,
      samplesPerSecond: 6120,
    });
    expect(events[2]).toEqual({
      event: 'epoch',
      epoch: 1,
      epochs: 1,
      loss: 0.2101,
      trainAccuracy: 0.915,
      valLoss: 0.1,
      valAccuracy: 0.956,
      testLoss: 0.09,
      testAccuracy: 0.96,
      seconds: 9.2,
      samplesPerSecond: 6100,
      learningRate: 0.00542299,
      bestEpoch: 1,
      sinceBest: 0,
    });
    expect(events[3]).toEqual({
      event: 'checkpoint',
      path: 'checkpoints/checkpoint-e0001-b000000.safetensors',
      epoch: 1,
      batch: 0,
      reason: 'epoch',
    });
    expect(events[4]).toEqual({
      event: 'done',
      model: 'checkpoints/model.safetensors',
      testAccuracy: 0.96,
      seconds: 10.04,
      epochs: 1,
      stopped: false,
      stopReason: 'completed',
      message: null,
      bestEpoch: 1,
      best: null,
      checkpoint: 'checkpoints/checkpoint-latest.safetensors',
      onnx: null,
    });
  });
});
