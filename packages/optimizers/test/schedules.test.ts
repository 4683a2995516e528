import { describe, expect, it } from 'vitest';
import {
  CosineAnnealingLR,
  CosineWarmRestarts,
  ExponentialLR,
  LinearWarmup,
  MultiStepLR,
  SGD,
  type ScheduleConfig,
  StepLR,
  createSchedule,
} from '../src/index.js';
import { param, run } from './helpers.js';

describe('schedules at their boundaries', () => {
  it('StepLR: decays by γ every stepSize steps', () => {
    const s = new StepLR({ stepSize: 3, gamma: 0.5 });
    expect([0, 2, 3, 5, 6, 9].map((t) => s.rate(t, 0.8))).toEqual([0.8, 0.8, 0.4, 0.4, 0.2, 0.1]);
    expect(new StepLR({ stepSize: 1 }).gamma).toBe(0.1); // PyTorch's default
  });

  it('MultiStepLR: decays at each milestone', () => {
    const s = new MultiStepLR({ milestones: [2, 5], gamma: 0.5 });
    expect([0, 1, 2, 4, 5, 100].map((t) => s.rate(t, 1))).toEqual([1, 1, 0.5, 0.5, 0.25, 0.25]);
    expect(() => new MultiStepLR({ milestones: [5, 5] })).toThrow(
      'MultiStepLR: milestones[1] must be an integer ≥ 6, got 5',
    );
  });

  it('ExponentialLR: lr_0·γ^t', () => {
    const s = new ExponentialLR({ gamma: 0.5 });
    expect([0, 1, 2, 10].map((t) => s.rate(t, 1))).toEqual([1, 0.5, 0.25, 1 / 1024]);
  });

  it('CosineAnnealingLR: from lr_0 to etaMin over tMax steps, then holds', () => {
    const s = new CosineAnnealingLR({ tMax: 10, etaMin: 0.1 });
    expect(s.rate(0, 1)).toBe(1);
    expect(s.rate(5, 1)).toBeCloseTo(0.55, 15); // halfway: (lr_0 + η_min)/2
    expect(s.rate(9, 1)).toBeCloseTo(0.1 + 0.45 * (1 + Math.cos((9 * Math.PI) / 10)), 15);
    expect(s.rate(10, 1)).toBe(0.1);
    expect(s.rate(1000, 1)).toBe(0.1);
  });

  it('CosineWarmRestarts: cycles of t0·tMult^i steps, restarting at lr_0', () => {
    const s = new CosineWarmRestarts({ t0: 10, tMult: 2 }); // cycles [0, 10), [10, 30), [30, 70)
    expect(s.rate(0, 1)).toBe(1);
    expect(s.rate(5, 1)).toBeCloseTo(0.5, 15);
    expect(s.rate(9, 1)).toBeCloseTo(0.5 * (1 + Math.cos((9 * Math.PI) / 10)), 15);
    expect(s.rate(10, 1)).toBe(1);
    expect(s.rate(20, 1)).toBeCloseTo(0.5, 15);
    expect(s.rate(29, 1)).toBeCloseTo(0.5 * (1 + Math.cos((19 * Math.PI) / 20)), 15);
    expect(s.rate(30, 1)).toBe(1);
    expect(s.rate(50, 1)).toBeCloseTo(0.5, 15);
    const flat = new CosineWarmRestarts({ t0: 4, etaMin: 0.2 });
    expect([0, 2, 4, 6, 8].map((t) => flat.rate(t, 1))).toEqual([
      1, 0.6000000000000001, 1, 0.6000000000000001, 1,
    ]);
  });

  it('LinearWarmup: from startFactor·lr_0 to lr_0, then the following schedule from its own step 0', () => {
    const s = new LinearWarmup({
      steps: 4,
      startFactor: 0.2,
      after: { type: 'step', stepSize: 2, gamma: 0.5 },
    });
    expect([0, 1, 3].map((t) => s.rate(t, 1))).toEqual([0.2, 0.4, 0.8]);
    expect([4, 5, 6, 8].map((t) => s.rate(t, 1))).toEqual([1, 1, 0.5, 0.25]);
    const plain = new LinearWarmup({ steps: 3 });
    expect(plain.rate(0, 0.3)).toBeCloseTo(0.1, 15); // PyTorch LinearLR's default start factor 1/3
    expect(plain.rate(3, 0.3)).toBe(0.3);
    expect(plain.rate(300, 0.3)).toBe(0.3);
  });

  it('configs round-trip through JSON', () => {
    const configs: ScheduleConfig[] = [
      { type: 'step', stepSize: 3, gamma: 0.5 },
      { type: 'multiStep', milestones: [2, 7], gamma: 0.3 },
      { type: 'exponential', gamma: 0.99 },
      { type: 'cosine', tMax: 100, etaMin: 1e-4 },
      { type: 'cosineWarmRestarts', t0: 5, tMult: 3, etaMin: 0 },
      { type: 'warmup', steps: 10, startFactor: 0.1, after: { type: 'cosine', tMax: 90, etaMin: 0 } },
    ];
    for (const c of configs) {
      const s = createSchedule(JSON.parse(JSON.stringify(c)));
      expect(s.getConfig()).toEqual(c);
      for (const t of [0, 1, 7, 33, 250]) expect(s.rate(t, 0.1)).toBe(createSchedule(c).rate(t, 0.1));
    }
  });

  it('bad configs say what is wrong', () => {
    expect(() => createSchedule({ type: 'linear' } as unknown as ScheduleConfig)).toThrow(
      "createSchedule: unknown schedule type 'linear' (expected step, multiStep, exponential, cosine, cosineWarmRestarts, warmup, epochs, scaled)",
    );
    expect(() => new StepLR({ stepSize: 0 })).toThrow('StepLR: stepSize must be an integer ≥ 1, got 0');
    expect(() => new CosineAnnealingLR({ tMax: 2.5 })).toThrow(
      'CosineAnnealingLR: tMax must be an integer ≥ 1',
    );
    expect(() => new LinearWarmup({ steps: 5, startFactor: 0 })).toThrow(
      'LinearWarmup: startFactor must be a number in (0, 1], got 0',
    );
    expect(() => new CosineWarmRestarts({ t0: 5, tMult: 1.5 })).toThrow('tMult must be an integer ≥ 1');
  });
});

describe('schedules in an optimizer', () => {
  it('the step uses learningRate = schedule(t) / (1 + decay·t)', () => {
    // SGD without momentum on g = 1 moves θ by exactly the rate of each step.
    const opt = new SGD([param('w', [0])], {
      lr: 1,
      decay: 1,
      schedule: { type: 'step', stepSize: 2, gamma: 0.5 },
    });
    const rates: number[] = [];
    for (let t = 0; t < 4; t++) {
      rates.push(opt.learningRate);
      run(opt, [1]);
    }
    // t: 0 → 1/1, 1 → 1/2, 2 → 0.5/3, 3 → 0.5/4
    expect(rates).toEqual([1, 0.5, 0.5 / 3, 0.125]);
    expect(opt.params[0].value.data[0]).toBeCloseTo(-(1 + 0.5 + 0.5 / 3 + 0.125), 6);
    expect(opt.getConfig().schedule).toEqual({ type: 'step', stepSize: 2, gamma: 0.5 });
  });

  it('accepts a schedule object', () => {
    const opt = new SGD([param('w', [0])], { lr: 0.1, schedule: new ExponentialLR({ gamma: 0.5 }) });
    run(opt, [1, 1]);
    expect(opt.learningRate).toBeCloseTo(0.025, 15);
    expect(opt.getConfig().schedule).toEqual({ type: 'exponential', gamma: 0.5 });
  });
});
