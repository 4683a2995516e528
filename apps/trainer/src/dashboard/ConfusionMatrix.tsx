import { Text } from 'ink';
import { color } from './ansi.js';
import { Lines, Panel } from './Panel.js';

/** Width of one count cell for a matrix whose largest count is `max`. */
function cellWidth(max: number): number {
  return Math.max(2, String(max).length) + 1;
}

/** Outer width of the confusion-matrix panel for `matrix` (borders included). */
export function confusionWidth(matrix: readonly (readonly number[])[] | null): number {
  const n = matrix?.length ?? 10;
  const max = matrix ? Math.max(...matrix.flat()) : 1000;
  return 4 + n * cellWidth(max) + 2;
}

/** Props of {@link ConfusionMatrix}. */
export interface ConfusionMatrixProps {
  /** confusion[actual][predicted]; null before the first evaluation. */
  matrix: readonly (readonly number[])[] | null;
  epoch: number | null;
}

/**
 * Test-set confusion matrix: rows are the true class, columns the prediction. The diagonal is green,
 * mistakes are red (the larger, the brighter the warning) and zeros are dots.
 */
export function ConfusionMatrix({ matrix, epoch }: ConfusionMatrixProps) {
  const width = confusionWidth(matrix);
  const title = epoch === null ? 'Confusion (test)' : `Confusion (test, epoch ${epoch})`;
  if (matrix === null) {
    return (
      <Panel title={title} width={width}>
        <Text color="gray"> (after the first epoch)</Text>
      </Panel>
    );
  }
  const n = matrix.length;
  const cw = cellWidth(Math.max(...matrix.flat()));
  const rowTotals = matrix.map((r) => r.reduce((a, b) => a + b, 0));
  const header = color(
    'gray',
    `t\\p ${Array.from({ length: n }, (_, j) => String(j).padStart(cw)).join('')}`,
  );
  const rows = matrix.map((row, i) => {
    const cells = row
      .map((v, j) => {
        const s = (v === 0 ? '·' : String(v)).padStart(cw);
        if (i === j) return color('green', s);
        if (v === 0) return color('gray', s);
        return color(v / Math.max(1, rowTotals[i]) >= 0.01 ? 'red' : 'yellow', s);
      })
      .join('');
    return `${color('gray', String(i).padStart(2))} ${color('gray', '│')}${cells}`;
  });
  return (
    <Panel title={title} width={width}>
      <Lines lines={[header, ...rows]} />
    </Panel>
  );
}
