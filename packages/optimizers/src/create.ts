import { Adagrad, type AdagradConfig, type AdagradOptions } from './adagrad.js';
import { Adam, type AdamConfig, type AdamOptions } from './adam.js';
import { AdamW } from './adamw.js';
import type { Optimizer, Parameter } from './optimizer.js';
import { RMSprop, type RmspropConfig, type RmspropOptions } from './rmsprop.js';
import { SGD, type SgdConfig, type SgdOptions } from './sgd.js';

/** The JSON configuration of any optimizer, as {@link Optimizer.getConfig} returns it. */
export type OptimizerConfig = SgdConfig | AdamConfig | RmspropConfig | AdagradConfig;

/**
 * What {@link createOptimizer} accepts: a type plus any of that optimizer's options (omitted ones take
 * their defaults). Every {@link OptimizerConfig} is one.
 */
export type OptimizerSpec =
  | ({ type: 'sgd' } & SgdOptions)
  | ({ type: 'adam' | 'adamw' } & AdamOptions)
  | ({ type: 'rmsprop' } & RmspropOptions)
  | ({ type: 'adagrad' } & AdagradOptions);

const COMMON = ['lr', 'decay', 'schedule', 'maxGradNorm'];
const KEYS: Record<OptimizerSpec['type'], string[]> = {
  sgd: ['momentum', 'dampening', 'nesterov', 'weightDecay'],
  adam: ['betas', 'eps', 'weightDecay', 'amsgrad'],
  adamw: ['betas', 'eps', 'weightDecay', 'amsgrad'],
  rmsprop: ['alpha', 'eps', 'weightDecay', 'momentum', 'centered'],
  adagrad: ['lrDecay', 'weightDecay', 'initialAccumulatorValue', 'eps'],
};

/**
 * Builds an optimizer from its config (for example one recorded in a checkpoint) over `params`.
 * Throws on an unknown type or option, naming it, so a typo in a config file is not silently ignored.
 *
 * @example
 * ```ts
 * const opt = createOptimizer({ type: 'sgd', lr: 0.01, momentum: 0.9, decay: 1e-3 }, model.namedParameters());
 * const same = createOptimizer(opt.getConfig(), model.namedParameters());
 * ```
 */
export function createOptimizer(config: OptimizerSpec, params: readonly Parameter[]): Optimizer {
  if (config === null || typeof config !== 'object') {
    throw new TypeError('createOptimizer: expected a config object such as { type: "sgd", lr: 0.01 }');
  }
  const type = config.type;
  if (!Object.hasOwn(KEYS, type)) {
    throw new Error(
      `createOptimizer: unknown optimizer type '${String(type)}' (expected ${Object.keys(KEYS).join(', ')})`,
    );
  }
  const allowed = [...COMMON, ...KEYS[type]];
  for (const key of Object.keys(config)) {
    if (key !== 'type' && !allowed.includes(key)) {
      throw new Error(
        `createOptimizer: unknown option '${key}' for '${type}' (expected ${allowed.join(', ')})`,
      );
    }
  }
  switch (config.type) {
    case 'sgd':
      return new SGD(params, config);
    case 'adam':
      return new Adam(params, config);
    case 'adamw':
      return new AdamW(params, config);
    case 'rmsprop':
      return new RMSprop(params, config);
    case 'adagrad':
      return new Adagrad(params, config);
  }
}
