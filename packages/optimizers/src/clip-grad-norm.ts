import { Tensor, getBackend, mul, sumSquares } from '@scratchnet/tensor';

/** Options of {@link clipGradNorm}. */
export interface ClipGradNormOptions {
  /** Throw if the total norm is NaN or infinite instead of scaling by it (default false, as PyTorch). */
  errorIfNonfinite?: boolean;
}

// One scalar per backend, reused by every call so that clipping inside a training step allocates nothing.
let scale: Tensor | undefined;

/**
 * Clips gradients by their global L2 norm, like PyTorch `torch.nn.utils.clip_grad_norm_`: computes
 * `‖g‖ = √(Σ over all parameters of Σ g²)` and, when it exceeds `maxNorm`, scales every gradient in
 * place by `maxNorm / (‖g‖ + 1e-6)`. Returns the norm before clipping. Call it between `backward` and
 * `optimizer.step()`.
 *
 * @example
 * ```ts
 * model.backward(dlogits);
 * const norm = clipGradNorm(model.namedParameters(), 1.0);
 * optimizer.step();
 * ```
 */
export function clipGradNorm(
  params: readonly { readonly grad: Tensor }[],
  maxNorm: number,
  options: ClipGradNormOptions = {},
): number {
  if (typeof maxNorm !== 'number' || !(maxNorm >= 0)) {
    throw new RangeError(`clipGradNorm: maxNorm must be a number ≥ 0, got ${String(maxNorm)}`);
  }
  let sum = 0;
  for (let i = 0; i < params.length; i++) sum += sumSquares(params[i].grad);
  const norm = Math.sqrt(sum);
  if (!Number.isFinite(norm) && options.errorIfNonfinite === true) {
    throw new RangeError(
      `clipGradNorm: the total gradient norm is ${norm}, so the gradients cannot be clipped (errorIfNonfinite is set)`,
    );
  }
  const coef = maxNorm / (norm + 1e-6);
  if (coef < 1) {
    const s = scalar();
    s.data[0] = coef;
    for (let i = 0; i < params.length; i++) mul(params[i].grad, s, params[i].grad);
  }
  return norm;
}

function scalar(): Tensor {
  // Reported backend name only: a scalar of the backend in use, made again when it changes.
  if (scale === undefined || scale.storage.owner !== getBackend().name) scale = new Tensor([]);
  return scale;
}
