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

/** The name each activation's backward goes by in error messages. */
const BACKWARD_NAMES: Readonly<Record<ActivationOp, string>> = {
  relu: 'reluBackward',
  leakyRelu: 'leakyReluBackward',
  sigmoid: 'sigmoidBackward',
  tanh: 'tanhBackward',
};

/** dx ← dy · act′, from x (relu, leakyRelu) or y = act(x) (sigmoid, tanh). */
export const activationBackward = defineKernel<ActivationBackwardArgs>('activationBackward', {
  validate({ op, x, y, dy, dx }) {
    if (!ACTIVATIONS.includes(op)) throw new TypeError(`activationBackward: unknown op '${String(op)}'`);
    // Checked on every backward pass: no per-call strings or arrays.
    const k = BACKWARD_NAMES[op];
    assertFloat(k, 'x', x);
    expectShape(k, 'x', x, dy.shape);
    assertFloat(k, 'y', y);
    expectShape(k, 'y', y, dy.shape);
    assertFloat(k, 'dx', dx);
    expectShape(k, 'dx', dx, dy.shape);
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
