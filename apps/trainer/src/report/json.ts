import type { WorkerMessage } from '../protocol.js';

/** One line of `--json` output; every event has an `event` field (schema in the README). */
export type JsonEvent = { event: string } & Record<string, unknown>;

/** Rounds away float noise (6 significant digits) so the output stays readable. */
function r(x: number | null): number | null {
  return x === null ? null : Number(x.toPrecision(6));
}

/** Maps a worker message to its JSON event, or `null` when the message has none. */
export function toJsonEvent(msg: WorkerMessage): JsonEvent | null {
  switch (msg.type) {
    case 'start': {
      const i = msg.info;
      return {
        event: 'start',
        model: i.model,
        dataset: i.dataset,
        classNames: i.classNames,
        backend: i.backend,
        threads: i.threads,
        parameters: i.parameters,
        epochs: i.epochs,
        batchSize: i.batchSize,
        batchesPerEpoch: i.batchesPerEpoch,
        trainSamples: i.trainSamples,
        valSamples: i.valSamples,
        testSamples: i.testSamples,
        optimizer: i.optimizer,
        schedule: i.schedule,
        augmentation: i.augmentation,
        earlyStop: i.earlyStop,
        best: i.bestPath,
        learningRate: i.learningRate,
        seed: i.seed,
        out: i.outDir,
        resumedFrom: i.resumedFrom,
      };
    }
    case 'batch': {
      if (!msg.progress) return null;
      const b = msg.info;
      return {
        event: 'progress',
        epoch: b.epoch,
        epochs: b.epochs,
        batch: b.batch,
        batches: b.batches,
        step: b.step,
        loss: r(b.loss),
        accuracy: r(b.accuracy),
        learningRate: r(b.learningRate),
        samplesPerSecond: Math.round(b.samplesPerSecond),
      };
    }
    case 'epoch': {
      const e = msg.info;
      return {
        event: 'epoch',
        epoch: e.epoch,
        epochs: e.epochs,
        loss: r(e.loss),
        trainAccuracy: r(e.trainAccuracy),
        valLoss: r(e.valLoss),
        valAccuracy: r(e.valAccuracy),
        testLoss: r(e.testLoss),
        testAccuracy: r(e.testAccuracy),
        seconds: r(e.seconds),
        samplesPerSecond: Math.round(e.samplesPerSecond),
        learningRate: r(e.learningRate),
        bestEpoch: e.bestEpoch,
        sinceBest: e.sinceBest,
      };
    }
    case 'checkpoint':
      return { event: 'checkpoint', path: msg.path, epoch: msg.epoch, batch: msg.batch, reason: msg.reason };
    case 'done':
      return {
        event: 'done',
        model: msg.model,
        testAccuracy: r(msg.testAccuracy),
        seconds: r(msg.seconds),
        epochs: msg.epochsDone,
        stopped: msg.stopped,
        stopReason: msg.stopReason,
        message: msg.stopMessage,
        bestEpoch: msg.bestEpoch,
        best: msg.best,
        checkpoint: msg.checkpoint,
        onnx: msg.onnx,
      };
    default:
      return null;
  }
}

/** `--json` output: one JSON object per line. */
export class JsonReporter {
  constructor(private readonly write: (line: string) => void) {}

  /** Handles one worker message. */
  handle(msg: WorkerMessage): void {
    const event = toJsonEvent(msg);
    if (event !== null) this.write(JSON.stringify(event));
  }
}
