import { describe, expect, it } from 'vitest';
import { Adam, AdamW } from '../src/index.js';
import { expectClose, param, run, onEachBackend } from './helpers.js';

onEachBackend(() => {
  describe('Adam', () => {
    it('bias correction at steps 1, 2 and 3', () => {
      const opt = new Adam([param('w', [1])], { lr: 0.1 });
      // t=1, g=2: m = 0.2, v = 0.004; m̂ = 2, v̂ = 4 → θ = 1 − 0.1·2/(2 + 1e-8) ≈ 0.9
      // t=2, g=−1: m = 0.08, v = 0.004996; m̂ = 0.08/0.19, v̂ = 0.004996/0.001999 → θ ≈ 0.8733663
      // t=3, g=0.5: m = 0.122, v = 0.005241004 → θ ≈ 0.8393234
      expectClose(run(opt, [2, -1, 0.5]), [0.9000000005, 0.8733662967024315, 0.8393233821389426]);
      const s = opt.stateDict();
      expect(s.step).toBe(3);
      expectClose(s.slots['w.exp_avg'].data, [0.122]);
      expectClose(s.slots['w.exp_avg_sq'].data, [0.005241004]);
      expect(Object.keys(s.slots).sort()).toEqual(['w.exp_avg', 'w.exp_avg_sq']);
    });

    it('AMSGrad divides by the running maximum of v (stored uncorrected)', () => {
      // betas (0.9, 0.9): t=1, g=2 → v = 0.4, θ = 0.9. t=2, g=0 → v = 0.36 < v_max = 0.4.
      // AMSGrad: θ = 0.9 − 0.1·(0.18/0.19)/√(0.4/0.19); plain Adam uses √(0.36/0.19) instead.
      const ams = new Adam([param('w', [1])], { lr: 0.1, betas: [0.9, 0.9], amsgrad: true });
      expectClose(run(ams, [2, 0]), [0.9000000005, 0.8347071384400989]);
      const s = ams.stateDict().slots;
      expectClose(s['w.max_exp_avg_sq'].data, [0.4]);
      expectClose(s['w.exp_avg_sq'].data, [0.36]);
      const plain = new Adam([param('w', [1])], { lr: 0.1, betas: [0.9, 0.9] });
      expectClose(run(plain, [2, 0]), [0.9000000005, 0.8311752808388314]);
    });

    it('weight decay is an L2 term in the gradient (and so normalised away)', () => {
      // g = 0 + 0.1·θ: the update is lr·m̂/√v̂ ≈ lr whatever λ is.
      const opt = new Adam([param('w', [1])], { lr: 0.1, weightDecay: 0.1 });
      expectClose(run(opt, [0, 0]), [0.900000009999999, 0.8004122480821506]);
    });

    it('rejects bad betas', () => {
      const ps = [param('w', [1])];
      expect(() => new Adam(ps, { betas: [1, 0.999] })).toThrow(
        'Adam: betas[0] must be a number in [0, 1), got 1',
      );
      expect(() => new Adam(ps, { betas: [0.9] as unknown as [number, number] })).toThrow(
        'Adam: betas must be a pair',
      );
      expect(() => new AdamW(ps, { eps: -1 })).toThrow('AdamW: eps must be a number ≥ 0, got -1');
    });
  });

  describe('AdamW', () => {
    it('decays the weights directly: θ ← θ·(1 − lr·λ), then the Adam step', () => {
      const opt = new AdamW([param('w', [1])], { lr: 0.1, weightDecay: 0.1 });
      // t=1, g=0: θ = 1·(1 − 0.01) = 0.99 and m = v = 0 → no Adam move.
      // t=2, g=2: θ = 0.99·0.99 = 0.9801, then − 0.1·(0.2/0.19)/(√(0.004/0.001999) + ε) ≈ 0.9056863
      expectClose(run(opt, [0, 2]), [0.99, 0.9056863181693544]);
    });

    it('defaults to weight decay 0.01 and reports type adamw', () => {
      const opt = new AdamW([param('w', [1])]);
      expect(opt.getConfig()).toEqual({
        type: 'adamw',
        lr: 1e-3,
        decay: 0,
        betas: [0.9, 0.999],
        eps: 1e-8,
        weightDecay: 0.01,
        amsgrad: false,
      });
      expect(new Adam([param('w', [1])]).getConfig().weightDecay).toBe(0);
    });
  });
});
