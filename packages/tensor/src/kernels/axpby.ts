import type { Tensor } from '../tensor.js';
import { assertFloat, assertNoAlias, expectShape } from './check.js';
import { defineKernel } from './kernel.js';

/** Arguments of {@link axpby}: out ← α·x + β·y. */
export interface AxpbyArgs {
  alpha: number;
  x: Tensor;
  beta: number;
  /** Same shape as x; β = 0 ignores its contents (even NaN). */
  y: Tensor;
  /** Same shape; may be x or y itself. */
  out: Tensor;
}

/** out ← α·x + β·y elementwise (BLAS axpby, with an output; PyTorch `torch.add(y·β, x, alpha=α)`). */
export const axpby = defineKernel<AxpbyArgs>('axpby', {
  validate({ x, y, out }) {
    assertFloat('axpby', 'x', x);
    assertFloat('axpby', 'y', y);
    assertFloat('axpby', 'out', out);
    expectShape('axpby', 'y', y, x.shape);
    expectShape('axpby', 'out', out, x.shape);
    assertNoAlias('axpby', out, x, 'x', true);
    assertNoAlias('axpby', out, y, 'y', true);
  },
  reference({ alpha, x, beta, y, out }) {
    const xd = x.data;
    const yd = y.data;
    const od = out.data;
    const n = out.size;
    if (beta === 0) for (let i = 0; i < n; i++) od[i] = alpha * xd[i];
    else for (let i = 0; i < n; i++) od[i] = alpha * xd[i] + beta * yd[i];
  },
});
