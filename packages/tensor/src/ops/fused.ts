/**
 * Fused elementwise ops in the spirit of PyTorch's in-place family (`add_(x, alpha)`, `addcmul_`,
 * `addcdiv_`): the building blocks of optimizer updates. Each writes `out` (default: a new tensor;
 * pass one of the inputs to update it in place) and validates once.
 */
import { callKernel } from '../kernels/kernel.js';
import * as k from '../kernels/index.js';
import { Tensor } from '../tensor.js';

/** Where a fused op writes: a new tensor unless `out` is given (it may be one of the inputs). */
export interface OutOptions {
  out?: Tensor;
}

/**
 * α·x + β·y (β = 0 ignores y's contents, even NaN).
 *
 * @example
 * ```ts
 * axpby(-lr, grad, 1, param, { out: param }); // param −= lr·grad
 * ```
 */
export function axpby(alpha: number, x: Tensor, beta: number, y: Tensor, options: OutOptions = {}): Tensor {
  const out = options.out ?? new Tensor(x.shape);
  callKernel(k.axpby, { alpha, x, beta, y, out });
  return out;
}

/** Options of {@link addcmul}. */
export interface AddcmulOptions extends OutOptions {
  /** Multiplies a·b (default 1). */
  value?: number;
  /** Scale of y (default 1). */
  beta?: number;
}

/**
 * β·y + value·a·b (PyTorch `torch.addcmul`, with a scale on y).
 *
 * @example
 * ```ts
 * addcmul(v, g, g, { beta: beta2, value: 1 - beta2, out: v }); // v ← β2·v + (1 − β2)·g²
 * ```
 */
export function addcmul(y: Tensor, a: Tensor, b: Tensor, options: AddcmulOptions = {}): Tensor {
  const out = options.out ?? new Tensor(y.shape);
  callKernel(k.addcmul, { y, a, b, value: options.value ?? 1, beta: options.beta ?? 1, out });
  return out;
}

/** Options of {@link addcdiv}. */
export interface AddcdivOptions extends AddcmulOptions {
  /** Divide by √b rather than b (default false). */
  sqrt?: boolean;
  /** Multiplies the (rooted) denominator (default 1). */
  scale?: number;
  /** Added to the denominator (default 0). */
  eps?: number;
}

/**
 * β·y + value·a / (d + eps), d = √b·scale (with `sqrt`) or b·scale: PyTorch's `addcdiv` with the
 * adaptive optimizers' denominator fused in.
 *
 * @example
 * ```ts
 * addcdiv(p, m, v, { value: -stepSize, sqrt: true, scale: 1 / bc2Sqrt, eps, out: p }); // Adam
 * ```
 */
export function addcdiv(y: Tensor, a: Tensor, b: Tensor, options: AddcdivOptions = {}): Tensor {
  const out = options.out ?? new Tensor(y.shape);
  callKernel(k.addcdiv, {
    y,
    a,
    b,
    value: options.value ?? 1,
    beta: options.beta ?? 1,
    sqrt: options.sqrt ?? false,
    scale: options.scale ?? 1,
    eps: options.eps ?? 0,
    out,
  });
  return out;
}
