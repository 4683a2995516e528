import { CosineAnnealingLR } from './cosine.js';
import { CosineWarmRestarts } from './cosine-warm-restarts.js';
import { EpochSchedule } from './epochs.js';
import { ExponentialLR } from './exponential.js';
import { MultiStepLR } from './multi-step.js';
import { ScaledLR } from './scaled.js';
import type { Schedule, ScheduleConfig } from './schedule.js';
import { StepLR } from './step.js';
import { LinearWarmup } from './warmup.js';

const TYPES = [
  'step',
  'multiStep',
  'exponential',
  'cosine',
  'cosineWarmRestarts',
  'warmup',
  'epochs',
  'scaled',
];

/**
 * The schedule a config describes (a {@link Schedule} object is returned as is). Throws on an
 * unknown `type` or a bad option, naming it.
 *
 * @example
 * ```ts
 * createSchedule({ type: 'cosine', tMax: 1000, etaMin: 0 }).rate(500, 0.1); // 0.05
 * ```
 */
export function createSchedule(config: ScheduleConfig | Schedule): Schedule {
  if (typeof (config as Schedule).rate === 'function') return config as Schedule;
  const c = config as ScheduleConfig;
  if (c === null || typeof c !== 'object')
    throw new TypeError(`createSchedule: expected a schedule config object`);
  switch (c.type) {
    case 'step':
      return new StepLR(c);
    case 'multiStep':
      return new MultiStepLR(c);
    case 'exponential':
      return new ExponentialLR(c);
    case 'cosine':
      return new CosineAnnealingLR(c);
    case 'cosineWarmRestarts':
      return new CosineWarmRestarts(c);
    case 'warmup':
      return new LinearWarmup(c);
    case 'epochs':
      return new EpochSchedule(c);
    case 'scaled':
      return new ScaledLR(c);
    default:
      throw new Error(
        `createSchedule: unknown schedule type '${String((c as { type?: unknown }).type)}' (expected ${TYPES.join(', ')})`,
      );
  }
}
