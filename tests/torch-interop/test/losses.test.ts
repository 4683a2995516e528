import { CategoricalCrossEntropy, type Loss, MSE, SoftmaxCrossEntropy } from '@scratchnet/layers';
import type { IntTensor, Tensor } from '@scratchnet/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, Random, intTensorOf, normal, tensorOf, uniform, useBackend } from '../src/backends.js';
import { expectClose } from '../src/compare.js';
import {
  type Case,
  type Result,
  type TensorJson,
  json,
  resultOf,
  runReference,
  torch,
} from '../src/reference.js';

const N = 6;
const K = 5;

/** Each loss, on labels and (where it takes them) on float targets. */
const LOSSES: [
  name: string,
  make: () => Loss,
  target: 'labels' | 'floats' | 'distribution',
  probs: boolean,
][] = [
  ['softmax cross-entropy', () => new SoftmaxCrossEntropy(), 'labels', false],
  ['MSE, float targets', () => new MSE(), 'floats', false],
  ['MSE, labels as one-hot rows', () => new MSE(), 'labels', false],
  ['categorical cross-entropy, labels', () => new CategoricalCrossEntropy(), 'labels', true],
  [
    'categorical cross-entropy, target distributions',
    () => new CategoricalCrossEntropy(),
    'distribution',
    true,
  ],
];

/** Rows of a softmax (probabilities, none near the 1e-7 clip). */
function softmaxRows(logits: Float32Array): Float32Array {
  const p = new Float32Array(logits.length);
  for (let i = 0; i < N; i++) {
    let s = 0;
    for (let j = 0; j < K; j++) s += p[i * K + j] = Math.exp(logits[i * K + j]);
    for (let j = 0; j < K; j++) p[i * K + j] /= s;
  }
  return p;
}

const cases: Case[] = [];
const ours = new Map<string, { loss: number; grad: Tensor }>();
let results: Record<string, Result> = {};

describe.skipIf(!torch.ok)('losses against PyTorch (value and gradient)', () => {
  beforeAll(() => {
    let seed = 100;
    for (const backend of BACKENDS) {
      useBackend(backend);
      for (const [name, make, kind, probs] of LOSSES) {
        const rng = new Random(seed++);
        const raw = normal(rng, [N, K]);
        const output = probs ? softmaxRows(raw) : raw;
        const labels = Float32Array.from({ length: N }, () => Math.floor(rng.uniform(0, K)));
        const target =
          kind === 'labels'
            ? labels
            : kind === 'floats'
              ? normal(rng, [N, K])
              : softmaxRows(uniform(rng, [N, K], -2, 2));
        const t: IntTensor | Tensor = kind === 'labels' ? intTensorOf([N], labels) : tensorOf([N, K], target);
        const loss = make();
        const value = loss.forward(tensorOf([N, K], output), t);
        const grad = loss.backward();
        const id = `${backend} ${name}`;
        ours.set(id, { loss: value, grad });
        cases.push({
          id,
          kind: 'loss',
          loss: loss.type,
          labels: kind === 'labels',
          epsilon: 1e-7,
          output: json(output, [N, K]),
          target: json(target, kind === 'labels' ? [N] : [N, K]),
        });
      }
    }
    results = runReference(cases);
  });

  for (const backend of BACKENDS) {
    for (const [name] of LOSSES) {
      it(`${name} (${backend} backend)`, () => {
        const id = `${backend} ${name}`;
        const r = resultOf(results, id);
        const o = ours.get(id) as { loss: number; grad: Tensor };
        const expected = r.loss as number;
        expect(Math.abs(o.loss - expected), `loss: ours ${o.loss}, PyTorch ${expected}`).toBeLessThanOrEqual(
          1e-5 * (1 + Math.abs(expected)),
        );
        expectClose(o.grad, r.grad as TensorJson, 'gradient of the loss');
      });
    }
  }
});
