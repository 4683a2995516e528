import { ShapeError, formatShape } from '../shape.js';
import type { IntTensor, Tensor } from '../tensor.js';
import { assertInt } from './check.js';
import { defineKernel } from './kernel.js';
import { around, validateAxisReduction } from './reduce.js';

/** Arguments of {@link argmax}. */
export interface ArgmaxArgs {
  x: Tensor;
  /** A non-negative axis of x. */
  axis: number;
  /** x.size / x.shape[axis] elements, written. */
  out: IntTensor;
}

/** out ← index of the first maximum along `axis` (the first NaN, if any, as NumPy). */
export const argmax = defineKernel<ArgmaxArgs>('argmax', {
  validate({ x, axis, out }) {
    assertInt('argmax', 'out', out);
    validateAxisReduction('argmax', x, axis, out.size);
    if (x.shape[axis] === 0)
      throw new ShapeError(`argmax: cannot reduce an empty axis of ${formatShape(x.shape)}`);
  },
  reference({ x, axis, out }) {
    const [outer, len, inner] = around(x.shape, axis);
    const xd = x.data;
    const od = out.data;
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * len * inner + i;
        let best = 0;
        let bv = xd[base];
        for (let k = 1; k < len; k++) {
          const v = xd[base + k * inner];
          if (v > bv || (Number.isNaN(v) && !Number.isNaN(bv))) {
            bv = v;
            best = k;
          }
        }
        od[o * inner + i] = best;
      }
    }
  },
});
