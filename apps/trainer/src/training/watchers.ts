import { join } from 'node:path';
import {
  EarlyStopping,
  type EarlyStoppingState,
  type EpochMetrics,
  type FitCallbacks,
  type MonitorState,
  ReduceLROnPlateau,
  type ReduceLROnPlateauState,
  type Sequential,
} from '@scratchnet/layers';
import type { Optimizer } from '@scratchnet/optimizers';
import { BestModelCheckpoint, type ModelMetadata } from '@scratchnet/serialization/node';
import type { ScheduleSettings } from './optimizer.js';

/** File name of the `--save-best` model inside `--out`. */
export const BEST_FILE = 'best.safetensors';

/** What watches the validation loss epoch by epoch: early stopping, plateau, best model. */
export interface Watchers {
  early: EarlyStopping | null;
  plateau: ReduceLROnPlateau | null;
  best: BestModelCheckpoint | null;
  /** All of them, as fit callbacks (in this order: they act before the trainer's epoch report). */
  list: FitCallbacks[];
}

/** The watchers' state, stored in a checkpoint's `extra.watchers`. */
export interface WatcherState {
  early: EarlyStoppingState | null;
  plateau: ReduceLROnPlateauState | null;
  best: MonitorState | null;
}

/** Settings of the watchers a run uses. */
export interface WatcherSettings {
  earlyStop: number | undefined;
  saveBest: boolean;
  schedule: ScheduleSettings;
  lr: number;
  out: string;
}

/** Builds the watchers the settings ask for and restores their saved state. */
export function createWatchers(
  s: WatcherSettings,
  model: Sequential,
  optimizer: Optimizer,
  metadata: (m: EpochMetrics) => ModelMetadata,
  saved: WatcherState | undefined,
): Watchers {
  const early =
    s.earlyStop === undefined ? null : new EarlyStopping({ monitor: 'valLoss', patience: s.earlyStop });
  let plateau: ReduceLROnPlateau | null = null;
  if (s.schedule.schedule === 'plateau') {
    plateau = new ReduceLROnPlateau(optimizer, {
      monitor: 'valLoss',
      patience: s.schedule.plateauPatience,
      factor: s.schedule.gamma ?? 0.1,
      minScale: Math.min(1, s.schedule.minLr / s.lr),
    });
  }
  const best = s.saveBest
    ? new BestModelCheckpoint({ path: join(s.out, BEST_FILE), model, monitor: 'valLoss', metadata })
    : null;
  // A run resumed after it stopped early continues: the patience counts on from where it was.
  if (saved?.early && early) early.loadStateDict({ ...saved.early, stoppedEpoch: 0 });
  if (saved?.plateau && plateau) plateau.loadStateDict(saved.plateau);
  if (saved?.best && best) best.loadStateDict(saved.best);
  const list: FitCallbacks[] = [plateau, early, best].filter((w): w is NonNullable<typeof w> => w !== null);
  return { early, plateau, best, list };
}

/** The watchers' state for a checkpoint. */
export function watcherState(w: Watchers): WatcherState {
  return {
    early: w.early?.stateDict() ?? null,
    plateau: w.plateau?.stateDict() ?? null,
    best: w.best?.stateDict() ?? null,
  };
}
