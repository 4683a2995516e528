import { type IntTensor, type Tensor, Workspace, crossEntropy, oneHot } from '@scratchnet/tensor';
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
    let t: Tensor;
    if (isLabels(target)) {
      checkLabels('CategoricalCrossEntropy', probs, target);
      t = oneHot(target, probs.shape[1], { out: this.ws.tensor('onehot', probs.shape) });
    } else {
      checkTarget('CategoricalCrossEntropy', probs, target);
      t = target;
    }
    const grad = this.ws.tensor('grad', probs.shape);
    const loss = crossEntropy(probs, t, { grad, epsilon: this.epsilon });
    this.grad = grad;
    return loss;
  }

  backward(): Tensor {
    if (this.grad === undefined) throw new Error('CategoricalCrossEntropy: backward before forward');
    return this.grad;
  }
}
