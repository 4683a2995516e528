import { Box } from 'ink';
import { AccuracyChart, LossChart } from './Charts.js';
import { ConfusionMatrix, confusionWidth } from './ConfusionMatrix.js';
import { EPOCH_TABLE_WIDTH, EpochTable } from './EpochTable.js';
import { Filters } from './Filters.js';
import { Footer } from './Footer.js';
import { Header } from './Header.js';
import { Misclassified } from './Misclassified.js';
import { Progress } from './Progress.js';
import type { DashboardState } from './store.js';

/** Props of {@link Dashboard}. */
export interface DashboardProps {
  state: DashboardState;
  /** Terminal size in cells. */
  width: number;
  height: number;
  /** Current time (ms), for the elapsed clock. */
  now: number;
}

/** Where each panel goes for a terminal of a given size. */
export interface Layout {
  detailedHeader: boolean;
  plotHeight: number;
  /** Width of the filters panel in the chart row (0: not there). */
  chartFilters: number;
  /** Content rows of the bottom row (0: no bottom row). */
  bottomRows: number;
  bottom: Array<{ panel: 'epochs' | 'confusion' | 'misclassified' | 'filters'; width: number }>;
}

const MAX_PLOT = 14;
const MIN_MISCLASSIFIED = 34; // two half-size digits

/**
 * Fits the panels to `width`×`height`. The frame is kept at least one row shorter than the terminal:
 * Ink clears the whole screen (and flickers) when a frame is as tall as the terminal.
 */
export function layout(width: number, height: number, confusion: number[][] | null): Layout {
  const detailedHeader = height >= 30;
  // The detailed header: run, recipe and data, schedule and best-epoch bookkeeping.
  const avail = height - 1 - (detailedHeader ? 3 : 1) - 3 - 1;
  const chartFilters = width >= 120 ? 36 : 0;
  if (avail < 16) {
    return { detailedHeader, plotHeight: Math.max(2, avail - 4), chartFilters, bottomRows: 0, bottom: [] };
  }
  let bottomRows = avail >= 30 ? 11 : 8;
  let plotHeight = avail - bottomRows - 2 - 4;
  if (plotHeight > MAX_PLOT) {
    bottomRows += plotHeight - MAX_PLOT;
    plotHeight = MAX_PLOT;
  }
  const bottom: Layout['bottom'] = [{ panel: 'epochs', width: EPOCH_TABLE_WIDTH }];
  let left = width - EPOCH_TABLE_WIDTH;
  const cw = confusionWidth(confusion);
  if (bottomRows >= 11 && left - cw >= MIN_MISCLASSIFIED) {
    bottom.push({ panel: 'confusion', width: cw });
    left -= cw;
  }
  if (chartFilters === 0 && left >= MIN_MISCLASSIFIED + 24) {
    bottom.push({ panel: 'misclassified', width: left - 24 }, { panel: 'filters', width: 24 });
  } else if (left >= 17) bottom.push({ panel: 'misclassified', width: left });
  return { detailedHeader, plotHeight, chartFilters, bottomRows, bottom };
}

/** The whole dashboard for one frame: a pure function of the state and the terminal size. */
export function Dashboard({ state, width, height, now }: DashboardProps) {
  const lay = layout(width, height, state.evaluation?.confusion ?? null);
  const info = state.info;
  const totalSteps = info ? info.epochs * info.batchesPerEpoch : 1;
  const chartWidth = Math.floor((width - lay.chartFilters) / 2);
  const elapsed = (now - state.startedAt) / 1000;
  return (
    <Box flexDirection="column" width={width}>
      <Header info={info} detailed={lay.detailedHeader} last={state.epochs.at(-1) ?? null} />
      <Progress
        info={info}
        batch={state.batch}
        phase={state.phase}
        paused={state.paused}
        width={width}
        elapsed={elapsed}
      />
      <Box flexDirection="row">
        <LossChart
          width={chartWidth}
          plotHeight={lay.plotHeight}
          totalSteps={totalSteps}
          loss={state.loss}
          learningRate={state.batch?.learningRate ?? info?.learningRate ?? null}
        />
        <AccuracyChart
          width={width - lay.chartFilters - chartWidth}
          plotHeight={lay.plotHeight}
          totalSteps={totalSteps}
          train={state.trainAccuracy}
          val={state.valAccuracy}
          test={state.testAccuracy}
        />
        {lay.chartFilters > 0 && (
          <Filters filters={state.filters} width={lay.chartFilters} rows={lay.plotHeight + 2} />
        )}
      </Box>
      {lay.bottomRows > 0 && (
        <Box flexDirection="row">
          {lay.bottom.map(({ panel, width: w }) => {
            switch (panel) {
              case 'epochs':
                return <EpochTable key={panel} epochs={state.epochs} rows={lay.bottomRows} />;
              case 'confusion':
                return (
                  <ConfusionMatrix
                    key={panel}
                    matrix={state.evaluation?.confusion ?? null}
                    epoch={state.evaluation?.epoch ?? null}
                  />
                );
              case 'misclassified':
                return (
                  <Misclassified
                    key={panel}
                    items={state.evaluation?.misclassified ?? null}
                    classNames={info?.classNames ?? []}
                    width={w}
                    rows={lay.bottomRows}
                  />
                );
              case 'filters':
                return <Filters key={panel} filters={state.filters} width={w} rows={lay.bottomRows} />;
            }
            return null;
          })}
        </Box>
      )}
      <Footer paused={state.paused} status={state.status} />
    </Box>
  );
}
