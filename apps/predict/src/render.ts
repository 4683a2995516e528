/** How predictions are printed: readable text (with bars and an optional picture) or JSON lines. */

/** One image's result. */
export interface Prediction {
  /** The path as given on the command line (`-` for standard input). */
  file: string;
  /** Index of the most likely class. */
  prediction: number;
  /** Its name. */
  label: string;
  /** One probability per class, in class order. */
  probabilities: number[];
  /** The 28×28 input the network saw, as bytes. */
  pixels28: Uint8Array;
  /** Name of every class (the model's). */
  classNames: readonly string[];
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

/**
 * The text block for one image:
 * ```
 * digit.png: 7 (97.3%)
 *   7   97.3%  ███████████████████▍
 *   1    1.2%  ▎
 * ```
 * with the classes most likely first, `top` of them (default all), after the picture when `show`.
 */
export function formatText(
  p: Prediction,
  options: { top?: number; show?: boolean; color?: boolean } = {},
): string {
  const lines = [
    `${p.file === '-' ? '<stdin>' : p.file}: ${p.label} (${percent(p.probabilities[p.prediction])})`,
  ];
  if (options.show) lines.push(...drawDigit(p.pixels28, options.color ?? false));
  const order = p.probabilities
    .map((_, i) => i)
    .sort((a, b) => p.probabilities[b] - p.probabilities[a] || a - b);
  const shown = order.slice(0, options.top ?? order.length);
  const names = shown.map((i) => p.classNames[i] ?? String(i));
  const width = Math.max(...names.map((n) => n.length));
  shown.forEach((c, j) => {
    const pr = p.probabilities[c];
    lines.push(`  ${names[j].padEnd(width)}  ${percent(pr).padStart(6)}  ${bar(pr)}`.trimEnd());
  });
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

/** The JSON line for one image: `{"file","prediction","label","probabilities","model"}` (`model` when given). */
export function formatJson(p: Prediction, model?: string): string {
  return JSON.stringify({
    file: p.file,
    prediction: p.prediction,
    label: p.label,
    probabilities: p.probabilities.map(shortestFloat32),
    model,
  });
}

/**
 * The 28×28 picture as terminal lines: in colour, 14 lines of half blocks (two pixels per cell,
 * 256-colour greys); otherwise 28 lines of ASCII shades, two characters per pixel, in a frame.
 */
export function drawDigit(pixels: Uint8Array, color: boolean, size = 28): string[] {
  const lines: string[] = [];
  if (color) {
    const grey = (v: number) => (v < 8 ? 16 : 232 + Math.round(((v - 8) / 247) * 23));
    for (let y = 0; y < size; y += 2) {
      let line = '  ';
      for (let x = 0; x < size; x++) {
        line += `\x1b[38;5;${grey(pixels[y * size + x])};48;5;${grey(pixels[(y + 1) * size + x] ?? 0)}m▀`;
      }
      lines.push(`${line}\x1b[0m`);
    }
    return lines;
  }
  const ramp = ' .:-=+*#%@';
  const edge = `  +${'-'.repeat(2 * size)}+`;
  lines.push(edge);
  for (let y = 0; y < size; y++) {
    let line = '  |';
    for (let x = 0; x < size; x++) {
      const c = ramp[Math.min(ramp.length - 1, Math.floor((pixels[y * size + x] / 256) * ramp.length))];
      line += c + c;
    }
    lines.push(`${line}|`);
  }
  lines.push(edge);
  return lines;
}
