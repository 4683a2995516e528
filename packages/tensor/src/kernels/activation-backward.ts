import type { ActivationOp } from '../backend.js';
import type { Tensor } from '../tensor.js';
import { ACTIVATIONS } from './activation.js';
import { assertFloat, assertNoAlias, expectShape } from './check.js';
import { defineKernel } from './kernel.js';

/** Arguments of {@link activationBackward}. */
export interface ActivationBackwardArgs {
  op: ActivationOp;
  /** The forward input (read by relu, leakyRelu). */
  x: Tensor;
  /** The forward output (read by sigmoid, tanh). */
  y: Tensor;
  dy: Tensor;
  /** Written; may be dy itself. */
  dx: Tensor;
  alpha: number;
}

/** dx ← dy · act′, from x (relu, leakyRelu) or y = act(x) (sigmoid, tanh). */
export const activationBackward = defineKernel<ActivationBackwardArgs>('activationBackward', {
  validate({ op, x, y, dy, dx }) {
    const k = `${op}Backward`;
    if (!ACTIVATIONS.includes(op)) throw new TypeError(`activationBackward: unknown op '${String(op)}'`);
    for (const [what, t] of [
      ['x', x],
      ['y', y],
      ['dx', dx],
    ] as const) {
      assertFloat(k, what, t);
      expectShape(k, what, t, dy.shape);
    }
    assertNoAlias(k, dx, dy, 'dy', true, 'dx');
  },
  reference({ op, x, y, dy, dx, alpha }) {
    const dyd = dy.data;
    const dxd = dx.data;
    const n = dy.size;
    switch (op) {
      case 'relu': {
        const xd = x.data;
        for (let i = 0; i < n; i++) dxd[i] = xd[i] > 0 ? dyd[i] : 0;
        return;
      }
      case 'leakyRelu': {
        const xd = x.data;
        for (let i = 0; i < n; i++) dxd[i] = xd[i] > 0 ? dyd[i] : alpha * dyd[i];
        return;
      }
      case 'sigmoid': {
        const yd = y.data;
        for (let i = 0; i < n; i++) dxd[i] = dyd[i] * yd[i] * (1 - yd[i]);
        return;
      }
      case 'tanh': {
        const yd = y.data;
        for (let i = 0; i < n; i++) dxd[i] = dyd[i] * (1 - yd[i] * yd[i]);
        return;
      }
      default:
        throw new Error(`activationBackward: unknown op '${op as string}'`);
    }
  },
});
