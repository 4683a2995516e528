import { type IntTensor, type Tensor, Workspace } from '@scratchnet/tensor';
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
    const labels = isLabels(target);
    if (labels) checkLabels('MSE', output, target);
    else checkTarget('MSE', output, target);
    const o = output.data;
    const t = target.data;
    const grad = this.ws.tensor('grad', output.shape);
    const g = grad.data;
    const size = output.size;
    const k = labels ? output.shape[1] : 0;
    let sum = 0;
    for (let j = 0; j < size; j++) {
      // one-hot target: 1 where the column is the row's label
      const tj = labels ? (t[(j / k) | 0] === j % k ? 1 : 0) : t[j];
      const d = o[j] - tj;
      sum += d * d;
      g[j] = (2 * d) / size;
    }
    this.grad = grad;
    return sum / size;
  }

  backward(): Tensor {
    if (this.grad === undefined) throw new Error('MSE: backward before forward');
    return this.grad;
  }
}
