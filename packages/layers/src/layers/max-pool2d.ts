import { type IntTensor, type Tensor, maxPool2d, maxPool2dBackward } from '@scratchnet/tensor';
import type { BackwardOptions, LayerConfig } from '../layer.js';
import type { Conv2d } from './conv2d.js';
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
    return this.pool(x, false);
  }

  /**
   * `forward(relu(x))` without computing relu(x): max pooling and ReLU commute (ReLU is monotone and
   * keeps NaN), so the pooling kernel applies the ReLU to its output, and the result is the same to
   * the bit. Until the next `forward`, {@link backward} then returns the gradient with respect to x,
   * the ReLU's input. `Sequential` runs a ReLU followed by a MaxPool2d this way.
   */
  forwardRelu(x: Tensor): Tensor {
    return this.pool(x, true);
  }

  /**
   * `forward(x)` (or, with `relu`, {@link forwardRelu}) for inference: no argmax is computed or kept,
   * so a {@link backward} after it fails, as before any forward. `Sequential` pools this way in
   * evaluation mode.
   */
  forwardInference(x: Tensor, relu: boolean): Tensor {
    this.checkInput(x);
    const g = this.geom(x);
    const y = this.ws.tensor('y', [g.batch, g.channels, g.outHeight, g.outWidth]);
    maxPool2d(x, { ...this.window(g), out: y, argmax: null, relu });
    this.x = undefined;
    this.y = undefined;
    this.argmax = undefined;
    return y;
  }

  private pool(x: Tensor, relu: boolean): Tensor {
    this.checkInput(x);
    const g = this.geom(x);
    const shape = [g.batch, g.channels, g.outHeight, g.outWidth];
    const y = this.ws.tensor('y', shape);
    const argmax = this.ws.intTensor('argmax', shape);
    maxPool2d(x, { ...this.window(g), out: y, argmax, relu });
    this.x = x;
    this.y = y;
    this.argmax = argmax;
    this.afterRelu = relu;
    return y;
  }

  /**
   * `forward(conv.forward(x))` (with `relu`, {@link forwardRelu} of it) in one op, for training: the
   * convolution's output is never stored, and the argmax is kept for a {@link backwardConv} with the
   * same `conv` (a plain {@link backward} needs the separate forwards). For a 2×2 window of stride 2
   * without padding (`conv2dMaxPool2d`). x: the convolution's input.
   */
  forwardConv(x: Tensor, conv: Conv2d, relu: boolean): Tensor {
    const g = this.geomOfBatch(x.shape[0]);
    const shape = [g.batch, g.channels, g.outHeight, g.outWidth];
    const y = this.ws.tensor('y', shape);
    const argmax = this.ws.intTensor('argmax', shape);
    conv.forwardMaxPool(x, relu, { y, argmax });
    this.x = undefined;
    this.y = y;
    this.argmax = argmax;
    this.afterRelu = relu;
    return y;
  }

  backward(dy: Tensor): Tensor {
    this.checkGrad(dy, this.y);
    if (this.x === undefined) {
      throw new Error(`${this.label}: backward after forwardConv: its gradient is taken by backwardConv`);
    }
    const x = this.x;
    const dx = this.ws.tensor('dx', x.shape);
    // After a ReLU: ReLU′ at the argmax, whose input there is the window's max, positive exactly where y is.
    const mask = this.afterRelu ? this.y : undefined;
    maxPool2dBackward(dy, this.argmax as IntTensor, x.shape, { ...this.window(this.geom(x)), out: dx, mask });
    return dx;
  }

  /**
   * The backward of this pooling and of `conv`, the Conv2d whose output (or its ReLU, after
   * {@link forwardRelu}) this layer pooled in the last forward, when nothing needs the gradient of
   * this layer's input nor of the convolution's: `conv`'s parameter gradients straight from dy (see
   * {@link Conv2d.backwardMaxPool}), without routing dy to the pooling's input. `Sequential` runs
   * a model's first block this way. Returns what `conv.backward` with `inputGrad: false` returns.
   */
  backwardConv(dy: Tensor, conv: Conv2d, options?: BackwardOptions): Tensor {
    this.checkGrad(dy, this.y);
    const window = this.window(this.geomOfBatch(dy.shape[0]));
    return conv.backwardMaxPool(
      dy,
      this.argmax as IntTensor,
      this.afterRelu ? this.y : undefined,
      window,
      options,
    );
  }

  getConfig(): LayerConfig {
    return this.baseConfig();
  }
}

/** @deprecated Renamed {@link MaxPool2d} (PyTorch casing); this alias goes in the next minor release. */
export const MaxPool2D = MaxPool2d;
/** @deprecated Renamed {@link MaxPool2d}. */
export type MaxPool2D = MaxPool2d;
