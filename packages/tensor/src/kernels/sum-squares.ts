import type { Tensor } from '../tensor.js';
import { assertFloat } from './check.js';
import { defineKernel } from './kernel.js';

/** Arguments of {@link sumSquares}. */
export interface SumSquaresArgs {
  x: Tensor;
}

/** Σ x², accumulated in float64 (gradient norms). */
export const sumSquares = defineKernel<SumSquaresArgs, number>('sumSquares', {
  validate({ x }) {
    assertFloat('sumSquares', 'x', x);
  },
  reference({ x }) {
    const xd = x.data;
    let s = 0;
    for (let i = 0; i < xd.length; i++) s += xd[i] * xd[i];
    return s;
  },
});
