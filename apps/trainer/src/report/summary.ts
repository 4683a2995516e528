import { formatPercent, formatSeconds } from '../format.js';
import type { RunInfo, WorkerMessage } from '../protocol.js';

/** The `done` message. */
export type DoneMessage = Extract<WorkerMessage, { type: 'done' }>;

const STOPPED_BY: Record<string, string> = {
  user: '',
  signal: ' (stopped by a signal)',
  output: ' (the output could not be written)',
};

/** Quotes a path for a shell command line when it needs it. */
function shellQuote(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

/**
 * How the user runs the apps: through the root scripts (`pnpm train`, `pnpm predict`) when started by
 * the README's quick start inside the scratchnet repository, else the installed bins.
 */
function commands(): { train: string; predict: string } {
  return process.env.npm_package_name === 'scratchnet-monorepo'
    ? { train: 'pnpm train', predict: 'pnpm predict' }
    : { train: 'scratchnet-train', predict: 'scratchnet-predict' };
}

/**
 * The end-of-run summary: test accuracy, time, where the files are and how to predict with the
 * model. Plain text lines (the dashboard prints them under its last frame).
 */
export function summaryLines(done: DoneMessage, info: RunInfo | null): string[] {
  const what = info ? `${info.model} on ${info.dataset}` : 'the model';
  const lines: string[] = [];
  const { train, predict } = commands();
  const trained = `${done.epochsDone} ${done.epochsDone === 1 ? 'epoch' : 'epochs'} in ${formatSeconds(done.seconds)}`;
  if (done.stopReason === 'completed' || done.stopReason === 'early-stop') {
    lines.push(`Trained ${what} for ${trained}: test accuracy ${formatPercent(done.testAccuracy)}`);
    if (done.stopMessage) lines.push(`${done.stopMessage[0].toUpperCase()}${done.stopMessage.slice(1)}.`);
  } else if (done.stopReason === 'diverged') {
    lines.push(`Stopped ${what}: ${done.stopMessage ?? 'training diverged'}.`);
  } else {
    const at = info
      ? `epoch ${done.epochsDone + 1}/${info.epochs}, batch ${done.batchesDone}/${info.batchesPerEpoch}`
      : `${done.epochsDone} epochs and ${done.batchesDone} batches`;
    lines.push(`Stopped at ${at} after ${formatSeconds(done.seconds)}${STOPPED_BY[done.stopReason]}.`);
  }
  if (done.model) lines.push(`  model       ${done.model}`);
  if (done.best) lines.push(`  best        ${done.best} (epoch ${done.bestEpoch})`);
  if (done.checkpoint) lines.push(`  checkpoint  ${done.checkpoint}`);
  if (done.onnx) lines.push(`  onnx        ${done.onnx}`);
  // A diverged run would diverge again from its checkpoint with the same settings: no resume hint.
  const resumable =
    done.stopReason === 'user' || done.stopReason === 'signal' || done.stopReason === 'output';
  if (resumable && done.checkpoint) {
    lines.push('Continue exactly where it stopped:');
    lines.push(`  ${train} --resume ${shellQuote(done.checkpoint)}${info ? ` --epochs ${info.epochs}` : ''}`);
  }
  if (done.model === null) return lines;
  lines.push('Predict with it:');
  lines.push(`  ${predict} --model ${shellQuote(done.best ?? done.model)} <image.png>`);
  return lines;
}
