import {
  type ActivationOp,
  type Shape,
  type Tensor,
  activation,
  activationBackward,
} from '@scratchnet/tensor';
import { BaseLayer } from '../layer.js';

/**
 * Elementwise activations with a backend kernel for each direction. Shape-preserving; subclasses
 * name the op (and LeakyReLU its slope).
 */
export abstract class ActivationLayer extends BaseLayer {
  protected abstract readonly op: ActivationOp;
  /** Negative slope (LeakyReLU only). */
  protected alpha = 0;
  private x: Tensor | undefined;
  private y: Tensor | undefined;

  protected doBuild(inputShape: Shape): Shape {
    return inputShape;
  }

  forward(x: Tensor): Tensor {
    this.checkInput(x);
    const y = this.ws.tensor('y', x.shape);
    activation(this.op, x, { alpha: this.alpha, out: y });
    this.x = x;
    this.y = y;
    return y;
  }

  backward(dy: Tensor): Tensor {
    this.checkGrad(dy, this.y);
    const dx = this.ws.tensor('dx', dy.shape);
    activationBackward(this.op, dy, { x: this.x as Tensor, y: this.y as Tensor, alpha: this.alpha, out: dx });
    return dx;
  }
}
