import { type Loss, type LossName, createLoss } from '../losses/index.js';

/** Loss objects by model and name: one per name per model, so their buffers are reused step after step. */
const cache = new WeakMap<object, Map<string, Loss>>();

/** The loss object `model` trains and evaluates with for `loss` (a {@link Loss} is returned as is). */
export function lossObject(model: object, loss: Loss | LossName): Loss {
  if (typeof loss !== 'string') return loss;
  let byName = cache.get(model);
  if (byName === undefined) cache.set(model, (byName = new Map()));
  let l = byName.get(loss);
  if (l === undefined) byName.set(loss, (l = createLoss(loss)));
  return l;
}
