import { type Shape, type Tensor, sizeOf } from '@scratchnet/tensor';
import { BaseLayer, type LayerConfig, ViewCache } from '../layer.js';

/**
 * Flattens each sample to one axis in row-major (C·H·W) order, PyTorch `nn.Flatten`, so the next
 * Dense layer's weight columns line up with PyTorch's. A view: no copy.
 */
export class Flatten extends BaseLayer {
  readonly type = 'Flatten';
  private x: Tensor | undefined;
  private y: Tensor | undefined;
  private readonly yView = new ViewCache();
  private readonly dxView = new ViewCache();

  /** Rebuilds a Flatten layer from its config. */
  static fromConfig(): Flatten {
    return new Flatten();
  }

  protected doBuild(inputShape: Shape): Shape {
    return [sizeOf(inputShape)];
  }

  // x: [N, C, H, W] → y: [N, C·H·W] (same storage)
  forward(x: Tensor): Tensor {
    this.checkInput(x);
    this.x = x;
    this.y = this.yView.get(x, [x.shape[0], this.outShape[0]]);
    return this.y;
  }

  backward(dy: Tensor): Tensor {
    this.checkGrad(dy, this.y);
    return this.dxView.get(dy, (this.x as Tensor).shape);
  }

  getConfig(): LayerConfig {
    return { type: this.type };
  }
}
