import type { Random } from '../random.js';
import type { Tensor } from '../tensor.js';
import { assertFloat, assertNoAlias, expectShape } from './check.js';
import { bernoulliMask } from './bernoulli-mask.js';
import { defineKernel } from './kernel.js';

/** Arguments of {@link dropout}: mask ← Bernoulli mask (as {@link bernoulliMask}), out ← x·mask. */
export interface DropoutArgs {
  /** The input. */
  x: Tensor;
  /** x's shape; written: 0 with probability p, else `scale` (kept for the backward pass). */
  mask: Tensor;
  /** x's shape; may be x itself. */
  out: Tensor;
  /** Probability of a 0, in [0, 1]. */
  p: number;
  /** The value of the kept elements (1/(1 − p) for inverted dropout). */
  scale: number;
  /** Drawn from: one `uniform()` per element when 0 < p < 1. */
  rng: Random;
}

/**
 * Dropout's forward pass in one kernel: the mask drawn exactly as {@link bernoulliMask} draws it (one
 * `rng.uniform()` per element in element order; none for p = 0 or 1), and x multiplied by it.
 */
export const dropout = defineKernel<DropoutArgs>('dropout', {
  validate(args) {
    const { x, mask, out } = args;
    assertFloat('dropout', 'x', x);
    assertFloat('dropout', 'out', out);
    bernoulliMask.validate(args);
    expectShape('dropout', 'mask', mask, x.shape);
    expectShape('dropout', 'out', out, x.shape);
    assertNoAlias('dropout', out, x, 'x', true);
    assertNoAlias('dropout', mask, x, 'x', false, 'mask');
    assertNoAlias('dropout', mask, out, 'out', false, 'mask');
  },
  reference(args) {
    bernoulliMask.reference(args);
    const xd = args.x.data;
    const md = args.mask.data;
    const od = args.out.data;
    for (let i = 0; i < od.length; i++) od[i] = xd[i] * md[i];
  },
});
