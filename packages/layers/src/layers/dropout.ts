import { type Random, type Shape, type Tensor, dropout, mul } from '@scratchnet/tensor';
import { ConfigReader } from '../config.js';
import { BaseLayer, type ForwardOptions, type LayerConfig } from '../layer.js';

/**
 * Inverted dropout, PyTorch `nn.Dropout(p)`: in training each element is zeroed with probability p
 * and the survivors are scaled by 1/(1 − p), so evaluation is the identity. The mask is drawn from
 * the model's seeded `rng` (given at build), so a run, and a resumed run, is reproducible.
 */
export class Dropout extends BaseLayer {
  readonly type = 'Dropout';
  readonly rate: number;
  private rng: Random | undefined;
  private mask: Tensor | undefined;
  private y: Tensor | undefined;
  private trained = false;

  /** @param rate probability of dropping an element, in [0, 1) */
  constructor(rate = 0.5) {
    super();
    if (!(rate >= 0 && rate < 1)) throw new RangeError(`Dropout: rate must be in [0, 1), got ${rate}`);
    this.rate = rate;
  }

  /** Rebuilds a Dropout layer from its config. */
  static fromConfig(config: LayerConfig): Dropout {
    return new Dropout(new ConfigReader(config).number('rate', 0.5));
  }

  override describe(): string {
    return `Dropout(${this.rate})`;
  }

  protected doBuild(inputShape: Shape, rng: Random): Shape {
    this.rng = rng;
    return inputShape;
  }

  forward(x: Tensor, options?: ForwardOptions): Tensor {
    this.checkInput(x);
    this.trained = options?.training === true && this.rate > 0;
    if (!this.trained) return (this.y = x);
    const y = this.ws.tensor('y', x.shape);
    const mask = this.ws.tensor('mask', x.shape);
    // Inverted dropout: keep with probability 1 − p, scaled by 1/(1 − p); the mask is kept for backward.
    dropout(x, mask, this.rate, this.rng as Random, { out: y });
    this.mask = mask;
    this.y = y;
    return y;
  }

  backward(dy: Tensor): Tensor {
    this.checkGrad(dy, this.y);
    if (!this.trained) return dy;
    const dx = this.ws.tensor('dx', dy.shape);
    mul(dy, this.mask as Tensor, dx);
    return dx;
  }

  getConfig(): LayerConfig {
    return { type: this.type, rate: this.rate };
  }
}
