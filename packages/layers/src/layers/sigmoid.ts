import type { LayerConfig } from '../layer.js';
import { ActivationLayer } from './activation.js';

/** 1 / (1 + e^(−x)), PyTorch `nn.Sigmoid`; backward uses y(1 − y). */
export class Sigmoid extends ActivationLayer {
  readonly type = 'Sigmoid';
  protected readonly op = 'sigmoid';

  /** Rebuilds a Sigmoid layer from its config. */
  static fromConfig(): Sigmoid {
    return new Sigmoid();
  }

  getConfig(): LayerConfig {
    return { type: this.type };
  }
}
