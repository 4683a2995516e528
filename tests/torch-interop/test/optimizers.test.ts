import { Adagrad, Adam, AdamW, type Optimizer, type Parameter, RMSprop, SGD } from '@scratchnet/optimizers';
import { beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, Random, normal, tensorOf, useBackend } from '../src/backends.js';
import { expectValuesClose } from '../src/compare.js';
import {
  type Case,
  type Result,
  type TensorJson,
  json,
  resultOf,
  runReference,
  torch,
} from '../src/reference.js';

const STEPS = 6;
const SHAPES: Record<string, number[]> = { '0.weight': [4, 3], '0.bias': [4] };

/** Each optimizer and option that changes its update rule; options named as ours, sent to both sides. */
const OPTIMIZERS: [name: string, type: string, options: Record<string, unknown>][] = [
  ['SGD', 'sgd', { lr: 0.1 }],
  [
    'SGD momentum + dampening + weight decay',
    'sgd',
    { lr: 0.05, momentum: 0.9, dampening: 0.3, weightDecay: 0.01 },
  ],
  ['SGD Nesterov + weight decay', 'sgd', { lr: 0.05, momentum: 0.8, nesterov: true, weightDecay: 0.02 }],
  ['Adam', 'adam', { lr: 0.01, betas: [0.8, 0.95], eps: 1e-6 }],
  ['Adam amsgrad + weight decay', 'adam', { lr: 0.01, amsgrad: true, weightDecay: 0.05 }],
  ['AdamW', 'adamw', { lr: 0.01, weightDecay: 0.1 }],
  ['AdamW amsgrad', 'adamw', { lr: 0.02, amsgrad: true, weightDecay: 0.01, betas: [0.85, 0.99] }],
  ['RMSprop', 'rmsprop', { lr: 0.01 }],
  [
    'RMSprop centered + momentum + weight decay',
    'rmsprop',
    { lr: 0.01, alpha: 0.9, momentum: 0.5, centered: true, weightDecay: 0.01 },
  ],
  ['Adagrad', 'adagrad', { lr: 0.1 }],
  [
    'Adagrad lr decay + initial accumulator + weight decay',
    'adagrad',
    { lr: 0.1, lrDecay: 0.05, initialAccumulatorValue: 0.1, weightDecay: 0.01 },
  ],
];

function create(type: string, params: Parameter[], options: Record<string, unknown>): Optimizer {
  switch (type) {
    case 'sgd':
      return new SGD(params, options);
    case 'adam':
      return new Adam(params, options);
    case 'adamw':
      return new AdamW(params, options);
    case 'rmsprop':
      return new RMSprop(params, options);
    default:
      return new Adagrad(params, options);
  }
}

interface Ours {
  steps: Record<string, Float32Array>[];
  state: Record<string, Float32Array>;
}

const cases: Case[] = [];
const ours = new Map<string, Ours>();
let results: Record<string, Result> = {};

describe.skipIf(!torch.ok)(`optimizers against torch.optim (${STEPS} steps)`, () => {
  beforeAll(() => {
    let seed = 200;
    for (const backend of BACKENDS) {
      useBackend(backend);
      for (const [name, type, options] of OPTIMIZERS) {
        const rng = new Random(seed++);
        const names = Object.keys(SHAPES);
        const init = Object.fromEntries(names.map((n) => [n, normal(rng, SHAPES[n])]));
        const grads = Array.from({ length: STEPS }, () =>
          Object.fromEntries(names.map((n) => [n, normal(rng, SHAPES[n])])),
        );
        const params: Parameter[] = names.map((n) => ({
          name: n,
          value: tensorOf(SHAPES[n], init[n]),
          grad: tensorOf(SHAPES[n], new Float32Array(init[n].length)),
        }));
        const opt = create(type, params, options);
        const steps: Ours['steps'] = [];
        for (const g of grads) {
          for (const p of params) p.grad.data.set(g[p.name]);
          opt.step();
          steps.push(Object.fromEntries(params.map((p) => [p.name, Float32Array.from(p.value.data)])));
        }
        const slots = opt.stateDict().slots;
        const state = Object.fromEntries(
          Object.entries(slots).map(([k, t]) => [k, Float32Array.from(t.data)]),
        );
        const id = `${backend} ${name}`;
        ours.set(id, { steps, state });
        cases.push({
          id,
          kind: 'optimizer',
          optimizer: type,
          options,
          params: Object.fromEntries(names.map((n) => [n, json(init[n], SHAPES[n])])),
          grads: grads.map((g) => Object.fromEntries(names.map((n) => [n, json(g[n], SHAPES[n])]))),
        });
      }
    }
    results = runReference(cases);
  });

  for (const backend of BACKENDS) {
    for (const [name] of OPTIMIZERS) {
      it(`${name} (${backend} backend)`, () => {
        const id = `${backend} ${name}`;
        const r = resultOf(results, id);
        const o = ours.get(id) as Ours;
        const steps = r.steps as Record<string, TensorJson>[];
        expect(steps.length).toBe(STEPS);
        steps.forEach((expected, s) => {
          for (const n of Object.keys(SHAPES))
            expectValuesClose(o.steps[s][n], expected[n].data, `${n} after step ${s + 1}`);
        });
        // The optimizer's state, slot by slot under PyTorch's names.
        const state = r.state as Record<string, TensorJson>;
        expect(Object.keys(o.state).sort(), 'state slots').toEqual(Object.keys(state).sort());
        for (const [k, v] of Object.entries(o.state)) expectValuesClose(v, state[k].data, `state ${k}`);
      });
    }
  }
});
