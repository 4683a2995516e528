import { Text } from 'ink';
import { formatPercent } from '../format.js';
import { color } from './ansi.js';
import { type Series, lineChart } from './chart.js';
import { Lines, Panel } from './Panel.js';

/** Props of {@link LossChart} and {@link AccuracyChart}. */
export interface ChartProps {
  width: number;
  /** Plot rows (the panel adds 3: borders and the x axis). */
  plotHeight: number;
  /** Steps of the whole run: the x axis. */
  totalSteps: number;
}

/** Training loss against steps, with the current learning rate in the title. */
export function LossChart({
  width,
  plotHeight,
  totalSteps,
  loss,
  learningRate,
}: ChartProps & { loss: ReadonlyArray<[number, number]>; learningRate: number | null }) {
  const last = loss.length > 0 ? loss[loss.length - 1][1] : null;
  const title = `Training loss${last === null ? '' : ` ${last.toFixed(4)}`}${learningRate === null ? '' : ` · lr ${learningRate.toPrecision(3)}`}`;
  // Log scale: a loss falling from 2.3 to 0.02 stays readable all the way down.
  const lines = lineChart([{ label: 'loss', color: 'yellow', points: loss }], {
    width: width - 2,
    height: plotHeight,
    xMax: totalSteps,
    logY: true,
    formatY: (y) => (y >= 0.1 ? y.toFixed(2) : y.toPrecision(2)),
  });
  return (
    <Panel title={title} width={width}>
      <Lines lines={lines} />
      <Text wrap="truncate" color="gray">
        {' '}
        <Text color="yellow">━ loss</Text> (moving average, log scale)
      </Text>
    </Panel>
  );
}

/** Training, validation and test accuracy against steps; the y axis zooms to the data. */
export function AccuracyChart({
  width,
  plotHeight,
  totalSteps,
  train,
  val,
  test,
}: ChartProps & {
  train: ReadonlyArray<[number, number]>;
  val: ReadonlyArray<[number, number]>;
  test: ReadonlyArray<[number, number]>;
}) {
  const series: Series[] = [
    { label: 'train', color: 'cyan', points: train },
    { label: 'val', color: 'magenta', points: val },
    { label: 'test', color: 'green', points: test },
  ];
  // Zoom in once accuracy is high: the interesting part of MNIST is 0.95 → 1.
  const recent = [...train.slice(-Math.max(1, Math.floor(train.length / 2))), ...val, ...test].map(
    (p) => p[1],
  );
  const lo = recent.length > 0 ? Math.min(...recent) : 0;
  const yMin = Math.max(0, Math.floor(lo * 20) / 20);
  const lines = lineChart(
    series.filter((s) => s.points.length > 0),
    {
      width: width - 2,
      height: plotHeight,
      xMax: totalSteps,
      yMin,
      yMax: 1,
      formatY: (y) => formatPercent(y, 0),
    },
  );
  const last = (s: ReadonlyArray<[number, number]>) =>
    s.length > 0 ? formatPercent(s[s.length - 1][1], 1) : '—';
  return (
    <Panel title="Accuracy" width={width}>
      <Lines lines={lines} />
      <Text wrap="truncate">
        {' '}
        {color('cyan', `━train ${last(train)}`)} {color('magenta', `━val ${last(val)}`)}{' '}
        {color('green', `━test ${last(test)}`)}
      </Text>
    </Panel>
  );
}
