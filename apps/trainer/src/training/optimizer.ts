import type { JsonValue, Sequential } from '@scratchnet/layers';
import {
  type Optimizer,
  type OptimizerSpec,
  type ScheduleConfig,
  createOptimizer,
  inEpochs,
} from '@scratchnet/optimizers';
import { type TrainOptions, UsageError } from '../args.js';

/** The schedule settings of a run (stored with checkpoints, so a resume knows them). */
export interface ScheduleSettings {
  [key: string]: JsonValue;
  schedule: TrainOptions['schedule'];
  stepSize: number;
  gamma: number | null;
  milestones: number[] | null;
  t0: number;
  tMult: number;
  minLr: number;
  plateauPatience: number;
  warmup: number;
}

export function scheduleSettingsOf(o: TrainOptions): ScheduleSettings {
  return {
    schedule: o.schedule,
    stepSize: o.stepSize,
    gamma: o.gamma ?? null,
    milestones: o.milestones ?? null,
    t0: o.t0,
    tMult: o.tMult,
    minLr: o.minLr,
    plateauPatience: o.plateauPatience,
    warmup: o.warmup,
  };
}

/** The main schedule (after any warm-up), in optimizer steps; null for a constant rate. */
function mainSchedule(
  s: ScheduleSettings,
  lr: number,
  epochs: number,
  spe: number,
  warmupSteps: number,
): ScheduleConfig | null {
  const gamma = s.gamma ?? (s.schedule === 'exponential' ? 0.9 : 0.1);
  switch (s.schedule) {
    case 'step':
      return inEpochs({ type: 'step', stepSize: s.stepSize, gamma }, spe);
    case 'multistep':
      return inEpochs({ type: 'multiStep', milestones: s.milestones ?? [], gamma }, spe);
    case 'exponential':
      return inEpochs({ type: 'exponential', gamma }, spe);
    case 'cosine':
      // Over exactly the steps of the run, like the measured strong recipe.
      return { type: 'cosine', tMax: Math.max(1, epochs * spe - warmupSteps), etaMin: Math.min(s.minLr, lr) };
    case 'cosine-restarts':
      return inEpochs(
        { type: 'cosineWarmRestarts', t0: s.t0, tMult: s.tMult, etaMin: Math.min(s.minLr, lr) },
        spe,
      );
    default:
      return null;
  }
}

/** The optimizer's schedule config for the settings, with `spe` steps per epoch. */
export function scheduleConfig(
  s: ScheduleSettings,
  lr: number,
  epochs: number,
  spe: number,
): ScheduleConfig | undefined {
  const warmupSteps = s.warmup > 0 ? Math.max(1, Math.round(s.warmup * spe)) : 0;
  const main = mainSchedule(s, lr, epochs, spe, warmupSteps);
  let config: ScheduleConfig | null = main;
  if (warmupSteps > 0) {
    config = { type: 'warmup', steps: warmupSteps, startFactor: 0.1, ...(main ? { after: main } : {}) };
  }
  // Plateau: a settable scale, lowered by ReduceLROnPlateau (see watchers.ts).
  if (s.schedule === 'plateau') return { type: 'scaled', scale: 1, ...(config ? { schedule: config } : {}) };
  return config ?? undefined;
}

/** The optimizer the flags ask for, over the model's parameters. */
export function newOptimizer(o: TrainOptions, model: Sequential, spe: number): Optimizer {
  const schedule = scheduleConfig(scheduleSettingsOf(o), o.lr, o.epochs, spe);
  const common = { lr: o.lr, decay: o.decay, ...(schedule ? { schedule } : {}) };
  const wd = o.weightDecay > 0 ? { weightDecay: o.weightDecay } : {};
  let spec: OptimizerSpec;
  switch (o.optimizer) {
    case 'sgd':
      spec = { type: 'sgd', ...common, momentum: o.momentum, nesterov: o.nesterov, ...wd };
      break;
    case 'rmsprop':
      spec = { type: 'rmsprop', ...common, momentum: o.momentum, ...wd };
      break;
    default:
      spec = { type: o.optimizer, ...common, ...wd };
  }
  try {
    return createOptimizer(spec, model.namedParameters());
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

const NAMES: Record<string, string> = {
  sgd: 'SGD',
  adam: 'Adam',
  adamw: 'AdamW',
  rmsprop: 'RMSprop',
  adagrad: 'Adagrad',
};

/** The optimizer in words: 'SGD lr 0.05, decay 0.001, momentum 0.9'. */
export function describeOptimizer(optimizer: Optimizer): string {
  const { type, ...rest } = optimizer.getConfig() as { type: string } & Record<string, JsonValue>;
  const parts = Object.entries(rest)
    .filter(([k, v]) => v !== 0 && v !== false && v !== null && k !== 'schedule')
    .map(([k, v]) => `${k} ${Array.isArray(v) ? v.join('/') : v === true ? '' : v}`.trim());
  return `${NAMES[type] ?? type} ${parts.join(', ')}`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The schedule in words, for the header and summaries. */
export function describeSchedule(s: ScheduleSettings, epochs: number): string {
  const gamma = s.gamma ?? (s.schedule === 'exponential' ? 0.9 : 0.1);
  const floor = s.minLr > 0 ? `, floor ${s.minLr}` : '';
  let text: string;
  switch (s.schedule) {
    case 'step':
      text = `step ×${gamma} every ${plural(s.stepSize, 'epoch')}`;
      break;
    case 'multistep':
      text = `×${gamma} after epochs ${(s.milestones ?? []).join(', ')}`;
      break;
    case 'exponential':
      text = `exponential ×${gamma} per epoch`;
      break;
    case 'cosine':
      text = `cosine over ${plural(epochs - s.warmup, 'epoch')}${floor}`;
      break;
    case 'cosine-restarts':
      text = `cosine restarts every ${plural(s.t0, 'epoch')} ×${s.tMult}${floor}`;
      break;
    case 'plateau':
      text = `×${gamma} after ${plural(s.plateauPatience, 'epoch')} without a better val_loss${floor}`;
      break;
    default:
      text = 'constant';
  }
  return s.warmup > 0 ? `warm-up ${plural(s.warmup, 'epoch')}, then ${text}` : text;
}
