import { describe, expect, it } from 'vitest';
import { SGD } from '../src/index.js';
import { expectClose, param, run, onEachBackend } from './helpers.js';

onEachBackend(() => {
  describe('SGD', () => {
    it('plain: θ ← θ − lr·g', () => {
      const p = param('w', [1, -2], [0.5, 1]);
      const opt = new SGD([p], { lr: 0.1 });
      opt.step(); // [1 − 0.05, −2 − 0.1]
      expectClose(p.value.data, [0.95, -2.1]);
      opt.step();
      expectClose(p.value.data, [0.9, -2.2]);
      expect(opt.stepCount).toBe(2);
      expect(opt.stateDict().slots).toEqual({}); // no momentum: no slot
    });

    it('momentum: the first step sets the buffer to the gradient', () => {
      const opt = new SGD([param('w', [1])], { lr: 0.1, momentum: 0.9 });
      // b1 = g = 1 → θ = 0.9; b2 = 0.9·1 + 1 = 1.9 → θ = 0.71; b3 = 0.9·1.9 + 0.5 = 2.21 → θ = 0.489
      expectClose(run(opt, [1, 1, 0.5]), [0.9, 0.71, 0.489]);
      expectClose(opt.stateDict().slots['w.momentum_buffer'].data, [2.21]);
    });

    it('dampening applies from the second step on', () => {
      const opt = new SGD([param('w', [1])], { lr: 0.1, momentum: 0.9, dampening: 0.5 });
      // b1 = g = 1 (undampened) → θ = 0.9; b2 = 0.9·1 + 0.5·1 = 1.4 → θ = 0.76
      expectClose(run(opt, [1, 1]), [0.9, 0.76]);
    });

    it('Nesterov: θ ← θ − lr·(g + μ·b)', () => {
      const opt = new SGD([param('w', [1])], { lr: 0.1, momentum: 0.9, nesterov: true });
      // b1 = 1, g' = 1 + 0.9 = 1.9 → θ = 0.81; b2 = 0.9 + 1 = 1.9, g' = 1 + 1.71 = 2.71 → θ = 0.539
      expectClose(run(opt, [1, 1]), [0.81, 0.539]);
    });

    it('weight decay is added to the gradient (L2, coupled)', () => {
      const opt = new SGD([param('w', [1])], { lr: 0.1, weightDecay: 0.1 });
      // g' = 1 + 0.1·1 = 1.1 → θ = 0.89; g' = 1 + 0.089 = 1.089 → θ = 0.7811
      expectClose(run(opt, [1, 1]), [0.89, 0.7811]);
    });

    it('NNFS decay: lr_t = lr_0 / (1 + decay·t)', () => {
      const opt = new SGD([param('w', [0])], { lr: 1, decay: 0.5 });
      expect(opt.learningRate).toBe(1);
      // t = 0: lr 1 → θ = −1; t = 1: lr 1/1.5 → θ = −5/3; t = 2: lr 1/2 → θ = −13/6
      expectClose(run(opt, [1, 1, 1]), [-1, -5 / 3, -13 / 6]);
      expect(opt.learningRate).toBeCloseTo(1 / 2.5, 15);
    });

    it('decay and momentum together (the trainer default recipe)', () => {
      const opt = new SGD([param('w', [1])], { lr: 0.1, momentum: 0.9, decay: 1 });
      // b1 = 1, lr 0.1 → θ = 0.9; b2 = 1.9, lr 0.05 → θ = 0.805
      expectClose(run(opt, [1, 1]), [0.9, 0.805]);
    });

    it('defaults and config', () => {
      const opt = new SGD([param('w', [1])]);
      expect(opt.getConfig()).toEqual({
        type: 'sgd',
        lr: 1e-3,
        decay: 0,
        momentum: 0,
        dampening: 0,
        nesterov: false,
        weightDecay: 0,
      });
    });

    it('rejects bad options with clear errors', () => {
      const ps = [param('w', [1])];
      expect(() => new SGD(ps, { lr: -1 })).toThrow('SGD: lr must be a number ≥ 0, got -1');
      expect(() => new SGD(ps, { momentum: Number.NaN })).toThrow(
        'SGD: momentum must be a number ≥ 0, got NaN',
      );
      expect(() => new SGD(ps, { nesterov: true })).toThrow(
        'SGD: Nesterov momentum requires a momentum > 0 and zero dampening',
      );
      expect(() => new SGD(ps, { momentum: 0.9, dampening: 0.1, nesterov: true })).toThrow('Nesterov');
      expect(() => new SGD([], {})).toThrow('SGD: got an empty parameter list');
      expect(() => new SGD([param('w', [1]), param('w', [2])])).toThrow("parameter name 'w' appears twice");
      const bad = param('w', [1, 2]);
      bad.grad = param('g', [1, 2, 3]).value;
      expect(() => new SGD([bad])).toThrow("SGD: parameter 'w' has value [2] but grad [3]");
    });
  });
});
