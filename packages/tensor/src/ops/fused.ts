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

/** Hyper-parameters of {@link sgdUpdate}: PyTorch `torch.optim.SGD`'s, and where the step stands. */
export interface SgdUpdateOptions {
  /** Learning rate γ of this step. */
  lr: number;
  /** Momentum μ (0: no buffer). */
  momentum: number;
  /** Dampening τ. */
  dampening: number;
  /** L2 penalty λ. */
  weightDecay: number;
  /** Nesterov momentum. */
  nesterov: boolean;
  /** The first step (the buffer starts as the gradient). */
  first: boolean;
}

/**
 * One SGD step of a parameter in one pass, in place: `param` (and the momentum `buffer`, null when
 * μ = 0) updated from `grad`, with the arithmetic of the equivalent `axpby` sequence (to the bit):
 * g = λ·θ + ∇θ; b = g (first step) or (1 − τ)·g + μ·b; g = μ·b + g (Nesterov) or b; θ = θ − γ·g.
 *
 * @example
 * ```ts
 * sgdUpdate(w, dw, buf, { lr: 0.01, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false, first: t === 1 });
 * ```
 */
export function sgdUpdate(
  param: Tensor,
  grad: Tensor,
  buffer: Tensor | null,
  options: SgdUpdateOptions,
): void {
  const { lr, momentum, dampening, weightDecay, nesterov, first } = options;
  callKernel(k.sgdUpdate, { param, grad, buffer, lr, momentum, dampening, weightDecay, nesterov, first });
}
