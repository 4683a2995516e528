import type { ActivationOp } from '../backend.js';
import type { Tensor } from '../tensor.js';
import { assertFloat, assertNoAlias, expectShape } from './check.js';
import { defineKernel } from './kernel.js';

/** Arguments of {@link activation}: y ← act(x). */
export interface ActivationArgs {
  op: ActivationOp;
  x: Tensor;
  /** x's shape; may be x itself. */
  y: Tensor;
  /** leakyRelu's negative slope (ignored by the others). */
  alpha: number;
}

/** The activations with a backward kernel. */
export const ACTIVATIONS: readonly ActivationOp[] = ['relu', 'leakyRelu', 'sigmoid', 'tanh'];

/** y ← act(x): relu (NaN stays NaN), leakyRelu, sigmoid (without overflow), tanh. */
export const activation = defineKernel<ActivationArgs>('activation', {
  validate({ op, x, y }) {
    if (!ACTIVATIONS.includes(op)) throw new TypeError(`activation: unknown op '${String(op)}'`);
    assertFloat(op, 'x', x);
    assertFloat(op, 'y', y);
    expectShape(op, 'y', y, x.shape);
    assertNoAlias(op, y, x, 'x', true, 'y');
  },
  reference({ op, x, y, alpha }) {
    const xd = x.data;
    const yd = y.data;
    const n = x.size;
    switch (op) {
      case 'relu':
        // `v > 0 ? v : 0` keeps NaN as NaN (PyTorch) and maps −0 to 0.
        for (let i = 0; i < n; i++) {
          const v = xd[i];
          yd[i] = v > 0 || Number.isNaN(v) ? v : 0;
        }
        return;
      case 'leakyRelu':
        for (let i = 0; i < n; i++) {
          const v = xd[i];
          yd[i] = v > 0 ? v : alpha * v;
        }
        return;
      case 'sigmoid':
        // Split by sign so exp never overflows to give Inf/Inf.
        for (let i = 0; i < n; i++) {
          const v = xd[i];
          if (v >= 0) yd[i] = 1 / (1 + Math.exp(-v));
          else {
            const e = Math.exp(v);
            yd[i] = e / (1 + e);
          }
        }
        return;
      case 'tanh':
        for (let i = 0; i < n; i++) yd[i] = Math.tanh(xd[i]);
        return;
      default:
        throw new Error(`activation: unknown op '${op as string}'`);
    }
  },
});
