import { CategoricalCrossEntropy } from './categorical-cross-entropy.js';
import type { Loss } from './loss.js';
import { MSE } from './mse.js';
import { SoftmaxCrossEntropy } from './softmax-cross-entropy.js';

export { CategoricalCrossEntropy } from './categorical-cross-entropy.js';
export type { Loss } from './loss.js';
export { MSE } from './mse.js';
export { SoftmaxCrossEntropy } from './softmax-cross-entropy.js';

/** Names accepted wherever a loss is expected. */
export type LossName = 'softmaxCrossEntropy' | 'categoricalCrossEntropy' | 'mse';

/** A loss by name (a {@link Loss} object is returned as is). */
export function createLoss(loss: LossName | Loss): Loss {
  if (typeof loss !== 'string') return loss;
  switch (loss) {
    case 'softmaxCrossEntropy':
      return new SoftmaxCrossEntropy();
    case 'categoricalCrossEntropy':
      return new CategoricalCrossEntropy();
    case 'mse':
      return new MSE();
    default:
      throw new TypeError(
        `unknown loss '${loss as string}' (known: softmaxCrossEntropy, categoricalCrossEntropy, mse)`,
      );
  }
}
