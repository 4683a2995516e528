import type { LayerConfig } from '../layer.js';
import { ActivationLayer } from './activation.js';

/** max(0, x), PyTorch `nn.ReLU`. The gradient at exactly 0 is 0 (as in PyTorch). */
export class ReLU extends ActivationLayer {
  readonly type = 'ReLU';
  protected readonly op = 'relu';

  /** Rebuilds a ReLU layer from its config. */
  static fromConfig(): ReLU {
    return new ReLU();
  }

  getConfig(): LayerConfig {
    return { type: this.type };
  }
}
