/** How predictions are printed: readable text (with bars and optional pictures) or JSON lines. */
import type { Classification } from '@scratchnet/datasets';

/** One image's result: what the model read, and which file it was. */
export interface Prediction {
  /** The path as given on the command line (`-` for standard input). */
  file: string;
  /** The classification (probabilities, ranking, warnings, the prepared picture). */
  result: Classification;
}

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** A bar of `width` cells for a fraction in [0, 1], in eighths of a cell. */
export function bar(fraction: number, width = 20): string {
  const eighths = Math.round(Math.min(1, Math.max(0, fraction)) * width * 8);
  return '█'.repeat(Math.floor(eighths / 8)) + EIGHTHS[eighths % 8];
}

function percent(p: number): string {
  return `${(p * 100).toFixed(1)}%`;
}

/** How a file is named in output: standard input as `<stdin>`. */
export function displayName(file: string): string {
  return file === '-' ? '<stdin>' : file;
}

/**
 * The text block for one image:
 * ```
 * digit.png: 7 (97.3%)
 *   7   97.3%  ███████████████████▍
 *   1    1.2%  ▎
 * ```
 * with the ranked classes (the classification's `top`), after the pictures when `show`.
 */
export function formatText(p: Prediction, options: { show?: boolean; color?: boolean } = {}): string {
  const { result } = p;
  const lines = [`${displayName(p.file)}: ${result.label} (${percent(result.confidence)})`];
  if (options.show) lines.push(...drawPanels(result, options.color ?? false));
  const width = Math.max(...result.ranking.map((r) => r.label.length));
  for (const r of result.ranking) {
    lines.push(
      `  ${r.label.padEnd(width)}  ${percent(r.probability).padStart(6)}  ${bar(r.probability)}`.trimEnd(),
    );
  }
  return lines.join('\n');
}

/** The shortest decimal that reads back as the same float32 (the network computes in float32). */
export function shortestFloat32(v: number): number {
  const f = Math.fround(v);
  for (let digits = 1; digits < 9; digits++) {
    const d = Number(f.toPrecision(digits));
    if (Math.fround(d) === f) return d;
  }
  return Number(f.toPrecision(9));
}

/**
 * The JSON line for one image:
 * `{"file","prediction","label","probability","top":[{"index","label","probability"}…],"warnings":[…],"model"}`,
 * `top` holding the ranked classes (as many as `--top`), `model` the model used (when given).
 */
export function formatJson(p: Prediction, model?: string): string {
  const { result } = p;
  return JSON.stringify({
    file: p.file,
    prediction: result.prediction,
    label: result.label,
    probability: shortestFloat32(result.confidence),
    top: result.ranking.map((r) => ({
      index: r.index,
      label: r.label,
      probability: shortestFloat32(r.probability),
    })),
    warnings: result.warnings,
    model,
  });
}

/** A grey picture (bytes, row-major) for drawing. */
export interface Panel {
  width: number;
  height: number;
  data: Uint8Array;
  title: string;
}

/** `src` ([h, w], any scale) fitted into size×size bytes (longer side to `size`, centred), each cell its strongest `toByte`. */
export function fitInto(
  src: ArrayLike<number>,
  w: number,
  h: number,
  toByte: (v: number) => number,
  size = 28,
): Uint8Array {
  const out = new Uint8Array(size * size);
  const s = Math.max(w, h) / size;
  const ow = Math.max(1, Math.round(w / s));
  const oh = Math.max(1, Math.round(h / s));
  const x0 = (size - ow) >> 1;
  const y0 = (size - oh) >> 1;
  for (let y = 0; y < oh; y++) {
    const ya = Math.floor(y * s);
    const yb = Math.max(ya + 1, Math.min(h, Math.floor((y + 1) * s)));
    for (let x = 0; x < ow; x++) {
      const xa = Math.floor(x * s);
      const xb = Math.max(xa + 1, Math.min(w, Math.floor((x + 1) * s)));
      // the strongest value of the cell, so thin strokes stay visible when shrunk
      let m = 0;
      for (let yy = ya; yy < yb; yy++)
        for (let xx = xa; xx < xb; xx++) m = Math.max(m, toByte(src[yy * w + xx]));
      out[(y + y0) * size + x + x0] = m;
    }
  }
  return out;
}

/** Grey of the mask's classes: paper, ink that is not the digit, the digit. */
const MASK_GREYS = [0, 96, 255];

/** The three pictures of --show: the ink found (the digit bright, other ink dim), the crop, the input. */
export function panels(result: Classification): Panel[] {
  const { mask, crop, pixels28 } = result.image;
  let top = 0;
  for (const v of crop.data) if (v > top) top = v;
  return [
    {
      width: 28,
      height: 28,
      title: 'ink found',
      data: fitInto(mask.data, mask.width, mask.height, (v) => MASK_GREYS[v]),
    },
    {
      width: 28,
      height: 28,
      title: 'digit',
      data: fitInto(crop.data, crop.width, crop.height, (v) => Math.round(255 * Math.min(1, v / (top || 1)))),
    },
    { width: 28, height: 28, title: 'network input', data: pixels28 },
  ];
}

/**
 * 28×28 pictures as terminal lines, side by side: in colour, 14 lines of half blocks (two pixels per
 * cell, 256-colour greys); otherwise 14 lines of ASCII shades (one character per 1×2 pixels, as a
 * terminal cell is about twice as tall as wide) in frames.
 */
export function drawPictures(pictures: readonly Panel[], color: boolean): string[] {
  const size = 28;
  const columns = pictures.map((p) => {
    const lines: string[] = [];
    if (color) {
      const grey = (v: number) => (v < 8 ? 16 : 232 + Math.round(((v - 8) / 247) * 23));
      lines.push(p.title.padEnd(size));
      for (let y = 0; y < size; y += 2) {
        let line = '';
        for (let x = 0; x < size; x++) {
          line += `\x1b[38;5;${grey(p.data[y * size + x])};48;5;${grey(p.data[(y + 1) * size + x])}m▀`;
        }
        lines.push(`${line}\x1b[0m`);
      }
      return lines;
    }
    const ramp = ' .:-=+*#%@';
    lines.push(` ${p.title.padEnd(size)} `);
    lines.push(`+${'-'.repeat(size)}+`);
    for (let y = 0; y < size; y += 2) {
      let line = '|';
      for (let x = 0; x < size; x++) {
        const v = Math.max(p.data[y * size + x], p.data[(y + 1) * size + x]);
        line += ramp[Math.min(ramp.length - 1, Math.floor((v / 256) * ramp.length))];
      }
      lines.push(`${line}|`);
    }
    lines.push(`+${'-'.repeat(size)}+`);
    return lines;
  });
  return columns[0].map((_, i) => `  ${columns.map((c) => c[i]).join('  ')}`.trimEnd());
}

/** The --show pictures of a classification. */
export function drawPanels(result: Classification, color: boolean): string[] {
  return drawPictures(panels(result), color);
}
