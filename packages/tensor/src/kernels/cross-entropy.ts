import { ShapeError, formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { assertFloat, assertNoAlias, expectShape } from './check.js';
import { defineKernel } from './kernel.js';

/** Arguments of {@link crossEntropy}. */
export interface CrossEntropyArgs {
  /** [N, K] probabilities */
  probs: Tensor;
  /** [N, K] target distributions (one-hot rows for class labels) */
  target: Tensor;
  /** [N, K] or null: written with d(mean loss)/d(probs) = −t / (N·clip(p)) */
  grad: Tensor | null;
  /** Probabilities are clipped to [ε, 1 − ε]. */
  epsilon: number;
}

/**
 * Mean over rows of −Σ_k t·log clip(p) (Keras `CategoricalCrossentropy` on probabilities), with its
 * gradient; clipping keeps a confident mistake large but finite.
 */
export const crossEntropy = defineKernel<CrossEntropyArgs, number>('crossEntropy', {
  validate({ probs, target, grad, epsilon }) {
    assertFloat('crossEntropy', 'probs', probs);
    assertFloat('crossEntropy', 'target', target);
    if (probs.rank !== 2)
      throw new ShapeError(`crossEntropy: expects probs [N, K], got ${formatShape(probs.shape)}`);
    expectShape('crossEntropy', 'target', target, probs.shape);
    if (grad !== null) {
      assertFloat('crossEntropy', 'grad', grad);
      expectShape('crossEntropy', 'grad', grad, probs.shape);
      assertNoAlias('crossEntropy', grad, probs, 'probs', false, 'grad');
    }
    if (!(epsilon >= 0 && epsilon < 0.5))
      throw new RangeError(`crossEntropy: epsilon must be in [0, 0.5), got ${epsilon}`);
  },
  reference({ probs, target, grad, epsilon }) {
    const n = probs.shape[0];
    const p = probs.data;
    const t = target.data;
    const g = grad?.data;
    const lo = epsilon;
    const hi = 1 - epsilon;
    let sum = 0;
    for (let j = 0; j < p.length; j++) {
      const pc = Math.min(Math.max(p[j], lo), hi);
      // t = 0 contributes nothing (and 0·log(ε) must not be computed as 0·(−Inf) when ε = 0).
      if (t[j] !== 0) sum -= t[j] * Math.log(pc);
      if (g !== undefined) g[j] = t[j] === 0 ? 0 : -t[j] / (n * pc);
    }
    return sum / n;
  },
});
