import { Box, Text } from 'ink';
import { formatCount } from '../format.js';
import type { EpochInfo, RunInfo } from '../protocol.js';

/** Props of {@link Header}. */
export interface HeaderProps {
  info: RunInfo | null;
  /** Two lines (with the optimizer and data split) when there is room, else one. */
  detailed: boolean;
  /** The last finished epoch (its best-epoch bookkeeping), or null. */
  last?: EpochInfo | null;
}

/** The schedule and, once known, the best epoch and the early-stopping count. */
export function watchLine(info: RunInfo, last: EpochInfo | null): string {
  const parts = [`lr ${info.schedule}`];
  if (info.augmentation) parts.push(`augment ${info.augmentation}`);
  if (last && last.bestEpoch !== null) {
    const patience = info.earlyStop !== null ? `/${info.earlyStop}` : '';
    parts.push(`best epoch ${last.bestEpoch} · ${last.sinceBest}${patience} without improvement`);
  } else if (info.earlyStop !== null)
    parts.push(`early stop after ${info.earlyStop} epochs without improvement`);
  return parts.join(' · ');
}

/** The run at a glance: model, dataset, backend and threads, parameter count (and the recipe). */
export function Header({ info, detailed, last = null }: HeaderProps) {
  if (info === null) {
    return (
      <Text wrap="truncate">
        <Text bold color="cyan">
          scratchnet-train
        </Text>
        <Text color="gray"> loading data and building the model…</Text>
      </Text>
    );
  }
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">
        <Text bold color="cyan">
          scratchnet-train
        </Text>
        {'  '}
        <Text bold>{info.model}</Text>
        <Text color="gray"> · </Text>
        {info.dataset}
        <Text color="gray"> · </Text>
        {info.backend} × {info.threads} {info.threads === 1 ? 'thread' : 'threads'}
        <Text color="gray"> · </Text>
        {formatCount(info.parameters)} parameters
      </Text>
      {detailed && (
        <Text wrap="truncate" color="gray">
          {info.optimizer} · batch {info.batchSize} · {formatCount(info.trainSamples)} train /{' '}
          {formatCount(info.valSamples)} val / {formatCount(info.testSamples)} test · seed {info.seed} →{' '}
          {info.outDir}
          {info.resumedFrom
            ? ` · resumed from ${info.resumedFrom.path} (epoch ${info.resumedFrom.epoch}, batch ${info.resumedFrom.batch})`
            : ''}
        </Text>
      )}
      {detailed && (
        <Text wrap="truncate" color="gray">
          {watchLine(info, last)}
        </Text>
      )}
    </Box>
  );
}
