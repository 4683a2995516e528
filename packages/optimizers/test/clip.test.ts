import { getBackend } from '@scratchnet/tensor';
import { describe, expect, it, vi } from 'vitest';
import { SGD, clipGradNorm } from '../src/index.js';
import { expectClose, param, onEachBackend } from './helpers.js';

onEachBackend(() => {
  describe('clipGradNorm', () => {
    it('scales every gradient by maxNorm / (‖g‖ + 1e-6) and returns ‖g‖', () => {
      const a = param('a', [0, 0], [3, 4]);
      const b = param('b', [0], [12]);
      expect(clipGradNorm([a, b], 6.5)).toBeCloseTo(13, 12); // √(9 + 16 + 144)
      const c = 6.5 / (13 + 1e-6);
      expectClose(a.grad.data, [3 * c, 4 * c]);
      expectClose(b.grad.data, [12 * c]);
      expect(clipGradNorm([a, b], 6.5)).toBeCloseTo(6.5, 5); // now within the bound
    });

    it('leaves gradients under the bound untouched', () => {
      const a = param('a', [0, 0], [3, 4]);
      expect(clipGradNorm([a], 5.1)).toBeCloseTo(5, 12);
      expect(Array.from(a.grad.data)).toEqual([3, 4]);
    });

    it('non-finite norms: an error only when asked for, as PyTorch', () => {
      const a = param('a', [0, 0], [Number.NaN, 1]);
      expect(() => clipGradNorm([a], 1, { errorIfNonfinite: true })).toThrow(
        'clipGradNorm: the total gradient norm is NaN',
      );
      expect(clipGradNorm([a], 1)).toBeNaN();
      expect(() => clipGradNorm([a], -1)).toThrow('clipGradNorm: maxNorm must be a number ≥ 0, got -1');
    });

    it('allocates no storage after the first call', () => {
      const a = param('a', [0, 0], [3, 4]);
      clipGradNorm([a], 1);
      const spy = vi.spyOn(getBackend(), 'allocate');
      a.grad.data.set([30, 40]);
      clipGradNorm([a], 1);
      expect(spy).not.toHaveBeenCalled();
      spy.mockRestore();
      expectClose(a.grad.data, [0.6 * (50 / (50 + 1e-6)), 0.8 * (50 / (50 + 1e-6))]);
    });

    it('optimizers clip before each step with maxGradNorm', () => {
      const p = param('w', [0, 0], [30, 40]);
      const opt = new SGD([p], { lr: 1, maxGradNorm: 5 });
      expect(opt.lastGradNorm).toBeNaN();
      opt.step(); // ‖g‖ = 50 → g·5/(50 + 1e-6), θ = −g
      expect(opt.lastGradNorm).toBe(50);
      const c = 5 / (50 + 1e-6);
      expectClose(p.value.data, [-30 * c, -40 * c]);
      expect(opt.getConfig().maxGradNorm).toBe(5);
      expect(new SGD([p]).getConfig()).not.toHaveProperty('maxGradNorm');
      expect(() => new SGD([p], { maxGradNorm: -1 })).toThrow(
        'SGD: maxGradNorm must be a number ≥ 0, got -1',
      );
    });
  });
});
