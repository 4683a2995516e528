import { type IntTensor, type Tensor, Workspace, softmaxCrossEntropy } from '@scratchnet/tensor';
import { type Loss, checkLabelShape, checkLabels, isLabels } from './loss.js';

/**
 * Softmax followed by cross-entropy, fused, from logits [N, K] and integer labels [N] (PyTorch
 * `nn.CrossEntropyLoss`): loss = mean(logsumexp(z) − z[label]), computed max-subtracted so large
 * logits do not overflow, with the simple combined gradient (softmax(z) − onehot(label)) / N.
 */
export class SoftmaxCrossEntropy implements Loss {
  readonly type = 'softmaxCrossEntropy';
  private readonly ws = new Workspace();
  private grad: Tensor | undefined;
  /** The op's options, kept while the gradient buffer stays the same (a step allocates nothing). */
  private opts: { out?: Tensor } = {};

  forward(logits: Tensor, labels: IntTensor | Tensor): number {
    if (!isLabels(labels)) {
      throw new TypeError('SoftmaxCrossEntropy: labels must be an IntTensor of class indices');
    }
    checkLabelShape('SoftmaxCrossEntropy', logits, labels);
    const grad = this.ws.tensor('grad', logits.shape);
    if (this.opts.out !== grad) this.opts = { out: grad };
    let loss: number;
    try {
      // The op range-checks the labels; scanning them here too would read them twice a step.
      loss = softmaxCrossEntropy(logits, labels, this.opts).loss;
    } catch (e) {
      // A label out of range: report it as this loss does (naming the loss and the sample).
      if (e instanceof RangeError) checkLabels('SoftmaxCrossEntropy', logits, labels);
      throw e;
    }
    this.grad = grad;
    return loss;
  }

  backward(): Tensor {
    if (this.grad === undefined) throw new Error('SoftmaxCrossEntropy: backward before forward');
    return this.grad;
  }
}
