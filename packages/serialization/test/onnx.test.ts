import { readFile } from 'node:fs/promises';
import { PRESET_NAMES, type Sequential, createModel } from '@scratchnet/layers';
import { setBackend } from '@scratchnet/tensor';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportOnnx } from '../src/onnx/export.js';
import { saveOnnx } from '../src/onnx/save.js';
import { everyLayerModel, randomInput, randomizeBuffers, useTempDir } from './helpers.js';

beforeAll(() => {
  setBackend('js');
});
const tmp = useTempDir();

/** Largest |ours − onnxruntime| over a batch of random inputs, and the output shape ORT reports. */
async function compare(model: Sequential, batch: number, options: { softmax?: boolean } = {}) {
  const session = await ort.InferenceSession.create(exportOnnx(model, options));
  const x = randomInput(model, batch, batch);
  const result = await session.run({ input: new ort.Tensor('float32', x.data.slice(), [...x.shape]) });
  const out = result[session.outputNames[0]];
  let ours = model.forward(x).data;
  if (options.softmax) {
    // Softmax of our logits, row by row, in float64 (independent of both implementations).
    const k = model.outputShape[0];
    const p = new Float32Array(ours.length);
    for (let r = 0; r < batch; r++) {
      const row = ours.subarray(r * k, (r + 1) * k);
      const max = Math.max(...row);
      const sum = row.reduce((s, v) => s + Math.exp(v - max), 0);
      for (let j = 0; j < k; j++) p[r * k + j] = Math.exp(row[j] - max) / sum;
    }
    ours = p;
  }
  const theirs = out.data as Float32Array;
  expect(theirs.length).toBe(ours.length);
  let maxDiff = 0;
  for (let i = 0; i < ours.length; i++) maxDiff = Math.max(maxDiff, Math.abs(ours[i] - theirs[i]));
  return { maxDiff, dims: out.dims, session };
}

describe('onnxruntime-node', () => {
  it('loads its CPU binding', () => {
    expect(ort.env.versions.node).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('exportOnnx runs in onnxruntime with our outputs', () => {
  for (const name of PRESET_NAMES) {
    it(`preset '${name}' (random batch-norm statistics), batch 1 and 5`, async () => {
      const model = createModel(name, { seed: 3 });
      randomizeBuffers(model, 8);
      for (const batch of [1, 5]) {
        const { maxDiff, dims, session } = await compare(model, batch);
        expect(maxDiff).toBeLessThan(1e-5);
        expect(dims).toEqual([batch, 10]);
        expect(session.inputNames).toEqual(['input']);
        expect(session.outputNames).toEqual(['logits']);
      }
    });
  }

  it('a model with every layer type (same padding, strides, avg pool without pad counting, BatchNorm1d/2d)', async () => {
    const { maxDiff, dims } = await compare(everyLayerModel(), 4);
    expect(maxDiff).toBeLessThan(1e-5);
    expect(dims).toEqual([4, 3]);
  });

  it('optionally appends a Softmax (output "probabilities")', async () => {
    const model = createModel('mlp', { seed: 1 });
    const { maxDiff, session } = await compare(model, 3, { softmax: true });
    expect(maxDiff).toBeLessThan(1e-6);
    expect(session.outputNames).toEqual(['probabilities']);
  });

  it('saveOnnx writes the same bytes, with metadata_props', async () => {
    const model = createModel('seed', { seed: 2 });
    const path = tmp.path('seed.onnx');
    const classNames = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
    await saveOnnx(model, path, { metadata: { classNames } });
    const bytes = await readFile(path);
    expect(Buffer.compare(bytes, exportOnnx(model, { metadata: { classNames } }))).toBe(0);
    // The JSON class list is in the file as a metadata_props value.
    expect(bytes.includes(Buffer.from(JSON.stringify(classNames)))).toBe(true);
    const session = await ort.InferenceSession.create(path);
    expect(session.inputNames).toEqual(['input']);
  });

  it('refuses layers it cannot express, naming them', () => {
    const model = createModel('mlp');
    const config = model.getConfig();
    const fake = {
      getConfig: () => ({ ...config, layers: [...config.layers.slice(0, 3), { type: 'Mystery' }] }),
      namedParameters: () => model.namedParameters(),
      namedBuffers: () => model.namedBuffers(),
    } as unknown as Sequential;
    expect(() => exportOnnx(fake)).toThrow(/layer 3 \(Mystery\): no ONNX mapping for layer type 'Mystery'/);
  });
});
