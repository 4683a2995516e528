import { describe, expect, it } from 'vitest';
import {
  EpochSchedule,
  SGD,
  ScaledLR,
  StepLR,
  createOptimizer,
  createSchedule,
  inEpochs,
} from '../src/index.js';
import { param } from './helpers.js';

describe('EpochSchedule', () => {
  it('StepLR in epochs changes exactly at epoch boundaries', () => {
    // 4 batches an epoch, halve every 2 epochs: steps 0–7 at 1, 8–15 at 0.5, 16– at 0.25
    const s = new EpochSchedule({ stepsPerEpoch: 4, schedule: { type: 'step', stepSize: 2, gamma: 0.5 } });
    expect([0, 7, 8, 15, 16].map((t) => s.rate(t, 1))).toEqual([1, 1, 0.5, 0.5, 0.25]);
    // the same as the step form with stepSize 2·4
    const steps = new StepLR({ stepSize: 8, gamma: 0.5 });
    for (let t = 0; t < 40; t++) expect(s.rate(t, 1)).toBe(steps.rate(t, 1));
  });

  it('multi-step milestones in epochs', () => {
    const s = createSchedule(inEpochs({ type: 'multiStep', milestones: [1, 3], gamma: 0.1 }, 10));
    expect([9, 10, 29, 30].map((t) => s.rate(t, 1))).toEqual([1, 0.1, 0.1, 0.1 * 0.1]);
  });

  it('cosine over epochs moves every batch: half-way is half the rate', () => {
    const s = createSchedule(inEpochs({ type: 'cosine', tMax: 2, etaMin: 0 }, 5));
    expect(s.rate(0, 0.2)).toBe(0.2);
    expect(s.rate(5, 0.2)).toBeCloseTo(0.1, 15); // 1 of 2 epochs
    expect(s.rate(1, 0.2)).toBeCloseTo(0.1 * (1 + Math.cos(Math.PI * 0.1)), 15); // 0.2 epochs
    expect(s.rate(10, 0.2)).toBe(0);
  });

  it('round-trips its config and validates stepsPerEpoch', () => {
    const config = inEpochs({ type: 'exponential', gamma: 0.5 }, 3);
    const s = createSchedule(config);
    expect(s.getConfig()).toEqual(config);
    expect(s.rate(3, 1)).toBeCloseTo(0.5, 15);
    expect(() => createSchedule(inEpochs({ type: 'exponential', gamma: 0.5 }, 0))).toThrow(
      'EpochSchedule: stepsPerEpoch must be an integer ≥ 1, got 0',
    );
  });
});

describe('ScaledLR', () => {
  it('multiplies the inner schedule (or the base rate) by its settable scale', () => {
    const s = new ScaledLR({ schedule: { type: 'step', stepSize: 2, gamma: 0.5 } });
    expect(s.rate(2, 0.8)).toBe(0.4);
    s.scale = 0.25;
    expect(s.rate(2, 0.8)).toBe(0.1);
    expect(new ScaledLR({ scale: 0.5 }).rate(100, 0.8)).toBe(0.4);
    expect(() => {
      s.scale = -1;
    }).toThrow('ScaledLR: scale must be a number ≥ 0, got -1');
  });

  it("puts the current scale in the optimizer's config, so a rebuilt optimizer continues with it", () => {
    const p = param('w', [1, 2]);
    const opt = new SGD([p], { lr: 0.1, schedule: new ScaledLR() });
    expect(opt.learningRate).toBe(0.1);
    (opt.schedule as ScaledLR).scale = 0.1;
    expect(opt.learningRate).toBeCloseTo(0.01, 15);
    const config = JSON.parse(JSON.stringify(opt.getConfig()));
    expect(config.schedule).toEqual({ type: 'scaled', scale: 0.1 });
    const again = createOptimizer(config, [param('w', [1, 2])]);
    expect(again.learningRate).toBe(opt.learningRate);
  });
});
