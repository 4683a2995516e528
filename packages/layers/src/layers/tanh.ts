import type { LayerConfig } from '../layer.js';
import { ActivationLayer } from './activation.js';

/** Hyperbolic tangent, PyTorch `nn.Tanh`; backward uses 1 − y². */
export class Tanh extends ActivationLayer {
  readonly type = 'Tanh';
  protected readonly op = 'tanh';

  /** Rebuilds a Tanh layer from its config. */
  static fromConfig(): Tanh {
    return new Tanh();
  }

  getConfig(): LayerConfig {
    return { type: this.type };
  }
}
