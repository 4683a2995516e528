import { describe, expect, it } from 'vitest';
import { Adagrad, RMSprop } from '../src/index.js';
import { expectClose, param, run, onEachBackend } from './helpers.js';

onEachBackend(() => {
  describe('RMSprop', () => {
    it('plain: θ ← θ − lr·g/(√v + ε)', () => {
      const opt = new RMSprop([param('w', [1])]); // lr 0.01, α 0.99
      // v = 0.01·4 = 0.04 → θ = 1 − 0.01·2/0.2 = 0.9; v = 0.0796 → θ = 0.9 − 0.02/√0.0796
      expectClose(run(opt, [2, 2]), [0.9000000049999998, 0.8291118870117289]);
      expectClose(opt.stateDict().slots['w.square_avg'].data, [0.0796]);
    });

    it('centered with momentum', () => {
      const opt = new RMSprop([param('w', [1])], { momentum: 0.9, centered: true });
      // t=1, g=2: v = 0.04, ḡ = 0.02, ṽ = 0.0396; b = 2/(√0.0396 + ε) → θ ≈ 0.8994962
      // t=2, g=1: v = 0.0496, ḡ = 0.0298, ṽ = 0.0496 − 0.0298²; b = 0.9·b + 1/√ṽ ≈ 13.5762 → θ ≈ 0.7637341
      expectClose(run(opt, [2, 1]), [0.8994962235245836, 0.7637340645461742]);
      const s = opt.stateDict().slots;
      expect(Object.keys(s).sort()).toEqual(['w.grad_avg', 'w.momentum_buffer', 'w.square_avg']);
      expectClose(s['w.grad_avg'].data, [0.0298]);
      expectClose(s['w.momentum_buffer'].data, [13.576215897840935], 1e-6);
    });

    it('weight decay enters the gradient', () => {
      const opt = new RMSprop([param('w', [1])], { weightDecay: 0.5 });
      expectClose(run(opt, [2, 1]), [0.9000000039999999, 0.8496394241028282]);
    });
  });

  describe('Adagrad', () => {
    it('accumulates squared gradients', () => {
      const opt = new Adagrad([param('w', [1])], { lr: 0.1 });
      // s = 4 → θ = 1 − 0.1·2/2 = 0.9; s = 5 → θ = 0.9 − 0.1/√5
      expectClose(run(opt, [2, 1]), [0.900000000005, 0.8552786404570042]);
      expectClose(opt.stateDict().slots['w.sum'].data, [5]);
    });

    it('lrDecay: γ̃ = γ/(1 + (t − 1)·η)', () => {
      const opt = new Adagrad([param('w', [1])], { lr: 0.1, lrDecay: 0.5 });
      // t=2: γ̃ = 0.1/1.5 → θ = 0.9 − (0.1/1.5)/√5; t=3: γ̃ = 0.05, s = 6 → θ −= 0.05/√6
      expectClose(run(opt, [2, 1, 1]), [0.900000000005, 0.8701857603063362, 0.8497733457839763]);
    });

    it('initial accumulator value and weight decay', () => {
      const opt = new Adagrad([param('w', [1])], { lr: 0.1, initialAccumulatorValue: 0.1, weightDecay: 0.5 });
      expectClose(opt.stateDict().slots['w.sum'].data, [0.1]);
      // g = 2 + 0.5 = 2.5, s = 6.35 → θ = 1 − 0.25/√6.35
      expectClose(run(opt, [2, 1]), [0.9007905262373689, 0.850906174462306]);
    });
  });
});
