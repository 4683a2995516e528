import type { Tensor } from '../tensor.js';
import { assertFloat } from './check.js';
import { defineKernel } from './kernel.js';

/** Arguments of {@link fill}: `x ← value` everywhere. */
export interface FillArgs {
  x: Tensor;
  value: number;
}

/** `x ← value` everywhere. */
export const fill = defineKernel<FillArgs>('fill', {
  validate({ x, value }) {
    assertFloat('fill', 'x', x);
    if (typeof value !== 'number') throw new TypeError(`fill: value must be a number, got ${String(value)}`);
  },
  reference({ x, value }) {
    x.data.fill(value);
  },
});
