import type { BatchInfo, EpochInfo, FiltersInfo, Misclassified, RunInfo } from '../src/protocol.js';

/** A run's description as the worker would send it. */
export function fakeInfo(overrides: Partial<RunInfo> = {}): RunInfo {
  return {
    model: 'simple-cnn',
    summary: '',
    parameters: 804554,
    dataset: 'MNIST',
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    trainSamples: 54000,
    valSamples: 6000,
    testSamples: 10000,
    backend: 'wasm',
    threads: 2,
    epochs: 5,
    batchSize: 64,
    batchesPerEpoch: 844,
    optimizer: 'SGD lr 0.01, decay 0.001, momentum 0.9',
    schedule: 'constant',
    augmentation: null,
    earlyStop: null,
    bestPath: null,
    learningRate: 0.01,
    seed: 42,
    outDir: 'checkpoints',
    resumedFrom: null,
    history: [],
    ...overrides,
  };
}

/** Batch metrics at `batch` of `epoch`. */
export function fakeBatch(epoch: number, batch: number, overrides: Partial<BatchInfo> = {}): BatchInfo {
  return {
    epoch,
    epochs: 5,
    batch,
    batches: 844,
    step: (epoch - 1) * 844 + batch,
    loss: 0.0412,
    accuracy: 0.987,
    learningRate: 0.00953,
    samplesPerSecond: 6120,
    ...overrides,
  };
}

/** Metrics of a finished epoch. */
export function fakeEpoch(epoch: number, overrides: Partial<EpochInfo> = {}): EpochInfo {
  return {
    epoch,
    epochs: 5,
    loss: 0.3 / epoch,
    trainAccuracy: 0.9 + epoch * 0.015,
    valAccuracy: 0.95 + epoch * 0.006,
    valLoss: 0.1,
    testAccuracy: 0.955 + epoch * 0.005,
    testLoss: 0.09,
    seconds: 9.2,
    samplesPerSecond: 6100,
    learningRate: 0.01 / (1 + 0.001 * epoch * 844),
    bestEpoch: epoch,
    sinceBest: 0,
    ...overrides,
  };
}

/** A 28×28 image: a white vertical bar (a "1") on black. */
export function barImage(): Uint8Array {
  const px = new Uint8Array(28 * 28);
  for (let y = 4; y < 24; y++) for (let x = 13; x < 16; x++) px[y * 28 + x] = 255;
  return px;
}

/** `n` misclassified images with labels 7→(i mod 10). */
export function fakeMisclassified(n: number): Misclassified[] {
  return Array.from({ length: n }, (_, i) => ({
    index: i * 10,
    actual: 7,
    predicted: i % 10 === 7 ? 1 : i % 10,
    width: 28,
    height: 28,
    pixels: barImage(),
  }));
}

/** A 10×10 confusion matrix with 980 on the diagonal and a few mistakes. */
export function fakeConfusion(): number[][] {
  const m = Array.from({ length: 10 }, (_, i) =>
    Array.from({ length: 10 }, (_, j) => (i === j ? 980 + i : 0)),
  );
  m[4][9] = 12;
  m[7][2] = 3;
  m[9][4] = 1135;
  return m;
}

/** 32 3×3 filters, filter f has weight f at its centre and 0 elsewhere (plus one negative corner). */
export function fakeFilters(): FiltersInfo {
  const data = new Float32Array(32 * 9);
  for (let f = 0; f < 32; f++) {
    data[f * 9 + 4] = 1;
    data[f * 9] = -1;
  }
  return { shape: [32, 1, 3, 3], data };
}
