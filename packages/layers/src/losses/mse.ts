import { type IntTensor, type Tensor, Workspace, axpby, oneHot, sub, sumSquares } from '@scratchnet/tensor';
import { type Loss, checkLabels, checkTarget, isLabels } from './loss.js';

/**
 * Mean squared error over every element (PyTorch `nn.MSELoss`, reduction 'mean'). Integer labels [N]
 * are compared as one-hot rows of the output [N, K].
 */
export class MSE implements Loss {
  readonly type = 'mse';
  private readonly ws = new Workspace();
  private grad: Tensor | undefined;

  forward(output: Tensor, target: IntTensor | Tensor): number {
    let t: Tensor;
    if (isLabels(target)) {
      checkLabels('MSE', output, target);
      t = oneHot(target, output.shape[1], { out: this.ws.tensor('onehot', output.shape) });
    } else {
      checkTarget('MSE', output, target);
      t = target;
    }
    // d = output − target; loss = Σ d² / size; grad = 2·d / size
    const d = sub(output, t, this.ws.tensor('diff', output.shape));
    const size = output.size;
    this.grad = axpby(2 / size, d, 0, d, { out: this.ws.tensor('grad', output.shape) });
    return sumSquares(d) / size;
  }

  backward(): Tensor {
    if (this.grad === undefined) throw new Error('MSE: backward before forward');
    return this.grad;
  }
}
