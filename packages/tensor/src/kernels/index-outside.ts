import type { IntTensor } from '../tensor.js';
import { assertInt } from './check.js';
import { defineKernel } from './kernel.js';

/** Arguments of {@link indexOutside}. */
export interface IndexOutsideArgs {
  /** Indices, e.g. max pooling's argmax. */
  x: IntTensor;
  /** Exclusive upper bound: valid indices are [0, bound). */
  bound: number;
}

/**
 * The position of the first element of `x` outside [0, bound), or -1 when all are inside: the bounds
 * check an op runs on an index tensor before a kernel writes through it.
 */
export const indexOutside = defineKernel<IndexOutsideArgs, number>('indexOutside', {
  validate({ x, bound }) {
    assertInt('indexOutside', 'x', x);
    if (!Number.isInteger(bound) || bound < 0 || bound > 0x7fffffff) {
      throw new RangeError(`indexOutside: bound must be an integer in [0, 2³¹), got ${String(bound)}`);
    }
  },
  reference({ x, bound }) {
    const xd = x.data;
    for (let i = 0; i < xd.length; i++) if (!(xd[i] >= 0 && xd[i] < bound)) return i;
    return -1;
  },
});
