import type {
  BatchInfo,
  EpochInfo,
  EvaluationInfo,
  FiltersInfo,
  Phase,
  RunInfo,
  WorkerMessage,
} from '../protocol.js';

/** What the dashboard draws; built from worker messages by {@link DashboardStore}. */
export interface DashboardState {
  info: RunInfo | null;
  batch: BatchInfo | null;
  /** Training loss (running mean of the epoch) by step. */
  loss: Array<[number, number]>;
  /** Training accuracy (running mean of the epoch) by step. */
  trainAccuracy: Array<[number, number]>;
  /** Validation and test accuracy at the end of each epoch, by step. */
  valAccuracy: Array<[number, number]>;
  testAccuracy: Array<[number, number]>;
  epochs: EpochInfo[];
  evaluation: EvaluationInfo | null;
  filters: FiltersInfo | null;
  phase: Phase;
  paused: boolean;
  /** The latest notice (checkpoint written, saving, ...). */
  status: string | null;
  /** When training started (ms since the epoch), for the elapsed clock. */
  startedAt: number;
}

/** Keeps at most this many points per series; older points are thinned out evenly. */
const MAX_POINTS = 2000;

function pushPoint(series: Array<[number, number]>, point: [number, number]): void {
  series.push(point);
  if (series.length > MAX_POINTS) {
    // Drop every other point of the older half: resolution stays highest where the chart is live.
    const half = series.length >> 1;
    const kept = series.slice(0, half).filter((_, i) => i % 2 === 0);
    series.splice(0, half, ...kept);
  }
}

/**
 * Folds worker messages into dashboard state. Messages arrive at any rate; the UI takes a
 * {@link snapshot} at its own bounded frame rate, so a burst of messages costs one redraw.
 */
export class DashboardStore {
  private readonly state: DashboardState;
  /** Bumped by every change; the UI redraws only when it moved. */
  version = 0;

  constructor(now = Date.now()) {
    this.state = {
      info: null,
      batch: null,
      loss: [],
      trainAccuracy: [],
      valAccuracy: [],
      testAccuracy: [],
      epochs: [],
      evaluation: null,
      filters: null,
      phase: 'loading',
      paused: false,
      status: null,
      startedAt: now,
    };
  }

  /** Applies one message. */
  apply(msg: WorkerMessage): void {
    const s = this.state;
    this.version++;
    switch (msg.type) {
      case 'start': {
        s.info = msg.info;
        s.startedAt = Date.now();
        const per = msg.info.batchesPerEpoch;
        for (const e of msg.info.history) this.addEpoch(e, e.epoch * per);
        return;
      }
      case 'batch':
        s.batch = msg.info;
        s.phase = 'training';
        pushPoint(s.loss, [msg.info.step, msg.info.loss]);
        pushPoint(s.trainAccuracy, [msg.info.step, msg.info.accuracy]);
        return;
      case 'epoch':
        this.addEpoch(msg.info, msg.info.epoch * (s.info?.batchesPerEpoch ?? 0));
        return;
      case 'evaluation':
        s.evaluation = msg.info;
        return;
      case 'filters':
        s.filters = msg.info;
        return;
      case 'checkpoint':
        s.status = `checkpoint saved: ${msg.path} (epoch ${msg.epoch}, batch ${msg.batch})`;
        return;
      case 'paused':
        s.paused = msg.paused;
        return;
      case 'phase':
        s.phase = msg.phase;
        return;
      case 'status':
        s.status = msg.message;
        return;
      case 'done':
        s.phase = 'done';
        return;
      case 'error':
        s.status = msg.message;
        return;
    }
  }

  private addEpoch(e: EpochInfo, step: number): void {
    const s = this.state;
    s.epochs = s.epochs.filter((x) => x.epoch !== e.epoch).concat(e);
    if (s.loss.length === 0 || s.loss[s.loss.length - 1][0] < step) {
      pushPoint(s.loss, [step, e.loss]);
      pushPoint(s.trainAccuracy, [step, e.trainAccuracy]);
    }
    if (e.valAccuracy !== null) pushPoint(s.valAccuracy, [step, e.valAccuracy]);
    pushPoint(s.testAccuracy, [step, e.testAccuracy]);
  }

  /** A fresh top-level object (so React sees a change) sharing the series arrays. */
  snapshot(): DashboardState {
    return { ...this.state };
  }
}
