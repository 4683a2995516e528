import { type ColorName, FG, RESET, color } from './ansi.js';

/** One line of a chart: `points` are `[x, y]`, x increasing. */
export interface Series {
  label: string;
  color: ColorName;
  points: ReadonlyArray<readonly [number, number]>;
}

/** Layout and scale of a {@link lineChart}. */
export interface ChartOptions {
  /** Total width in cells, y labels included. */
  width: number;
  /** Plot rows (the x axis adds one more). */
  height: number;
  /** The x range drawn: `[0, xMax]` (e.g. all steps of the run, so the line grows to the right). */
  xMax: number;
  /** Fixed y bounds; each defaults to the data's range. */
  yMin?: number;
  yMax?: number;
  /** Formats y labels; the default shows 3 significant digits. */
  formatY?: (y: number) => string;
  /** Logarithmic y axis (values ≤ 0 are clamped to the smallest positive one): for losses. */
  logY?: boolean;
}

// Braille dot bits by [column][row] within a 2×4 cell.
const DOTS = [
  [0x01, 0x02, 0x04, 0x40],
  [0x08, 0x10, 0x20, 0x80],
];

/**
 * A line chart drawn with Braille dots (2×4 dots per cell), y labels on the left and an x axis below.
 * Each cell takes the colour of the last series drawn through it. Returns `height + 1` strings.
 */
export function lineChart(series: readonly Series[], options: ChartOptions): string[] {
  const { height, xMax } = options;
  const format = options.formatY ?? ((y: number) => y.toPrecision(3));
  // Everything below works on t(y): y itself, or log10 y on a log axis.
  const t = options.logY ? (y: number) => Math.log10(Math.max(y, 1e-12)) : (y: number) => y;
  const fmt = options.logY ? (v: number) => format(10 ** v) : format;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const s of series)
    for (const [, y] of s.points) {
      if (!Number.isFinite(y) || (options.logY && y <= 0)) continue;
      lo = Math.min(lo, t(y));
      hi = Math.max(hi, t(y));
    }
  if (options.yMin !== undefined) lo = t(options.yMin);
  if (options.yMax !== undefined) hi = t(options.yMax);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
    lo = 0;
    hi = 1;
  }
  if (hi - lo < 1e-9) {
    hi = lo + Math.max(Math.abs(lo) * 0.1, 1e-3);
  }
  const labels = Array.from({ length: height }, (_, r) =>
    r === 0 || r === height - 1 || r === Math.floor((height - 1) / 2)
      ? fmt(hi - ((hi - lo) * r) / Math.max(1, height - 1))
      : '',
  );
  const labelWidth = Math.max(...labels.map((l) => l.length));
  const plotWidth = Math.max(1, options.width - labelWidth - 2);
  const dotsW = plotWidth * 2;
  const dotsH = height * 4;
  const cells = new Uint8Array(plotWidth * height);
  const colors = new Array<ColorName | undefined>(plotWidth * height);

  const set = (dx: number, dy: number, c: ColorName): void => {
    if (dx < 0 || dy < 0 || dx >= dotsW || dy >= dotsH) return;
    const i = Math.floor(dy / 4) * plotWidth + Math.floor(dx / 2);
    cells[i] |= DOTS[dx % 2][dy % 4];
    colors[i] = c;
  };
  const toDot = ([x, y]: readonly [number, number]): [number, number] => [
    Math.round((Math.min(Math.max(x, 0), xMax) / Math.max(xMax, 1e-12)) * (dotsW - 1)),
    Math.round(((hi - Math.min(Math.max(t(y), lo), hi)) / (hi - lo)) * (dotsH - 1)),
  ];

  for (const s of series) {
    let prev: [number, number] | undefined;
    for (const p of s.points) {
      if (!Number.isFinite(p[1])) continue;
      const cur = toDot(p);
      if (prev === undefined) set(cur[0], cur[1], s.color);
      else line(prev, cur, (x, y) => set(x, y, s.color));
      prev = cur;
    }
  }

  const out: string[] = [];
  for (let r = 0; r < height; r++) {
    let row = '';
    let current: ColorName | undefined;
    for (let c = 0; c < plotWidth; c++) {
      const i = r * plotWidth + c;
      const col = cells[i] === 0 ? undefined : colors[i];
      if (col !== current) {
        row += col === undefined ? '\x1b[39m' : `\x1b[${FG[col]}m`;
        current = col;
      }
      row += String.fromCharCode(0x2800 + cells[i]);
    }
    out.push(`${color('gray', `${labels[r].padStart(labelWidth)} ┤`)}${row}${RESET}`);
  }
  out.push(color('gray', `${' '.repeat(labelWidth)} └${'─'.repeat(plotWidth)}`));
  return out;
}

/** Bresenham's line from a to b, inclusive. */
function line(a: [number, number], b: [number, number], plot: (x: number, y: number) => void): void {
  let [x0, y0] = a;
  const [x1, y1] = b;
  const dx = Math.abs(x1 - x0);
  const dy = -Math.abs(y1 - y0);
  const sx = x0 < x1 ? 1 : -1;
  const sy = y0 < y1 ? 1 : -1;
  let err = dx + dy;
  for (;;) {
    plot(x0, y0);
    if (x0 === x1 && y0 === y1) return;
    const e2 = 2 * err;
    if (e2 >= dy) {
      err += dy;
      x0 += sx;
    }
    if (e2 <= dx) {
      err += dx;
      y0 += sy;
    }
  }
}
