import type { UnaryOp } from '../backend.js';
import type { Tensor } from '../tensor.js';
import { activation } from './activation.js';
import { assertFloat, assertNoAlias, expectShape } from './check.js';
import { defineKernel } from './kernel.js';

/** Arguments of {@link unary}: out ← op(x). */
export interface UnaryArgs {
  op: UnaryOp;
  x: Tensor;
  /** x's shape; may be x itself. */
  out: Tensor;
}

const OPS: readonly UnaryOp[] = ['neg', 'abs', 'exp', 'log', 'sqrt', 'square', 'relu', 'sigmoid', 'tanh'];

/** out ← op(x) elementwise. */
export const unary = defineKernel<UnaryArgs>('unary', {
  validate({ op, x, out }) {
    if (!OPS.includes(op)) throw new TypeError(`unary: unknown op '${String(op)}'`);
    assertFloat(op, 'x', x);
    assertFloat(op, 'out', out);
    expectShape(op, 'out', out, x.shape);
    assertNoAlias(op, out, x, 'x', true);
  },
  reference({ op, x, out }) {
    const xd = x.data;
    const od = out.data;
    const n = x.size;
    switch (op) {
      case 'neg':
        for (let i = 0; i < n; i++) od[i] = -xd[i];
        return;
      case 'abs':
        for (let i = 0; i < n; i++) od[i] = Math.abs(xd[i]);
        return;
      case 'exp':
        for (let i = 0; i < n; i++) od[i] = Math.exp(xd[i]);
        return;
      case 'log':
        for (let i = 0; i < n; i++) od[i] = Math.log(xd[i]);
        return;
      case 'sqrt':
        for (let i = 0; i < n; i++) od[i] = Math.sqrt(xd[i]);
        return;
      case 'square':
        for (let i = 0; i < n; i++) od[i] = xd[i] * xd[i];
        return;
      default:
        activation.reference({ op, x, y: out, alpha: 0 });
    }
  },
});
