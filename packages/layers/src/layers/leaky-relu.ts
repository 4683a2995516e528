import { ConfigReader } from '../config.js';
import type { LayerConfig } from '../layer.js';
import { ActivationLayer } from './activation.js';

/** x for x > 0, α·x otherwise; PyTorch `nn.LeakyReLU` (default α = 0.01). */
export class LeakyReLU extends ActivationLayer {
  readonly type = 'LeakyReLU';
  protected readonly op = 'leakyRelu';

  /** @param alpha negative slope (PyTorch `negative_slope`), default 0.01 */
  constructor(alpha = 0.01) {
    super();
    if (!Number.isFinite(alpha))
      throw new RangeError(`LeakyReLU: alpha must be a finite number, got ${alpha}`);
    this.alpha = alpha;
  }

  /** Rebuilds a LeakyReLU layer from its config. */
  static fromConfig(config: LayerConfig): LeakyReLU {
    return new LeakyReLU(new ConfigReader(config).number('alpha', 0.01));
  }

  /** The negative slope. */
  get negativeSlope(): number {
    return this.alpha;
  }

  override describe(): string {
    return `LeakyReLU(${this.alpha})`;
  }

  getConfig(): LayerConfig {
    return { type: this.type, alpha: this.alpha };
  }
}
