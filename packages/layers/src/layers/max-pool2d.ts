import {
  type IntTensor,
  type Tensor,
  activation,
  activationBackward,
  maxPool2d,
  maxPool2dBackward,
} from '@scratchnet/tensor';
import type { LayerConfig } from '../layer.js';
import { Pool2dLayer } from './pool.js';

/**
 * Max pooling, PyTorch `nn.MaxPool2d`: each output is the maximum of its window; the backward pass
 * routes the gradient to the (first) maximum, remembered as an argmax during forward.
 */
export class MaxPool2d extends Pool2dLayer {
  readonly type = 'MaxPool2d';
  private argmax: IntTensor | undefined;
  /** Whether the last forward was {@link forwardRelu}. */
  private afterRelu = false;

  /** Rebuilds a MaxPool2d layer from its config. */
  static fromConfig(config: LayerConfig): MaxPool2d {
    return new MaxPool2d(Pool2dLayer.readOptions(config));
  }

  // x: [N, C, H, W] → y: [N, C, outH, outW]
  forward(x: Tensor): Tensor {
    this.checkInput(x);
    const g = this.geom(x);
    const shape = [g.batch, g.channels, g.outHeight, g.outWidth];
    const y = this.ws.tensor('y', shape);
    const argmax = this.ws.intTensor('argmax', shape);
    maxPool2d(x, { ...this.window(g), out: y, argmax });
    this.x = x;
    this.y = y;
    this.argmax = argmax;
    this.afterRelu = false;
    return y;
  }

  /**
   * `forward(relu(x))` without computing relu(x): max pooling and ReLU commute (ReLU is monotone and
   * keeps NaN), so the ReLU runs on the pooled output, a quarter of x for 2×2 windows, and the result
   * is the same to the bit. Until the next `forward`, {@link backward} then returns the gradient with
   * respect to x, the ReLU's input. `Sequential` runs a ReLU followed by a MaxPool2d this way.
   */
  forwardRelu(x: Tensor): Tensor {
    const y = this.forward(x);
    activation('relu', y, { out: y });
    this.afterRelu = true;
    return y;
  }

  backward(dy: Tensor): Tensor {
    this.checkGrad(dy, this.y);
    const x = this.x as Tensor;
    let g = dy;
    if (this.afterRelu) {
      // ReLU′ at the argmax: its input there is the window's max, positive exactly where y is.
      const y = this.y as Tensor;
      g = this.ws.tensor('dyRelu', dy.shape);
      activationBackward('relu', dy, { x: y, y, out: g });
    }
    const dx = this.ws.tensor('dx', x.shape);
    maxPool2dBackward(g, this.argmax as IntTensor, x.shape, { ...this.window(this.geom(x)), out: dx });
    return dx;
  }

  getConfig(): LayerConfig {
    return this.baseConfig();
  }
}

/** @deprecated Renamed {@link MaxPool2d} (PyTorch casing); this alias goes in the next minor release. */
export const MaxPool2D = MaxPool2d;
/** @deprecated Renamed {@link MaxPool2d}. */
export type MaxPool2D = MaxPool2d;
