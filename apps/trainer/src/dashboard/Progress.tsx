import { Box, Text } from 'ink';
import { formatCount, formatDuration, formatNumber, formatPercent } from '../format.js';
import type { BatchInfo, Phase, RunInfo } from '../protocol.js';

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** A bar of `width` cells filled to `fraction`, with eighth-cell resolution. */
export function bar(fraction: number, width: number): string {
  const f = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
  const eighths = Math.round(f * width * 8);
  const full = Math.floor(eighths / 8);
  const part = EIGHTHS[eighths % 8];
  return '█'.repeat(full) + part + ' '.repeat(Math.max(0, width - full - (part ? 1 : 0)));
}

/** Props of {@link Progress}. */
export interface ProgressProps {
  info: RunInfo | null;
  batch: BatchInfo | null;
  phase: Phase;
  paused: boolean;
  width: number;
  /** Seconds since training started. */
  elapsed: number;
}

/**
 * Epoch and batch progress bars with samples/s and ETAs, and a line of the live metrics. Three rows.
 */
export function Progress({ info, batch, phase, paused, width, elapsed }: ProgressProps) {
  const epochs = batch?.epochs ?? info?.epochs ?? 0;
  const batches = batch?.batches ?? info?.batchesPerEpoch ?? 0;
  const epochsDone = batch ? batch.epoch - 1 + batch.batch / batch.batches : (info?.history.length ?? 0);
  const sps = batch?.samplesPerSecond ?? 0;
  const batchSize = info?.batchSize ?? 1;
  const stepsLeftEpoch = batch ? batch.batches - batch.batch : batches;
  const stepsLeftRun = batch ? (batch.epochs - batch.epoch) * batch.batches + stepsLeftEpoch : Number.NaN;
  const eta = (steps: number) => (sps > 0 ? formatDuration((steps * batchSize) / sps) : '-:--');

  const epochLabel = `Epoch ${String(batch?.epoch ?? Math.min(epochs, (info?.history.length ?? 0) + 1)).padStart(String(epochs).length)}/${epochs}`;
  const batchLabel = `Batch ${String(batch?.batch ?? 0).padStart(String(batches).length)}/${batches}`;
  const labelWidth = Math.max(epochLabel.length, batchLabel.length);
  const epochTail = ` ${formatPercent(epochs ? epochsDone / epochs : 0, 0).padStart(4)}  elapsed ${formatDuration(elapsed)}  ETA ${eta(stepsLeftRun)}`;
  const batchTail = ` ${formatPercent(batch ? batch.batch / batch.batches : 0, 0).padStart(4)}  ${formatCount(sps).padStart(6)} samples/s  ETA ${eta(stepsLeftEpoch)}`;
  const barWidth = Math.max(5, width - labelWidth - Math.max(epochTail.length, batchTail.length) - 3);

  const state =
    phase === 'done'
      ? { text: ' done ', color: 'green' }
      : paused
        ? { text: ' PAUSED ', color: 'yellow' }
        : phase === 'training'
          ? null
          : { text: ` ${phase}… `, color: 'cyan' };
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">
        <Text bold>{epochLabel.padEnd(labelWidth)}</Text>{' '}
        <Text color="green">{bar(epochs ? epochsDone / epochs : 0, barWidth)}</Text>
        {epochTail}
      </Text>
      <Text wrap="truncate">
        <Text bold>{batchLabel.padEnd(labelWidth)}</Text>{' '}
        <Text color="cyan">{bar(batch ? batch.batch / batch.batches : 0, barWidth)}</Text>
        {batchTail}
      </Text>
      <Text wrap="truncate">
        {state && (
          <Text inverse color={state.color}>
            {state.text}
          </Text>
        )}
        {state && ' '}
        <Text color="gray">loss </Text>
        {batch ? batch.loss.toFixed(4) : '—'}
        <Text color="gray"> · accuracy </Text>
        {formatPercent(batch?.accuracy)}
        <Text color="gray"> · lr </Text>
        {batch ? formatNumber(batch.learningRate) : info ? formatNumber(info.learningRate) : '—'}
        <Text color="gray"> · step </Text>
        {formatCount(batch?.step ?? 0)}
      </Text>
    </Box>
  );
}
