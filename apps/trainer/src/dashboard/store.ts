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
  /** Training loss by step, smoothed (see {@link DashboardStore}). */
  loss: Array<[number, number]>;
  /** Training accuracy by step, smoothed. */
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

/** Per-batch decay of the exponential moving average of the training curves (≈ 20-batch memory). */
const DECAY = 0.95;

/**
 * Folds worker messages into dashboard state. Messages arrive at any rate; the UI takes a
 * {@link snapshot} at its own bounded frame rate, so a burst of messages costs one redraw.
 *
 * Batch messages carry running means over the epoch so far, which restart at every epoch and would
 * draw a saw-tooth. The charts instead show the mean over each window between two messages
 * (recovered from consecutive running means), smoothed by an exponential moving average.
 */
export class DashboardStore {
  private readonly state: DashboardState;
  private last: BatchInfo | null = null;
  private ema: { loss: number; accuracy: number } | null = null;
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
      case 'batch': {
        const b = msg.info;
        s.batch = b;
        s.phase = 'training';
        const prev =
          this.last !== null && this.last.epoch === b.epoch && this.last.batch < b.batch ? this.last : null;
        // Mean over the batches since the previous message: n·mean(n) − m·mean(m) over n − m.
        const window = (now: number, before: number) =>
          prev === null ? now : (now * b.batch - before * prev.batch) / (b.batch - prev.batch);
        const loss = window(b.loss, prev?.loss ?? 0);
        const accuracy = Math.min(1, Math.max(0, window(b.accuracy, prev?.accuracy ?? 0)));
        // The window holds n batches: weigh it as n per-batch EMA steps, whatever the message rate.
        const n = prev === null ? 1 : b.batch - prev.batch;
        const w = 1 - DECAY ** n;
        this.ema =
          this.ema === null
            ? { loss, accuracy }
            : {
                loss: this.ema.loss + w * (loss - this.ema.loss),
                accuracy: this.ema.accuracy + w * (accuracy - this.ema.accuracy),
              };
        this.last = b;
        pushPoint(s.loss, [b.step, this.ema.loss]);
        pushPoint(s.trainAccuracy, [b.step, this.ema.accuracy]);
        return;
      }
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
        // The last frame says why training ended when it was not simply all epochs.
        if (msg.stopMessage) s.status = msg.stopMessage;
        return;
      case 'error':
        s.status = msg.message;
        return;
    }
  }

  private addEpoch(e: EpochInfo, step: number): void {
    const s = this.state;
    s.epochs = s.epochs.filter((x) => x.epoch !== e.epoch).concat(e);
    if (this.last === null) {
      // Epochs from before a resume: their means are all there is to draw.
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
