import { type Tensor, avgPool2d, avgPool2dBackward } from '@scratchnet/tensor';
import { ConfigReader } from '../config.js';
import type { LayerConfig } from '../layer.js';
import { type Pool2DOptions, Pool2DLayer } from './pool.js';

/** Options of {@link AvgPool2D}. */
export interface AvgPool2DOptions extends Pool2DOptions {
  /** Divide by the full window even where it hangs over the padding (PyTorch's default, true). */
  countIncludePad?: boolean;
}

/** Average pooling, PyTorch `nn.AvgPool2d`. */
export class AvgPool2D extends Pool2DLayer {
  readonly type = 'AvgPool2D';
  readonly countIncludePad: boolean;

  constructor(options: AvgPool2DOptions | number = {}) {
    super(options);
    this.countIncludePad = typeof options === 'number' ? true : (options.countIncludePad ?? true);
  }

  /** Rebuilds an AvgPool2D layer from its config. */
  static fromConfig(config: LayerConfig): AvgPool2D {
    const countIncludePad = new ConfigReader(config).boolean('countIncludePad', true);
    return new AvgPool2D({ ...Pool2DLayer.readOptions(config), countIncludePad });
  }

  // x: [N, C, H, W] → y: [N, C, outH, outW]
  forward(x: Tensor): Tensor {
    this.checkInput(x);
    const g = this.geom(x);
    const y = this.ws.tensor('y', [g.batch, g.channels, g.outHeight, g.outWidth]);
    avgPool2d(x, { ...this.window(g), countIncludePad: this.countIncludePad, out: y });
    this.x = x;
    this.y = y;
    return y;
  }

  backward(dy: Tensor): Tensor {
    this.checkGrad(dy, this.y);
    const x = this.x as Tensor;
    const dx = this.ws.tensor('dx', x.shape);
    const window = this.window(this.geom(x));
    avgPool2dBackward(dy, x.shape, { ...window, countIncludePad: this.countIncludePad, out: dx });
    return dx;
  }

  getConfig(): LayerConfig {
    return { ...this.baseConfig(), countIncludePad: this.countIncludePad };
  }
}
