import { formatPercent, formatSeconds } from '../format.js';
import type { RunInfo, WorkerMessage } from '../protocol.js';

/** The `done` message. */
export type DoneMessage = Extract<WorkerMessage, { type: 'done' }>;

/** Quotes a path for a shell command line when it needs it. */
function shellQuote(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

/**
 * The end-of-run summary: test accuracy, time, where the files are and how to predict with the
 * model. Plain text lines (the dashboard prints them under its last frame).
 */
export function summaryLines(done: DoneMessage, info: RunInfo | null): string[] {
  const what = info ? `${info.model} on ${info.dataset}` : 'the model';
  const head = done.stopped
    ? `Stopped after ${done.epochsDone} of ${info?.epochs ?? '?'} epochs (${formatSeconds(done.seconds)}); the checkpoint resumes exactly where it stopped.`
    : `Trained ${what} for ${done.epochsDone} epochs in ${formatSeconds(done.seconds)}: test accuracy ${formatPercent(done.testAccuracy)}`;
  const lines = [head, `  model       ${done.model}`];
  if (done.checkpoint) lines.push(`  checkpoint  ${done.checkpoint}`);
  if (done.onnx) lines.push(`  onnx        ${done.onnx}`);
  lines.push(`  predict     scratchnet-predict --model ${shellQuote(done.model)} <image.png>`);
  if (done.stopped && done.checkpoint) {
    lines.push(
      `  resume      scratchnet-train --resume ${shellQuote(done.checkpoint)}${info ? ` --epochs ${info.epochs}` : ''}`,
    );
  }
  return lines;
}
