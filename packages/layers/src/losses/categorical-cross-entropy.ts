import { type IntTensor, type Tensor, Workspace } from '@scratchnet/tensor';
import { type Loss, checkLabels, checkTarget, isLabels } from './loss.js';

/**
 * Cross-entropy of probabilities [N, K] (e.g. after a Softmax layer) against integer labels [N] or
 * target distributions [N, K] (Keras `CategoricalCrossentropy`): loss = −mean_n Σ_k t·log p, with p
 * clipped to [ε, 1 − ε] (ε = 1e-7) so a confident mistake costs a large but finite loss.
 */
export class CategoricalCrossEntropy implements Loss {
  readonly type = 'categoricalCrossEntropy';
  private readonly ws = new Workspace();
  private grad: Tensor | undefined;

  /** @param epsilon probability clip, default 1e-7 (Keras) */
  constructor(readonly epsilon = 1e-7) {}

  forward(probs: Tensor, target: IntTensor | Tensor): number {
    const labels = isLabels(target);
    if (labels) checkLabels('CategoricalCrossEntropy', probs, target);
    else checkTarget('CategoricalCrossEntropy', probs, target);
    const [n, k] = probs.shape;
    const grad = this.ws.tensor('grad', probs.shape);
    const p = probs.data;
    const g = grad.data;
    const t = target.data;
    const lo = this.epsilon;
    const hi = 1 - this.epsilon;
    let sum = 0;
    if (labels) {
      g.fill(0);
      for (let i = 0; i < n; i++) {
        const j = i * k + t[i];
        const pc = Math.min(Math.max(p[j], lo), hi);
        sum -= Math.log(pc);
        g[j] = -1 / (n * pc);
      }
    } else {
      for (let j = 0; j < n * k; j++) {
        const pc = Math.min(Math.max(p[j], lo), hi);
        sum -= t[j] * Math.log(pc);
        g[j] = -t[j] / (n * pc);
      }
    }
    this.grad = grad;
    return sum / n;
  }

  backward(): Tensor {
    if (this.grad === undefined) throw new Error('CategoricalCrossEntropy: backward before forward');
    return this.grad;
  }
}
