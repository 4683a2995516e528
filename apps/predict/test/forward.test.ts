// The CLI's compiled forward pass (src/forward.ts) against `model.predict` on the tensor package's js
// backend: the same class and probabilities within float32 rounding, for the pretrained model on
// MNIST test digits and for models exercising strides, paddings, missing biases and trained
// statistics; models with layers it has no kernel for go to `model.predict` itself.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadMnist } from '@scratchnet/datasets/node';
import {
  AvgPool2d,
  BatchNorm1d,
  BatchNorm2d,
  Conv2d,
  Dense,
  Dropout,
  Flatten,
  MaxPool2d,
  ReLU,
  Sequential,
  Softmax,
  Tanh,
} from '@scratchnet/layers';
import { modelFromBytes } from '@scratchnet/serialization';
import { Random, Tensor, setBackend } from '@scratchnet/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { type WeightSource, compilable, compiledPredictor } from '../src/forward.js';
import { preprocessKernels } from '../src/wasm.js';

const PRETRAINED = fileURLToPath(new URL('../pretrained/mnist.safetensors', import.meta.url));

beforeAll(() => {
  setBackend('js');
});

/** Compares the compiled and the js probabilities of `model` on x; returns the largest difference. */
function agree(model: Sequential, x: Tensor): number {
  expect(compilable(model)).toBe(true);
  const want = model.predict(x);
  const got = compiledPredictor(model).predict(x);
  expect(got.shape).toEqual(want.shape);
  const [n, k] = want.shape;
  let worst = 0;
  for (let i = 0; i < n; i++) {
    const row = (t: Tensor) => Array.from(t.data.subarray(i * k, (i + 1) * k));
    const g = row(got);
    const w = row(want);
    expect(g.indexOf(Math.max(...g)), `sample ${i}`).toBe(w.indexOf(Math.max(...w)));
    for (let c = 0; c < k; c++) worst = Math.max(worst, Math.abs(g[c] - w[c]));
  }
  return worst;
}

/** x [n, ...shape] of uniform values in [lo, hi), from a fixed seed. */
function randomInput(n: number, shape: number[], seed: number, lo = -1, hi = 1): Tensor {
  const rng = new Random(seed);
  const x = new Tensor([n, ...shape]);
  for (let i = 0; i < x.size; i++) x.data[i] = rng.uniform(lo, hi);
  return x;
}

/** Gives every parameter and buffer of `model` seeded values (variances positive). */
function randomize(model: Sequential, seed: number): void {
  const rng = new Random(seed);
  for (const p of model.namedParameters()) {
    for (let i = 0; i < p.value.size; i++) p.value.data[i] = rng.uniform(-0.5, 0.5);
  }
  for (const b of model.namedBuffers()) {
    if (!(b.value instanceof Tensor)) continue;
    const positive = b.name.endsWith('running_var');
    for (let i = 0; i < b.value.size; i++)
      b.value.data[i] = positive ? rng.uniform(0.2, 2) : rng.uniform(-0.3, 0.3);
  }
}

describe('compiled forward pass', () => {
  it('reads MNIST test digits with the pretrained model as the js backend does, within 1e-5', async () => {
    const { model, metadata } = modelFromBytes(readFileSync(PRETRAINED), PRETRAINED);
    const { test } = await loadMnist();
    const n = 64;
    const mean = metadata.preprocessing?.normalization?.mean ?? 0;
    const std = metadata.preprocessing?.normalization?.std ?? 1;
    const x = new Tensor([n, 1, 28, 28]);
    for (let i = 0; i < n * 784; i++) x.data[i] = (test.images[i] / 255 - mean) / std;
    expect(agree(model, x)).toBeLessThan(1e-5);
  });

  it('follows strides, paddings, missing biases, batch norms and a final softmax', () => {
    const model = new Sequential(
      [
        new Conv2d({ filters: 5, kernelSize: [3, 5], stride: [2, 1], padding: [1, 2] }),
        new BatchNorm2d(),
        new ReLU(),
        new MaxPool2d({ poolSize: 3, stride: 2, padding: 1 }),
        new Conv2d({ filters: 6, kernelSize: 2, stride: [1, 3], useBias: false }),
        new ReLU(),
        new MaxPool2d({ poolSize: [2, 1] }),
        new Flatten(),
        new Dropout(0.3),
        new Dense({ units: 17, useBias: false }),
        new BatchNorm1d(),
        new ReLU(),
        new Dense(7),
        new Softmax(),
      ],
      { inputShape: [2, 23, 29], seed: 3 },
    );
    randomize(model, 11);
    expect(agree(model, randomInput(5, [2, 23, 29], 7))).toBeLessThan(1e-5);
  });

  it('runs 3×3 convolutions of every padding, with or without bias, as the js backend does', () => {
    // Stride 1, filters a multiple of 4: the 3×3 kernel (paddings 0, 1 and 2, one input channel or
    // several); 6 filters: the general one.
    const model = new Sequential(
      [
        new Conv2d({ filters: 8, kernelSize: 3, padding: [0, 2], useBias: false }),
        new ReLU(),
        new Conv2d({ filters: 4, kernelSize: 3, padding: 1 }),
        new BatchNorm2d(),
        new Conv2d({ filters: 6, kernelSize: 3, padding: 1 }),
        new Flatten(),
        new Dense(5),
      ],
      { inputShape: [3, 11, 9], seed: 5 },
    );
    randomize(model, 13);
    expect(agree(model, randomInput(3, [3, 11, 9], 8))).toBeLessThan(1e-5);
    const single = new Sequential(
      [new Conv2d({ filters: 12, kernelSize: 3, padding: 1 }), new MaxPool2d(2), new Flatten(), new Dense(3)],
      { inputShape: [1, 7, 6], seed: 6 },
    );
    randomize(single, 14);
    expect(agree(single, randomInput(2, [1, 7, 6], 9))).toBeLessThan(1e-5);
  });

  it('leaves models with other layers to model.predict, bit for bit', () => {
    const model = new Sequential(
      [new Conv2d({ filters: 3, kernelSize: 3 }), new Tanh(), new AvgPool2d(2), new Flatten(), new Dense(4)],
      { inputShape: [1, 12, 12], seed: 5 },
    );
    expect(compilable(model)).toBe(false);
    const x = randomInput(3, [1, 12, 12], 9);
    expect(Array.from(compiledPredictor(model).predict(x).data)).toEqual(Array.from(model.predict(x).data));
  });

  it('asks its fallback, not a model with unloaded weights, when it cannot compile', () => {
    const model = new Sequential([new Flatten(), new Tanh(), new Dense(3)], {
      inputShape: [1, 4, 4],
      seed: 6,
    });
    const loaded = new Sequential([new Flatten(), new Tanh(), new Dense(3)], {
      inputShape: [1, 4, 4],
      seed: 8,
    });
    const none = { values: () => new Float32Array(0) };
    const x = randomInput(2, [1, 4, 4], 3);
    const got = compiledPredictor(model, none, () => loaded).predict(x);
    expect(Array.from(got.data)).toEqual(Array.from(loaded.predict(x).data));
    expect(Array.from(got.data)).not.toEqual(Array.from(model.predict(x).data));
  });

  it('streams a Dense layer’s weights in chunks of whole rows, scanning a chunk with a non-finite output', () => {
    // Dense(70) on 2000 inputs: 560 KB of weights, read in 32-row chunks (the last one 6 rows).
    const model = new Sequential([new Flatten(), new Dense(70), new ReLU(), new Dense(4)], {
      inputShape: [1, 40, 50],
      seed: 4,
    });
    const own = new Map<string, Float32Array>();
    for (const p of model.namedParameters()) own.set(p.name, p.value.data);
    /** The model's weights, '1.weight' streamed from `big`; the chunks asked for and scanned. */
    const source = (big: Float32Array) => {
      const reads: number[][] = [];
      const scans: number[] = [];
      const weights: WeightSource = {
        values: (name) => own.get(name) as Float32Array,
        stream: (name) =>
          name !== '1.weight'
            ? undefined
            : {
                read(from, length, to) {
                  reads.push([from, length]);
                  const k = preprocessKernels(to + length);
                  if (k === null) throw new Error('no WebAssembly');
                  new Uint8Array(k.memory.buffer, to, length).set(new Uint8Array(big.buffer, from, length));
                },
                check(to, length) {
                  const k = preprocessKernels(to + length);
                  if (k === null) throw new Error('no WebAssembly');
                  const at = k.firstNonFinite(to, length >> 2);
                  scans.push(at);
                  if (at !== -1) throw new Error('bad chunk');
                },
              },
      };
      return { weights, reads, scans };
    };
    const x = randomInput(2, [1, 40, 50], 5);
    const weight = own.get('1.weight') as Float32Array;
    const good = source(weight);
    const got = compiledPredictor(model, good.weights).predict(x);
    const want = model.predict(x);
    for (let i = 0; i < want.size; i++) expect(Math.abs(got.data[i] - want.data[i])).toBeLessThan(1e-5);
    const rows = 4 * 2000;
    const chunks = [0, 32, 64].map((u) => [u * rows, Math.min(32, 70 - u) * rows]);
    expect(good.reads).toEqual([...chunks, ...chunks]);
    expect(good.scans).toEqual([]);
    // A NaN in row 40 (the second chunk): that chunk is scanned, and the pass fails.
    const broken = weight.slice();
    broken[40 * 2000 + 7] = Number.NaN;
    const bad = source(broken);
    expect(() => compiledPredictor(model, bad.weights).predict(x)).toThrow('bad chunk');
    expect(bad.reads).toEqual(chunks.slice(0, 2));
    expect(bad.scans).toEqual([8 * 2000 + 7]);
  });

  it('propagates NaN like the js backend', () => {
    const model = new Sequential(
      [new Conv2d({ filters: 2, kernelSize: 3 }), new ReLU(), new MaxPool2d(2), new Flatten(), new Dense(3)],
      {
        inputShape: [1, 8, 8],
        seed: 2,
      },
    );
    const x = randomInput(1, [1, 8, 8], 4);
    x.data[20] = Number.NaN;
    const got = compiledPredictor(model).predict(x).data;
    const want = model.predict(x).data;
    expect(Array.from(got, Number.isNaN)).toEqual(Array.from(want, Number.isNaN));
    expect(Array.from(got, Number.isNaN)).toContain(true);
  });
});

describe('kernels', () => {
  it('sums each row in one fixed order, four rows at a time or alone: bit for bit', () => {
    const rng = new Random(11);
    for (const [n, units, withBias] of [
      [3136, 6, true],
      [128, 10, true],
      [7, 9, false],
      [1, 1, false],
      [13, 4, true],
    ] as const) {
      const k = preprocessKernels(4 * (n + units * n + 2 * units) + 64);
      if (k === null) throw new Error('no WebAssembly');
      const f32 = (at: number, len: number) => new Float32Array(k.memory.buffer, at, len);
      const xAt = 16;
      const wAt = xAt + 4 * n;
      const bAt = wAt + 4 * units * n;
      const yAt = bAt + 4 * units;
      const x = f32(xAt, n);
      const w = f32(wAt, units * n);
      const b = f32(bAt, units);
      for (const a of [x, w, b]) for (let i = 0; i < a.length; i++) a[i] = rng.uniform(-2, 2);
      expect(k.dense(xAt, wAt, withBias ? bAt : 0, yAt, n, units)).toBe(1);
      const y = f32(yAt, units);
      for (let u = 0; u < units; u++) {
        // Four lanes of float32 multiply-adds, the lanes summed (0 + 1) + (2 + 3), then the tail.
        const lanes = new Float32Array(4);
        let i = 0;
        for (; i + 4 <= n; i += 4) {
          for (let l = 0; l < 4; l++) lanes[l] = lanes[l] + Math.fround(w[u * n + i + l] * x[i + l]);
        }
        let s = Math.fround(Math.fround(lanes[0] + lanes[1]) + Math.fround(lanes[2] + lanes[3]));
        for (; i < n; i++) s = Math.fround(s + Math.fround(w[u * n + i] * x[i]));
        if (withBias) s = Math.fround(s + b[u]);
        expect(y[u]).toBe(s);
      }
      // It says whether every output is finite: not when one row holds ±∞ or NaN.
      for (const bad of [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN]) {
        const keep = w[units * n - 1];
        w[units * n - 1] = bad;
        expect(k.dense(xAt, wAt, withBias ? bAt : 0, yAt, n, units)).toBe(0);
        w[units * n - 1] = keep;
      }
    }
  });

  it('batch norm, ReLU and 2×2 max pooling (or none) in one pass: the bits of the separate kernels', () => {
    const rng = new Random(15);
    for (const [c, h, w, pool] of [
      [32, 28, 28, 2],
      [3, 7, 5, 2],
      [2, 2, 3, 2],
      [128, 1, 1, 1],
      [3, 7, 5, 1],
    ] as const) {
      const n = c * h * w;
      const [oh, ow] = pool === 2 ? [h >> 1, w >> 1] : [h, w];
      const k = preprocessKernels(4 * (4 * c + 2 * n + c * oh * ow) + 64);
      if (k === null) throw new Error('no WebAssembly');
      const f32 = (at: number, len: number) => new Float32Array(k.memory.buffer, at, len);
      const params = [16, 16 + 4 * c, 16 + 8 * c, 16 + 12 * c];
      const [gamma, beta, mean, variance] = params.map((at) => f32(at, c));
      for (const a of [gamma, beta, mean]) for (let i = 0; i < c; i++) a[i] = rng.uniform(-3, 3);
      for (let i = 0; i < c; i++) variance[i] = rng.uniform(0, 2) ** 4;
      const xAt = 16 + 16 * c;
      const copyAt = xAt + 4 * n;
      const yAt = copyAt + 4 * n;
      const x = f32(xAt, n);
      for (let i = 0; i < n; i++) x[i] = rng.uniform(-2, 2);
      // NaN, ±∞ and zeros of both signs, some of them alone in a window.
      for (const [i, v] of [
        [0, Number.NaN],
        [5, Number.POSITIVE_INFINITY],
        [6, Number.NEGATIVE_INFINITY],
        [n - 1, Number.NaN],
        [n - 2, -0],
        [n >> 1, 0],
      ] as const)
        x[i] = v;
      const y = f32(yAt, c * oh * ow);
      f32(copyAt, n).set(x);
      k.batchNormReluPool(xAt, yAt, ...(params as [number, number, number, number]), 1e-5, c, h, w, pool);
      const fused = Array.from(y);
      k.batchNorm(copyAt, ...(params as [number, number, number, number]), 1e-5, c, h * w);
      k.relu(copyAt, n);
      if (pool === 2) k.maxPool2d(copyAt, yAt, c, h, w, 2, 2, 2, 2, 0, 0, oh, ow);
      else y.set(f32(copyAt, n));
      expect(fused.some((v) => Object.is(v, -0))).toBe(false);
      expect(fused).toEqual(Array.from(y));
      expect(fused.some(Number.isNaN)).toBe(true);
    }
  });

  it('batch norm: the layer’s terms worked out as in JavaScript, then x·scale + shift: bit for bit', () => {
    const rng = new Random(12);
    for (const [c, plane, eps] of [
      [32, 784, 1e-5],
      [128, 1, 1e-3],
      [3, 5, 0.1],
    ] as const) {
      const k = preprocessKernels(4 * (5 * c + c * plane) + 64);
      if (k === null) throw new Error('no WebAssembly');
      const f32 = (at: number, len: number) => new Float32Array(k.memory.buffer, at, len);
      const at = [16, 16 + 4 * c, 16 + 8 * c, 16 + 12 * c, 16 + 16 * c];
      const [gamma, beta, mean, variance, x] = at.map((a, i) => f32(a, i === 4 ? c * plane : c));
      for (const a of [gamma, beta, mean, x]) for (let i = 0; i < a.length; i++) a[i] = rng.uniform(-3, 3);
      for (let i = 0; i < c; i++) variance[i] = rng.uniform(0, 2) ** 4;
      const want = Float32Array.from(x);
      for (let ch = 0; ch < c; ch++) {
        const invStd = Math.fround(1 / Math.sqrt(variance[ch] + eps));
        const scale = Math.fround(gamma[ch] * invStd);
        const shift = Math.fround(beta[ch] - mean[ch] * scale);
        for (let i = ch * plane; i < (ch + 1) * plane; i++) {
          want[i] = Math.fround(Math.fround(want[i] * scale) + shift);
        }
      }
      k.batchNorm(at[4], at[0], at[1], at[2], at[3], eps, c, plane);
      expect(Array.from(f32(at[4], c * plane))).toEqual(Array.from(want));
    }
  });
});
