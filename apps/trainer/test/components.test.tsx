import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { grayIndex, stripAnsi } from '../src/dashboard/ansi.js';
import { lineChart } from '../src/dashboard/chart.js';
import { AccuracyChart, LossChart } from '../src/dashboard/Charts.js';
import { ConfusionMatrix } from '../src/dashboard/ConfusionMatrix.js';
import { EpochTable } from '../src/dashboard/EpochTable.js';
import { Filters } from '../src/dashboard/Filters.js';
import { Footer } from '../src/dashboard/Footer.js';
import { Header } from '../src/dashboard/Header.js';
import { downscale, halfBlockLines, normalizeToBytes, upscale } from '../src/dashboard/image.js';
import { Misclassified } from '../src/dashboard/Misclassified.js';
import { Progress, bar } from '../src/dashboard/Progress.js';
import { fakeBatch, fakeConfusion, fakeEpoch, fakeFilters, fakeInfo, fakeMisclassified } from './fixtures.js';

const plain = (frame: string | undefined): string[] => stripAnsi(frame ?? '').split('\n');

describe('half-block images', () => {
  it('puts the upper pixel in the foreground and the lower in the background', () => {
    // 2×2: black white / white black
    const [line] = halfBlockLines([0, 255, 255, 0], 2, 2);
    expect(line).toBe('\x1b[38;5;16;48;5;231m▀\x1b[38;5;231;48;5;16m▀\x1b[0m');
  });
  it('shares one escape across a run of equal cells and pads an odd last row with black', () => {
    const lines = halfBlockLines([128, 128, 128], 3, 1);
    expect(lines).toEqual([`\x1b[38;5;${grayIndex(128)};48;5;16m▀▀▀\x1b[0m`]);
    expect(grayIndex(128)).toBe(244); // 232 + round((128 − 8) / 10)
  });
  it('downscales by area averaging and upscales by repetition', () => {
    expect([...downscale([0, 255, 255, 255], 2, 2, 2).pixels]).toEqual([191]);
    expect([...upscale([1, 2], 2, 1, 2).pixels]).toEqual([1, 1, 2, 2, 1, 1, 2, 2]);
    expect([...normalizeToBytes([-1, 0, 1])]).toEqual([0, 128, 255]);
  });
});

describe('lineChart', () => {
  it('draws a series at the top as the top dots of every cell, and at the bottom as the bottom dots', () => {
    const top = lineChart(
      [
        {
          label: 'a',
          color: 'cyan',
          points: [
            [0, 1],
            [10, 1],
          ],
        },
      ],
      {
        width: 10,
        height: 2,
        xMax: 10,
        yMin: 0,
        yMax: 1,
        formatY: (y) => y.toFixed(0),
      },
    ).map(stripAnsi);
    // labels '1' and '0' (width 1) + ' ┤' leave 7 plot cells
    expect(top).toEqual(['1 ┤⠉⠉⠉⠉⠉⠉⠉', '0 ┤⠀⠀⠀⠀⠀⠀⠀', '  └───────']);
    const bottom = lineChart(
      [
        {
          label: 'a',
          color: 'cyan',
          points: [
            [0, 0],
            [10, 0],
          ],
        },
      ],
      {
        width: 10,
        height: 2,
        xMax: 10,
        yMin: 0,
        yMax: 1,
        formatY: (y) => y.toFixed(0),
      },
    ).map(stripAnsi);
    expect(bottom[1]).toBe('0 ┤⣀⣀⣀⣀⣀⣀⣀');
  });
  it('only draws up to the last x, so the line grows towards xMax', () => {
    const rows = lineChart(
      [
        {
          label: 'a',
          color: 'cyan',
          points: [
            [0, 1],
            [5, 1],
          ],
        },
      ],
      {
        width: 13,
        height: 1,
        xMax: 10,
        yMin: 0,
        yMax: 1,
        formatY: () => 'y',
      },
    ).map(stripAnsi);
    // one row = 4 dot rows, y = 1 is the top one; 10 cells = 20 dot columns and x = 5 maps to dot
    // column round(0.5 · 19) = 10, the left half of cell 5
    expect(rows[0]).toBe('y ┤⠉⠉⠉⠉⠉⠁⠀⠀⠀⠀');
  });
});

describe('Progress', () => {
  it('draws bars with eighth-cell resolution', () => {
    expect(bar(0.5, 4)).toBe('██  ');
    expect(bar(1 / 16, 2)).toBe('▏ ');
    expect(bar(2, 3)).toBe('███');
  });
  it('shows epoch and batch progress, samples/s, ETAs and the live metrics', () => {
    const { lastFrame } = render(
      <Progress
        info={fakeInfo()}
        batch={fakeBatch(4, 412)}
        phase="training"
        paused={false}
        width={100}
        elapsed={83}
      />,
    );
    const [epoch, batch, metrics] = plain(lastFrame());
    // (3 + 412/844)/5 = 69.8%; run ETA (844 + 432)·64/6120 = 13.3 s; epoch ETA 432·64/6120 = 4.5 s
    expect(epoch).toMatch(/^Epoch 4\/5 +█+.* 70% {2}elapsed 1:23 {2}ETA 0:13$/);
    expect(batch).toMatch(/^Batch 412\/844 +█+.* 49% +6,120 samples\/s {2}ETA 0:05$/);
    expect(metrics).toBe('loss 0.0412 · accuracy 98.70% · lr 0.009530 · step 2,944');
    expect(epoch.length).toBeLessThanOrEqual(100);
  });
  it('says when training is paused', () => {
    const { lastFrame } = render(
      <Progress
        info={fakeInfo()}
        batch={fakeBatch(1, 10)}
        phase="training"
        paused={true}
        width={80}
        elapsed={1}
      />,
    );
    expect(plain(lastFrame())[2]).toMatch(/^ PAUSED {2}loss/);
  });
});

describe('Header', () => {
  it('names the model, dataset, backend with threads and the parameter count', () => {
    const { lastFrame } = render(<Header info={fakeInfo()} detailed={true} />);
    const [first, second] = plain(lastFrame());
    expect(first).toBe('scratchnet-train  simple-cnn · MNIST · wasm × 2 threads · 804,554 parameters');
    expect(second).toContain(
      'SGD lr 0.01, decay 0.001, momentum 0.9 · batch 64 · 54,000 train / 6,000 val / 10,000 test',
    );
  });

  it('shows the schedule, augmentation and the early-stopping count in its third line', () => {
    const info = fakeInfo({ schedule: 'cosine over 12 epochs', augmentation: 'shift ≤ 2 px', earlyStop: 3 });
    const before = plain(render(<Header info={info} detailed={true} />).lastFrame());
    expect(before[2]).toBe(
      'lr cosine over 12 epochs · augment shift ≤ 2 px · early stop after 3 epochs without improvement',
    );
    const last = fakeEpoch(5, { bestEpoch: 3, sinceBest: 2 });
    const after = plain(render(<Header info={info} detailed={true} last={last} />).lastFrame());
    expect(after[2]).toBe(
      'lr cosine over 12 epochs · augment shift ≤ 2 px · best epoch 3 · 2/3 without improvement',
    );
    // one line only when the terminal is short
    expect(plain(render(<Header info={info} detailed={false} last={last} />).lastFrame())).toHaveLength(1);
  });
});

describe('EpochTable', () => {
  it('lists the latest epochs that fit, with accuracies as percentages', () => {
    const epochs = [1, 2, 3].map((e) => fakeEpoch(e));
    const { lastFrame } = render(<EpochTable epochs={epochs} rows={3} />);
    const lines = plain(lastFrame());
    expect(lines[1]).toBe('│ Ep   Loss   Train     Val    Test   Time │');
    // 3 rows: the header and the two latest epochs
    expect(lines[2]).toBe('│  2 0.1500  93.00%  96.20%  96.50%   9.2s │');
    expect(lines[3]).toBe('│  3 0.1000  94.50%  96.80%  97.00%   9.2s │');
    expect(lines).toHaveLength(5);
  });
  it('shows a dash for a missing validation accuracy', () => {
    const { lastFrame } = render(<EpochTable epochs={[fakeEpoch(1, { valAccuracy: null })]} rows={4} />);
    expect(plain(lastFrame())[2]).toContain('  91.50%       —  96.00%');
  });
});

describe('ConfusionMatrix', () => {
  it('prints counts with true classes as rows, dots for zeros, the diagonal in green', () => {
    const { lastFrame } = render(<ConfusionMatrix matrix={fakeConfusion()} epoch={3} />);
    const lines = plain(lastFrame());
    expect(lines[0]).toMatch(/^╭─ Confusion \(test, epoch 3\) ─+╮$/);
    expect(lines[1]).toBe('│t\\p     0    1    2    3    4    5    6    7    8    9│');
    expect(lines[6]).toBe('│ 4 │    ·    ·    ·    ·  984    ·    ·    ·    ·   12│');
    expect(lines[11]).toBe('│ 9 │    ·    ·    ·    · 1135    ·    ·    ·    ·  989│');
    expect(lastFrame()).toContain('\x1b[32m  980');
  });
});

describe('Misclassified', () => {
  it('captions each digit true→predicted and shows as many as fit', () => {
    const { lastFrame } = render(
      <Misclassified items={fakeMisclassified(24)} classNames={fakeInfo().classNames} width={36} rows={8} />,
    );
    const lines = plain(lastFrame());
    // half size: 14×14 pixels = 14 columns × 7 rows, plus the caption; two fit in 34 columns
    expect(lines).toHaveLength(10);
    expect(lines[8]).toBe(`│${'7→0'.padEnd(15)}${'7→1'.padEnd(19)}│`);
  });
  it('draws the digit itself: the white bar of a "1" in white half blocks', () => {
    const { lastFrame } = render(
      <Misclassified items={fakeMisclassified(1)} classNames={fakeInfo().classNames} width={100} rows={16} />,
    );
    const frame = lastFrame() ?? '';
    // full size (28 columns × 14 rows): row 5 covers pixel rows 10–11, white at x = 13..15
    const row = frame.split('\n')[6];
    // (Ink re-emits our combined escapes as one per attribute)
    expect(row).toContain('\x1b[38;5;231m\x1b[48;5;231m▀▀▀\x1b[38;5;16m\x1b[48;5;16m▀');
    expect(stripAnsi(row)).toMatch(/^│▀{28} /);
  });
  it('says when nothing is wrong', () => {
    const { lastFrame } = render(<Misclassified items={[]} classNames={[]} width={40} rows={8} />);
    expect(plain(lastFrame())[1]).toContain('none: every test image is right');
  });
});

describe('Filters', () => {
  it('draws each filter scaled to its own range: −1 black, 0 gray, +1 white', () => {
    const { lastFrame } = render(<Filters filters={fakeFilters()} width={36} rows={11} />);
    const frame = lastFrame() ?? '';
    expect(stripAnsi(frame.split('\n')[0])).toMatch(/^╭─ First conv filters \(32×1×3×3\) ─+╮$/);
    // first text row of filter 0 at scale 1: pixel rows 0 and 1 = [0, 128, 128] over [128, 255, 128]
    expect(frame.split('\n')[1]).toContain(
      '│\x1b[38;5;16m\x1b[48;5;244m▀\x1b[38;5;244m\x1b[48;5;231m▀\x1b[48;5;244m▀\x1b[49m',
    );
  });
  it('enlarges filters when there is room', () => {
    const { lastFrame } = render(<Filters filters={fakeFilters()} width={60} rows={40} />);
    // scale 4: 12 columns × 6 rows per filter, 4 per row in 58 columns, 8 rows of filters with gaps = 55 rows > 40,
    // scale 3: 9 × 5 (rounded up), 5 per row, 7 rows → 7·6 − 1 = 41 > 40; scale 2: 6 × 3, 8 per row, 4 rows → 15
    const lines = plain(lastFrame());
    expect(lines).toHaveLength(2 + 15);
    expect(lines[1]).toMatch(/^│(▀{6} ){7}▀{6} *│$/);
  });
});

describe('charts', () => {
  it('show the latest loss and learning rate, and the accuracy legend', () => {
    const loss = [
      [0, 2.3],
      [100, 0.5],
      [200, 0.2],
    ] as Array<[number, number]>;
    const l = render(
      <LossChart width={50} plotHeight={4} totalSteps={400} loss={loss} learningRate={0.00953} />,
    );
    expect(plain(l.lastFrame())[0]).toMatch(/^╭─ Training loss 0\.2000 · lr 0\.00953 ─+╮$/);
    const lossLines = plain(l.lastFrame());
    expect(lossLines).toHaveLength(4 + 2 + 2);
    // log axis from 2.3 down to 0.2; the second of 4 rows is a third of the way down in log space:
    // 2.3 · (0.2 / 2.3)^(1/3) = 1.02
    expect(lossLines[1]).toMatch(/^│2\.30 ┤/);
    expect(lossLines[2]).toMatch(/^│1\.02 ┤/);
    expect(lossLines[4]).toMatch(/^│0\.20 ┤/);
    const a = render(
      <AccuracyChart
        width={50}
        plotHeight={4}
        totalSteps={400}
        train={[
          [100, 0.9],
          [200, 0.95],
        ]}
        val={[[200, 0.96]]}
        test={[[200, 0.97]]}
      />,
    );
    const lines = plain(a.lastFrame());
    expect(lines[6]).toContain('━train 95.0% ━val 96.0% ━test 97.0%');
    // the y axis zooms to the recent data (the newer half of the training curve, val and test):
    // lowest 0.95 → from 95% to 100%
    expect(lines[1]).toMatch(/^│100% ┤/);
    expect(lines[4]).toMatch(/^│ 95% ┤/);
  });
});

describe('Footer', () => {
  it('lists the keys and the latest notice', () => {
    const { lastFrame } = render(<Footer paused={true} status="checkpoint saved: a.safetensors" />);
    expect(plain(lastFrame())[0]).toBe(
      'q save & quit · p resume · s save checkpoint │ checkpoint saved: a.safetensors',
    );
  });
});
