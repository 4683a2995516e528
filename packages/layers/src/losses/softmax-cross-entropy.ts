import { type IntTensor, type Tensor, Workspace, softmaxCrossEntropy } from '@scratchnet/tensor';
import { type Loss, checkLabels, isLabels } from './loss.js';

/**
 * Softmax followed by cross-entropy, fused, from logits [N, K] and integer labels [N] (PyTorch
 * `nn.CrossEntropyLoss`): loss = mean(logsumexp(z) − z[label]), computed max-subtracted so large
 * logits do not overflow, with the simple combined gradient (softmax(z) − onehot(label)) / N.
 */
export class SoftmaxCrossEntropy implements Loss {
  readonly type = 'softmaxCrossEntropy';
  private readonly ws = new Workspace();
  private grad: Tensor | undefined;

  forward(logits: Tensor, labels: IntTensor | Tensor): number {
    if (!isLabels(labels)) {
      throw new TypeError('SoftmaxCrossEntropy: labels must be an IntTensor of class indices');
    }
    checkLabels('SoftmaxCrossEntropy', logits, labels);
    const grad = this.ws.tensor('grad', logits.shape);
    const { loss } = softmaxCrossEntropy(logits, labels, { out: grad });
    this.grad = grad;
    return loss;
  }

  backward(): Tensor {
    if (this.grad === undefined) throw new Error('SoftmaxCrossEntropy: backward before forward');
    return this.grad;
  }
}
