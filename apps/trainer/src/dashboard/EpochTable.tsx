import { Text } from 'ink';
import { formatPercent, formatSeconds } from '../format.js';
import type { EpochInfo } from '../protocol.js';
import { Lines, Panel } from './Panel.js';

/** Outer width of the epoch table. */
export const EPOCH_TABLE_WIDTH = 44;

/** Props of {@link EpochTable}. */
export interface EpochTableProps {
  epochs: readonly EpochInfo[];
  /** Content rows available (header included); older epochs scroll off the top. */
  rows: number;
}

/** One row per finished epoch: loss, train/val/test accuracy, time. */
export function EpochTable({ epochs, rows }: EpochTableProps) {
  const header = ' Ep   Loss   Train     Val    Test   Time';
  const shown = epochs.slice(-Math.max(1, rows - 1));
  const best = epochs.reduce((b, e) => Math.max(b, e.testAccuracy), 0);
  const lines = shown.map((e) => {
    const cols = [e.trainAccuracy, e.valAccuracy, e.testAccuracy].map((a) => formatPercent(a).padStart(7));
    const row = `${String(e.epoch).padStart(3)} ${e.loss.toFixed(4)} ${cols.join(' ')} ${formatSeconds(e.seconds).padStart(6)}`;
    return e.testAccuracy === best ? `\x1b[1m${row}\x1b[22m` : row;
  });
  return (
    <Panel title="Epochs" width={EPOCH_TABLE_WIDTH}>
      <Text color="gray" wrap="truncate">
        {header}
      </Text>
      {lines.length === 0 ? <Text color="gray"> (after the first epoch)</Text> : <Lines lines={lines} />}
    </Panel>
  );
}
