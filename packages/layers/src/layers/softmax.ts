import { type Shape, type Tensor, formatShape, mul, softmax, sub, sum } from '@scratchnet/tensor';
import { BaseLayer, type LayerConfig, ViewCache } from '../layer.js';

/**
 * Softmax over the last axis, PyTorch `nn.Softmax(dim=-1)`. For training a classifier prefer the
 * fused `SoftmaxCrossEntropy` loss on logits (stabler and cheaper); this layer is for models that
 * must output probabilities, e.g. with `CategoricalCrossEntropy`.
 */
export class Softmax extends BaseLayer {
  readonly type = 'Softmax';
  private y: Tensor | undefined;
  private readonly views = [new ViewCache(), new ViewCache(), new ViewCache(), new ViewCache()];

  /** Rebuilds a Softmax layer from its config. */
  static fromConfig(): Softmax {
    return new Softmax();
  }

  protected doBuild(inputShape: Shape): Shape {
    if (inputShape.length === 0)
      throw this.shapeError(`expects at least one axis, got ${formatShape(inputShape)}`);
    return inputShape;
  }

  /** [N, ..., K] viewed as [rows, K]. */
  private rows(i: number, t: Tensor): Tensor {
    const k = t.shape[t.shape.length - 1];
    return this.views[i].get(t, [t.size / k, k]);
  }

  forward(x: Tensor): Tensor {
    this.checkInput(x);
    const y = this.ws.tensor('y', x.shape);
    softmax(this.rows(0, x), { out: this.rows(1, y) });
    this.y = y;
    return y;
  }

  // dx = y ⊙ (dy − Σ_k dy ⊙ y), row by row
  backward(dy: Tensor): Tensor {
    this.checkGrad(dy, this.y);
    const y2 = this.rows(1, this.y as Tensor);
    const dy2 = this.rows(2, dy);
    const dx = this.ws.tensor('dx', dy.shape);
    const dx2 = this.rows(3, dx);
    const tmp = this.ws.tensor('tmp', y2.shape);
    const dot = this.ws.tensor('dot', [y2.shape[0], 1]);
    mul(dy2, y2, tmp);
    sum(tmp, 1, { keepDims: true, out: dot });
    sub(dy2, dot, tmp);
    mul(tmp, y2, dx2);
    return dx;
  }

  getConfig(): LayerConfig {
    return { type: this.type };
  }
}
