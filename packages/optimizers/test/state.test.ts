import { Random, Tensor, getBackend } from '@scratchnet/tensor';
import { describe, expect, it, vi } from 'vitest';
import {
  type OptimizerSpec,
  type OptimizerState,
  type Parameter,
  SGD,
  createOptimizer,
} from '../src/index.js';
import { param, onEachBackend } from './helpers.js';

// Every optimizer with every slot it can have, plus decay and a schedule, so the step count and all
// state matter to the result.
const SPECS: OptimizerSpec[] = [
  { type: 'sgd', lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-3, decay: 0.01 },
  {
    type: 'sgd',
    lr: 0.1,
    momentum: 0.5,
    dampening: 0.3,
    schedule: { type: 'step', stepSize: 3, gamma: 0.5 },
  },
  {
    type: 'adam',
    lr: 0.01,
    amsgrad: true,
    weightDecay: 0.01,
    schedule: {
      type: 'warmup',
      steps: 3,
      startFactor: 0.1,
      after: { type: 'cosine', tMax: 10, etaMin: 1e-4 },
    },
  },
  { type: 'adamw', lr: 0.01, decay: 0.1, maxGradNorm: 1 },
  { type: 'rmsprop', lr: 0.01, momentum: 0.9, centered: true, weightDecay: 1e-3 },
  { type: 'adagrad', lr: 0.1, lrDecay: 0.05, initialAccumulatorValue: 0.1, decay: 0.01 },
];

/** A small model's parameters: a [2, 3] weight and a [2] bias, with seeded values. */
function makeParams(): Parameter[] {
  const rng = new Random(7);
  const w = param(
    '0.weight',
    Array.from({ length: 6 }, () => rng.normal()),
    undefined,
    [2, 3],
  );
  const b = param('0.bias', [rng.normal(), rng.normal()]);
  return [w, b];
}

/** Gradients that depend on the step and on the current values, as real ones do. */
function setGrads(params: Parameter[], t: number): void {
  const rng = new Random(100 + t);
  for (const p of params) {
    const v = p.value.data;
    const g = p.grad.data;
    for (let i = 0; i < g.length; i++) g[i] = v[i] * 0.5 + rng.normal();
  }
}

function train(opt: ReturnType<typeof createOptimizer>, from: number, to: number): void {
  for (let t = from; t < to; t++) {
    setGrads(opt.params as Parameter[], t);
    opt.step();
  }
}

const values = (params: readonly Parameter[]) => params.map((p) => Array.from(p.value.data));

// Tensors are compared by shape and values: deep equality would walk a backend's whole memory.
const plain = (s: OptimizerState) => ({
  type: s.type,
  step: s.step,
  slots: Object.entries(s.slots).map(([k, t]) => [k, t.shape, Array.from(t.data)]),
});

onEachBackend(() => {
  describe('state dict', () => {
    it.each(SPECS)('resuming continues bit-identically: %j', (spec) => {
      const straight = createOptimizer(spec, makeParams());
      train(straight, 0, 12);

      const first = createOptimizer(spec, makeParams());
      train(first, 0, 5);
      // What a checkpoint keeps: the config as JSON, the weights and the optimizer state.
      const config = JSON.parse(JSON.stringify(first.getConfig()));
      const state = first.stateDict();
      const weights = values(first.params);
      const lrAtSave = first.learningRate;
      train(first, 5, 7); // keep training the first one: the snapshot must not change

      const params = makeParams();
      params.forEach((p, i) => {
        p.value.data.set(weights[i]);
      });
      const resumed = createOptimizer(config, params);
      resumed.loadStateDict(state);
      expect(resumed.stepCount).toBe(5);
      expect(resumed.learningRate).toBe(lrAtSave);
      train(resumed, 5, 12);
      expect(values(resumed.params)).toEqual(values(straight.params));
      expect(resumed.learningRate).toBe(straight.learningRate);
      expect(resumed.getConfig()).toEqual(straight.getConfig());
    });

    it('keys slots by parameter name and PyTorch slot name', () => {
      const keys = (spec: OptimizerSpec) =>
        Object.keys(createOptimizer(spec, makeParams()).stateDict().slots).sort();
      expect(keys({ type: 'sgd', momentum: 0.9 })).toEqual([
        '0.bias.momentum_buffer',
        '0.weight.momentum_buffer',
      ]);
      expect(keys({ type: 'adam', amsgrad: true })).toEqual([
        '0.bias.exp_avg',
        '0.bias.exp_avg_sq',
        '0.bias.max_exp_avg_sq',
        '0.weight.exp_avg',
        '0.weight.exp_avg_sq',
        '0.weight.max_exp_avg_sq',
      ]);
      expect(keys({ type: 'rmsprop' })).toEqual(['0.bias.square_avg', '0.weight.square_avg']);
      expect(keys({ type: 'adagrad' })).toEqual(['0.bias.sum', '0.weight.sum']);
      const s = createOptimizer({ type: 'adamw' }, makeParams()).stateDict();
      expect(s.type).toBe('adamw');
      expect(s.step).toBe(0);
      expect(s.slots['0.weight.exp_avg'].shape).toEqual([2, 3]);
    });

    it('loading validates type, step, names and shapes, and changes nothing on error', () => {
      const opt = createOptimizer({ type: 'adam' }, makeParams());
      train(opt, 0, 2);
      const good = opt.stateDict();
      const before = plain(opt.stateDict());
      const load = (s: OptimizerState) => () => opt.loadStateDict(s);
      expect(load({ ...good, type: 'sgd' })).toThrow(
        "Adam.loadStateDict: the state is of a 'sgd' optimizer, not 'adam'",
      );
      expect(load({ ...good, step: -1 })).toThrow(
        'Adam.loadStateDict: step must be a non-negative integer, got -1',
      );
      const { '0.bias.exp_avg': _, ...missing } = good.slots;
      expect(load({ ...good, slots: missing })).toThrow("Adam.loadStateDict: missing slot '0.bias.exp_avg'");
      expect(load({ ...good, slots: { ...good.slots, '1.weight.exp_avg': Tensor.fromArray([1]) } })).toThrow(
        "Adam.loadStateDict: unexpected slot '1.weight.exp_avg': there is no parameter '1.weight'",
      );
      expect(
        load({ ...good, slots: { ...good.slots, '0.weight.exp_avg': Tensor.fromArray([1, 2, 3, 4, 5, 6]) } }),
      ).toThrow(
        "Adam.loadStateDict: slot '0.weight.exp_avg' has shape [6], but the parameter has shape [2, 3]",
      );
      expect(plain(opt.stateDict())).toEqual(before);
      expect(load({ ...good, slots: { ...good.slots, '0.weight.sum': Tensor.fromArray([1]) } })).toThrow(
        "Adam.loadStateDict: unexpected slot '0.weight.sum': this adam optimizer keeps no 'sum' (its slots: exp_avg, exp_avg_sq)",
      );
      expect(opt.stepCount).toBe(2);
      const sgd = new SGD(makeParams(), { lr: 0.1 });
      expect(() =>
        sgd.loadStateDict({
          type: 'sgd',
          step: 3,
          slots: { '0.weight.momentum_buffer': Tensor.fromArray([1]) },
        }),
      ).toThrow(
        "SGD.loadStateDict: unexpected slot '0.weight.momentum_buffer': this sgd optimizer keeps no 'momentum_buffer' (its slots: none)",
      );
    });

    it('a step allocates no storage', () => {
      for (const spec of SPECS) {
        const opt = createOptimizer(spec, makeParams());
        train(opt, 0, 1);
        const spy = vi.spyOn(getBackend(), 'allocate');
        train(opt, 1, 4);
        expect(spy).not.toHaveBeenCalled();
        spy.mockRestore();
      }
    });

    it('zeroGrad zeroes every gradient', () => {
      const opt = createOptimizer({ type: 'sgd' }, makeParams());
      setGrads(opt.params as Parameter[], 0);
      opt.zeroGrad();
      for (const p of opt.params) expect(Array.from(p.grad.data).every((g) => g === 0)).toBe(true);
    });
  });

  describe('createOptimizer', () => {
    it('builds each type with its defaults', () => {
      expect(createOptimizer({ type: 'rmsprop' }, makeParams()).getConfig()).toEqual({
        type: 'rmsprop',
        lr: 0.01,
        decay: 0,
        alpha: 0.99,
        eps: 1e-8,
        weightDecay: 0,
        momentum: 0,
        centered: false,
      });
      expect(createOptimizer({ type: 'adagrad' }, makeParams()).getConfig()).toEqual({
        type: 'adagrad',
        lr: 0.01,
        decay: 0,
        lrDecay: 0,
        weightDecay: 0,
        initialAccumulatorValue: 0,
        eps: 1e-10,
      });
    });

    it('rejects unknown types and options', () => {
      expect(() => createOptimizer({ type: 'lion' } as unknown as OptimizerSpec, makeParams())).toThrow(
        "createOptimizer: unknown optimizer type 'lion' (expected sgd, adam, adamw, rmsprop, adagrad)",
      );
      expect(() => createOptimizer({ type: 'sgd', momentun: 0.9 } as OptimizerSpec, makeParams())).toThrow(
        "createOptimizer: unknown option 'momentun' for 'sgd' (expected lr, decay, schedule, maxGradNorm, momentum, dampening, nesterov, weightDecay)",
      );
    });
  });
});
