import type { Layer } from '@scratchnet/layers';
import type { Shape } from '@scratchnet/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, Random, normal, tensorOf, uniform, useBackend } from '../src/backends.js';
import { expectClose } from '../src/compare.js';
import { type LayerSpec, ourLayer } from '../src/layers.js';
import {
  type Case,
  type Result,
  type TensorJson,
  json,
  resultOf,
  runReference,
  torch,
} from '../src/reference.js';

/** Every layer type, with geometry that exercises strides, padding and uneven windows. */
const LAYERS: [name: string, spec: LayerSpec, x: Shape][] = [
  [
    'Conv2d 3×3 stride 2 padding 1',
    { kind: 'conv2d', in: 3, out: 4, kernel: 3, stride: 2, padding: 1 },
    [2, 3, 7, 7],
  ],
  [
    'Conv2d 2×3 stride (1,2) padding (0,1), no bias',
    { kind: 'conv2d', in: 2, out: 3, kernel: [2, 3], stride: [1, 2], padding: [0, 1], bias: false },
    [2, 2, 5, 6],
  ],
  ['Conv2d 1×1', { kind: 'conv2d', in: 4, out: 2, kernel: 1 }, [2, 4, 3, 3]],
  // 3×3 stride 1 with ≥ 16 channels each side: the wasm backend's Winograd F(2×2, 3×3) path
  [
    'Conv2d 3×3 padding 1, 16 → 32 channels',
    { kind: 'conv2d', in: 16, out: 32, kernel: 3, padding: 1 },
    [2, 16, 7, 6],
  ],
  ['MaxPool2d 2×2', { kind: 'maxpool2d', kernel: 2 }, [2, 3, 6, 6]],
  ['MaxPool2d 3×3 stride 2 padding 1', { kind: 'maxpool2d', kernel: 3, stride: 2, padding: 1 }, [2, 2, 7, 7]],
  ['AvgPool2d 2×2', { kind: 'avgpool2d', kernel: 2 }, [2, 3, 6, 6]],
  ['AvgPool2d 3×3 stride 2 padding 1', { kind: 'avgpool2d', kernel: 3, stride: 2, padding: 1 }, [2, 2, 7, 7]],
  [
    'AvgPool2d 3×3 stride 2 padding 1, count_include_pad=False',
    { kind: 'avgpool2d', kernel: 3, stride: 2, padding: 1, countIncludePad: false },
    [2, 2, 7, 7],
  ],
  ['Dense (nn.Linear)', { kind: 'linear', in: 5, out: 4 }, [3, 5]],
  ['Dense without bias', { kind: 'linear', in: 6, out: 3, bias: false }, [2, 6]],
  ['Flatten', { kind: 'flatten' }, [2, 3, 2, 2]],
  ['ReLU', { kind: 'relu' }, [2, 3, 4]],
  ['LeakyReLU(0.1)', { kind: 'leakyrelu', slope: 0.1 }, [2, 3, 4]],
  ['Sigmoid', { kind: 'sigmoid' }, [2, 3, 4]],
  ['Tanh', { kind: 'tanh' }, [2, 3, 4]],
  ['Softmax', { kind: 'softmax' }, [3, 5]],
  ['BatchNorm1d [N, C]', { kind: 'batchnorm1d', features: 3 }, [4, 3]],
  ['BatchNorm1d [N, C, L]', { kind: 'batchnorm1d', features: 3, momentum: 0.2 }, [4, 3, 5]],
  ['BatchNorm2d', { kind: 'batchnorm2d', features: 3, momentum: 0.3, eps: 1e-3 }, [4, 3, 3, 3]],
  ['Dropout(0.3)', { kind: 'dropout', p: 0.3 }, [4, 10]],
];

interface Ours {
  y: { shape: Shape; data: Float32Array };
  dx: { shape: Shape; data: Float32Array };
  grads: Map<string, { shape: Shape; data: Float32Array }>;
  buffers: Map<string, { shape: Shape; data: Float32Array }>;
}

const snapshot = (t: { shape: Shape; data: ArrayLike<number> }) => ({
  shape: [...t.shape],
  data: Float32Array.from(t.data),
});

/** Random parameters and buffers for a layer (running variances positive, a few batches tracked). */
function stateFor(layer: Layer, rng: Random): Record<string, TensorJson> {
  const state: Record<string, TensorJson> = {};
  for (const p of layer.parameters()) {
    const v =
      p.name === 'weight' && layer.buffers().length > 0
        ? uniform(rng, p.value.shape, 0.5, 1.5)
        : normal(rng, p.value.shape, 0.5);
    state[p.name] = json(v, p.value.shape);
  }
  for (const b of layer.buffers()) {
    const s = b.value.shape;
    if (b.name === 'running_mean') state[b.name] = json(normal(rng, s, 0.3), s);
    if (b.name === 'running_var') state[b.name] = json(uniform(rng, s, 0.5, 1.5), s);
    if (b.name === 'num_batches_tracked') state[b.name] = json([3], s);
  }
  return state;
}

const cases: Case[] = [];
const ours = new Map<string, Ours>();
let results: Record<string, Result> = {};

/** Runs our layer (forward over each input, then one backward) and queues the PyTorch case. */
function addCase(id: string, spec: LayerSpec, xShape: Shape, training: boolean, seed: number): void {
  const rng = new Random(seed);
  const layer = ourLayer(spec);
  const outShape = [xShape[0], ...layer.build(xShape.slice(1), new Random(7))];
  const state = stateFor(layer, rng);
  // Batch norm sees two batches, so the running statistics are updated twice.
  const inputs = Array.from({ length: spec.kind.startsWith('batchnorm') ? 2 : 1 }, () => normal(rng, xShape));
  const dy = normal(rng, outShape);
  for (const p of layer.parameters()) {
    p.value.data.set(state[p.name].data);
    p.grad.data.fill(0);
  }
  for (const b of layer.buffers()) b.value.data.set(state[b.name].data);
  let y = tensorOf(xShape, inputs[0]);
  let x = y;
  for (const input of inputs) {
    x = tensorOf(xShape, input);
    y = layer.forward(x, { training });
  }
  const ySnap = snapshot(y);
  const dx = layer.backward(tensorOf(outShape, dy));
  ours.set(id, {
    y: ySnap,
    dx: snapshot(dx),
    grads: new Map(layer.parameters().map((p) => [p.name, snapshot(p.grad)])),
    buffers: new Map(layer.buffers().map((b) => [b.name, snapshot(b.value)])),
  });
  const c: Case = {
    id,
    kind: 'layer',
    layer: spec,
    training,
    state,
    inputs: inputs.map((a) => json(a, xShape)),
    dy: json(dy, outShape),
  };
  // Our dropout mask (the draws differ between libraries): kept elements are the non-zero outputs.
  if (spec.kind === 'dropout' && training)
    c.mask = json(
      ySnap.data.map((v) => (v !== 0 ? 1 : 0)),
      xShape,
    );
  cases.push(c);
}

const modes = [
  ['eval', false],
  ['train', true],
] as const;

describe.skipIf(!torch.ok)('layers against PyTorch (forward, input and parameter gradients, buffers)', () => {
  beforeAll(() => {
    let seed = 1;
    for (const backend of BACKENDS) {
      useBackend(backend);
      for (const [name, spec, x] of LAYERS)
        for (const [mode, training] of modes)
          addCase(`${backend} ${name} ${mode}`, spec, x, training, seed++);
    }
    results = runReference(cases);
  });

  for (const backend of BACKENDS) {
    for (const [name, spec] of LAYERS) {
      for (const [mode, training] of modes) {
        const id = `${backend} ${name} ${mode}`;
        it(`${name}, ${mode} mode (${backend} backend)`, () => {
          const r = resultOf(results, id);
          const o = ours.get(id) as Ours;
          expectClose(o.y, r.y as TensorJson, 'output');
          expectClose(o.dx, r.dx as TensorJson, 'input gradient');
          const grads = r.grads as Record<string, TensorJson>;
          expect([...o.grads.keys()].sort(), 'parameter names').toEqual(Object.keys(grads).sort());
          for (const [n, g] of o.grads) expectClose(g, grads[n], `gradient of ${n}`);
          const buffers = r.buffers as Record<string, TensorJson>;
          expect([...o.buffers.keys()].sort(), 'buffer names').toEqual(Object.keys(buffers).sort());
          for (const [n, b] of o.buffers) expectClose(b, buffers[n], `buffer ${n}`);
          if (spec.kind === 'dropout' && training) {
            // PyTorch's own draw obeys the rule our mask was applied with: y = x·keep / (1 − p).
            expect(r.torchRuleError as number).toBeLessThan(1e-6);
            const kept = o.y.data.filter((v) => v !== 0).length / o.y.data.length;
            expect(kept, 'fraction kept').toBeGreaterThan(0.4);
          }
        });
      }
    }
  }
});
