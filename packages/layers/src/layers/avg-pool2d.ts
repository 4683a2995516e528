import { type Tensor, avgPool2d, avgPool2dBackward } from '@scratchnet/tensor';
import { ConfigReader } from '../config.js';
import type { LayerConfig } from '../layer.js';
import { type Pool2dOptions, Pool2dLayer } from './pool.js';

/** Options of {@link AvgPool2d}. */
export interface AvgPool2dOptions extends Pool2dOptions {
  /** Divide by the full window even where it hangs over the padding (PyTorch's default, true). */
  countIncludePad?: boolean;
}

/** Average pooling, PyTorch `nn.AvgPool2d`. */
export class AvgPool2d extends Pool2dLayer {
  readonly type = 'AvgPool2d';
  readonly countIncludePad: boolean;

  constructor(options: AvgPool2dOptions | number = {}) {
    super(options);
    this.countIncludePad = typeof options === 'number' ? true : (options.countIncludePad ?? true);
  }

  /** Rebuilds an AvgPool2d layer from its config. */
  static fromConfig(config: LayerConfig): AvgPool2d {
    const countIncludePad = new ConfigReader(config).boolean('countIncludePad', true);
    return new AvgPool2d({ ...Pool2dLayer.readOptions(config), countIncludePad });
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

/** @deprecated Renamed {@link AvgPool2d} (PyTorch casing); this alias goes in the next minor release. */
export const AvgPool2D = AvgPool2d;
/** @deprecated Renamed {@link AvgPool2d}. */
export type AvgPool2D = AvgPool2d;
/** @deprecated Renamed {@link AvgPool2dOptions}. */
export type AvgPool2DOptions = AvgPool2dOptions;
