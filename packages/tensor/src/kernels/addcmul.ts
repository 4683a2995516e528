import type { Tensor } from '../tensor.js';
import { expectElementwiseOperands } from './check.js';
import { defineKernel } from './kernel.js';

/** Arguments of {@link addcmul}: out ← β·y + value·a·b. */
export interface AddcmulArgs {
  y: Tensor;
  a: Tensor;
  b: Tensor;
  value: number;
  /** Scale of y (1 in PyTorch's `addcmul`); 0 ignores y's contents. */
  beta: number;
  /** Same shape; may be y, a or b itself. */
  out: Tensor;
}

/** out ← β·y + value·a·b elementwise (PyTorch `torch.addcmul` with a scale on the input). */
export const addcmul = defineKernel<AddcmulArgs>('addcmul', {
  validate({ y, a, b, out }) {
    expectElementwiseOperands('addcmul', { y, a, b, out }, y, out);
  },
  reference({ y, a, b, value, beta, out }) {
    const yd = y.data;
    const ad = a.data;
    const bd = b.data;
    const od = out.data;
    const n = out.size;
    if (beta === 0) for (let i = 0; i < n; i++) od[i] = value * ad[i] * bd[i];
    else for (let i = 0; i < n; i++) od[i] = beta * yd[i] + value * ad[i] * bd[i];
  },
});
