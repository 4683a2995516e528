/**
 * Optimizer updates, elementwise and in place, following the algorithms documented for PyTorch's
 * `torch.optim` (SGD, Adam/AdamW, RMSprop, Adagrad; `maximize` and `foreach` aside). Each loop reads
 * the gradient once; the gradient tensor itself is never modified.
 */
import type { AdagradHyper, AdamHyper, RmspropHyper, SgdHyper } from '../../backend.js';
import type { Tensor } from '../../tensor.js';

/**
 * SGD: g = grad + wd·p; with momentum, b = g on the first step, else b = μ·b + (1 − dampening)·g,
 * and g = g + μ·b (Nesterov) or g = b; then p −= lr·g.
 */
export function sgdUpdate(param: Tensor, grad: Tensor, momentumBuffer: Tensor | null, h: SgdHyper): void {
  const p = param.data;
  const gr = grad.data;
  const n = p.length;
  const { lr, momentum: mu, dampening, nesterov, weightDecay: wd } = h;
  if (momentumBuffer === null || mu === 0) {
    for (let i = 0; i < n; i++) p[i] -= lr * (gr[i] + wd * p[i]);
    return;
  }
  const b = momentumBuffer.data;
  for (let i = 0; i < n; i++) {
    let g = gr[i] + wd * p[i];
    const bi = h.firstStep ? g : mu * b[i] + (1 - dampening) * g;
    b[i] = bi;
    // Use the stored (float32) buffer value, as PyTorch's tensors would.
    g = nesterov ? g + mu * b[i] : b[i];
    p[i] -= lr * g;
  }
}

/**
 * Adam / AdamW: (AdamW) p ·= 1 − lr·wd, or (Adam) g = grad + wd·p; m = β1·m + (1 − β1)·g;
 * v = β2·v + (1 − β2)·g²; (amsgrad) v̂max = max(v̂max, v);
 * p −= lr/(1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + eps), with v̂max in place of v under amsgrad.
 */
export function adamUpdate(
  param: Tensor,
  grad: Tensor,
  expAvg: Tensor,
  expAvgSq: Tensor,
  maxExpAvgSq: Tensor | null,
  h: AdamHyper,
): void {
  const p = param.data;
  const gr = grad.data;
  const m = expAvg.data;
  const v = expAvgSq.data;
  const vmax = h.amsgrad && maxExpAvgSq !== null ? maxExpAvgSq.data : null;
  const { lr, beta1, beta2, eps, weightDecay: wd } = h;
  const bc1 = 1 - beta1 ** h.step;
  const bc2Sqrt = Math.sqrt(1 - beta2 ** h.step);
  const stepSize = lr / bc1;
  const decay = h.decoupledWeightDecay ? 1 - lr * wd : 1;
  const l2 = h.decoupledWeightDecay ? 0 : wd;
  const n = p.length;
  for (let i = 0; i < n; i++) {
    if (decay !== 1) p[i] *= decay;
    const g = gr[i] + l2 * p[i];
    m[i] = beta1 * m[i] + (1 - beta1) * g;
    v[i] = beta2 * v[i] + (1 - beta2) * g * g;
    let second = v[i];
    if (vmax !== null) {
      if (second > vmax[i]) vmax[i] = second;
      second = vmax[i];
    }
    p[i] -= (stepSize * m[i]) / (Math.sqrt(second) / bc2Sqrt + eps);
  }
}

/**
 * RMSprop: g = grad + wd·p; v = α·v + (1 − α)·g²; (centered) ḡ = α·ḡ + (1 − α)·g and
 * avg = √(v − ḡ²) + eps, else avg = √v + eps; with momentum, b = μ·b + g/avg and p −= lr·b,
 * else p −= lr·g/avg.
 */
export function rmspropUpdate(
  param: Tensor,
  grad: Tensor,
  squareAvg: Tensor,
  momentumBuffer: Tensor | null,
  gradAvg: Tensor | null,
  h: RmspropHyper,
): void {
  const p = param.data;
  const gr = grad.data;
  const v = squareAvg.data;
  const b = h.momentum > 0 && momentumBuffer !== null ? momentumBuffer.data : null;
  const ga = h.centered && gradAvg !== null ? gradAvg.data : null;
  const { lr, alpha, eps, weightDecay: wd, momentum: mu } = h;
  const n = p.length;
  for (let i = 0; i < n; i++) {
    const g = gr[i] + wd * p[i];
    v[i] = alpha * v[i] + (1 - alpha) * g * g;
    let avg: number;
    if (ga !== null) {
      ga[i] = alpha * ga[i] + (1 - alpha) * g;
      avg = Math.sqrt(v[i] - ga[i] * ga[i]) + eps;
    } else {
      avg = Math.sqrt(v[i]) + eps;
    }
    if (b !== null) {
      b[i] = mu * b[i] + g / avg;
      p[i] -= lr * b[i];
    } else {
      p[i] -= (lr * g) / avg;
    }
  }
}

/**
 * Adagrad: clr = lr / (1 + (t − 1)·lrDecay); g = grad + wd·p; sum += g²; p −= clr·g/(√sum + eps).
 */
export function adagradUpdate(param: Tensor, grad: Tensor, stateSum: Tensor, h: AdagradHyper): void {
  const p = param.data;
  const gr = grad.data;
  const s = stateSum.data;
  const clr = h.lr / (1 + (h.step - 1) * h.lrDecay);
  const { weightDecay: wd, eps } = h;
  const n = p.length;
  for (let i = 0; i < n; i++) {
    const g = gr[i] + wd * p[i];
    s[i] += g * g;
    p[i] -= (clr * g) / (Math.sqrt(s[i]) + eps);
  }
}
