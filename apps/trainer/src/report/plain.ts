import { formatCount, formatDuration, formatNumber, formatSeconds } from '../format.js';
import type { RunInfo, WorkerMessage } from '../protocol.js';
import { summaryLines } from './summary.js';

const BAR = 30;

/** `[=====>........]` as Keras draws it. */
function kerasBar(done: number, total: number): string {
  if (done >= total) return `[${'='.repeat(BAR)}]`;
  const filled = Math.floor((done / Math.max(1, total)) * BAR);
  const head = filled > 0 ? `${'='.repeat(filled - 1)}>` : '';
  return `[${head}${'.'.repeat(BAR - head.length)}]`;
}

/** The schedule, augmentation and what watches the validation loss, in one line. */
export function runExtras(i: RunInfo): string {
  const parts = [`schedule: ${i.schedule}`];
  if (i.augmentation) parts.push(`augmentation: ${i.augmentation}`);
  if (i.earlyStop !== null)
    parts.push(
      `early stop after ${i.earlyStop} ${i.earlyStop === 1 ? 'epoch' : 'epochs'} without a better val_loss`,
    );
  if (i.bestPath) parts.push(`best model: ${i.bestPath}`);
  return parts.join(' · ');
}

/**
 * Keras-style text output for `--plain` and for non-TTY stdout: a header, `Epoch n/N`, periodic
 * progress lines (about ten per epoch), one line per finished epoch, checkpoints, and the summary.
 */
export class PlainReporter {
  private info: RunInfo | null = null;
  private epochShown = 0;

  constructor(private readonly write: (line: string) => void) {}

  /** Handles one worker message. */
  handle(msg: WorkerMessage): void {
    switch (msg.type) {
      case 'start': {
        const i = msg.info;
        this.info = i;
        this.write(
          `scratchnet-train: ${i.model} on ${i.dataset} (${formatCount(i.trainSamples)} train / ${formatCount(i.valSamples)} val / ${formatCount(i.testSamples)} test), ${i.backend} × ${i.threads} ${i.threads === 1 ? 'thread' : 'threads'}, ${formatCount(i.parameters)} parameters`,
        );
        this.write(
          `${i.optimizer}, batch ${i.batchSize}, ${formatCount(i.batchesPerEpoch)} steps per epoch, seed ${i.seed}`,
        );
        this.write(runExtras(i));
        if (i.resumedFrom) {
          this.write(
            `resuming from ${i.resumedFrom.path} at epoch ${i.resumedFrom.epoch}, batch ${i.resumedFrom.batch}`,
          );
        }
        return;
      }
      case 'batch': {
        const b = msg.info;
        this.epochHeader(b.epoch, b.epochs);
        if (!msg.progress || b.batch >= b.batches) return;
        const w = String(b.batches).length;
        const eta =
          b.samplesPerSecond > 0
            ? formatDuration(((b.batches - b.batch) * (this.info?.batchSize ?? 1)) / b.samplesPerSecond)
            : '-:--';
        this.write(
          `${String(b.batch).padStart(w)}/${b.batches} ${kerasBar(b.batch, b.batches)} - ETA: ${eta} - loss: ${b.loss.toFixed(4)} - accuracy: ${b.accuracy.toFixed(4)} - ${formatCount(b.samplesPerSecond)} samples/s`,
        );
        return;
      }
      case 'epoch': {
        const e = msg.info;
        this.epochHeader(e.epoch, e.epochs);
        const n = this.info?.batchesPerEpoch ?? 0;
        const parts = [
          `${n}/${n} ${kerasBar(1, 1)} - ${formatSeconds(e.seconds)}`,
          `loss: ${e.loss.toFixed(4)}`,
          `accuracy: ${e.trainAccuracy.toFixed(4)}`,
        ];
        if (e.valLoss !== null) parts.push(`val_loss: ${e.valLoss.toFixed(4)}`);
        if (e.valAccuracy !== null) parts.push(`val_accuracy: ${e.valAccuracy.toFixed(4)}`);
        parts.push(
          `test_loss: ${e.testLoss.toFixed(4)}`,
          `test_accuracy: ${e.testAccuracy.toFixed(4)}`,
          `lr: ${formatNumber(e.learningRate)}`,
        );
        if (e.bestEpoch !== null) parts.push(`best_epoch: ${e.bestEpoch}`, `since_best: ${e.sinceBest}`);
        parts.push(`${formatCount(e.samplesPerSecond)} samples/s`);
        this.write(parts.join(' - '));
        return;
      }
      case 'checkpoint':
        this.write(`checkpoint saved: ${msg.path} (epoch ${msg.epoch}, batch ${msg.batch})`);
        return;
      case 'paused':
        this.write(msg.paused ? 'paused' : 'resumed');
        return;
      case 'status':
        this.write(msg.message);
        return;
      case 'done':
        for (const line of summaryLines(msg, this.info)) this.write(line);
        return;
      default:
        return;
    }
  }

  private epochHeader(epoch: number, epochs: number): void {
    if (epoch > this.epochShown) {
      this.epochShown = epoch;
      this.write(`Epoch ${epoch}/${epochs}`);
    }
  }
}
