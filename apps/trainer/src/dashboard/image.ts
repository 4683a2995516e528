import { RESET, grayIndex } from './ansi.js';

/**
 * Draws a grayscale image (0 black … 255 white, row-major H×W) with Unicode upper half blocks: each
 * character cell shows two pixel rows, the upper as foreground and the lower as background colour.
 * Returns one string per text row (⌈H/2⌉ rows of W cells), each ending with a reset. Runs of equal
 * colour pairs share one escape sequence, which keeps the output small.
 */
export function halfBlockLines(pixels: ArrayLike<number>, width: number, height: number): string[] {
  const lines: string[] = [];
  for (let y = 0; y < height; y += 2) {
    let line = '';
    let last = '';
    for (let x = 0; x < width; x++) {
      const top = grayIndex(pixels[y * width + x]);
      const bottom = y + 1 < height ? grayIndex(pixels[(y + 1) * width + x]) : 16;
      const code = `\x1b[38;5;${top};48;5;${bottom}m`;
      if (code !== last) line += code;
      last = code;
      line += '▀';
    }
    lines.push(line + RESET);
  }
  return lines;
}

/** Shrinks an image by an integer `factor` with area averaging (28×28 → 14×14 for factor 2). */
export function downscale(
  pixels: ArrayLike<number>,
  width: number,
  height: number,
  factor: number,
): { pixels: Uint8Array; width: number; height: number } {
  const w = Math.floor(width / factor);
  const h = Math.floor(height / factor);
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let sum = 0;
      for (let dy = 0; dy < factor; dy++)
        for (let dx = 0; dx < factor; dx++) sum += pixels[(y * factor + dy) * width + x * factor + dx];
      out[y * w + x] = Math.round(sum / (factor * factor));
    }
  }
  return { pixels: out, width: w, height: h };
}

/** Grows an image by an integer `factor`, nearest neighbour (for 3×3 filters). */
export function upscale(
  pixels: ArrayLike<number>,
  width: number,
  height: number,
  factor: number,
): { pixels: Uint8Array; width: number; height: number } {
  const w = width * factor;
  const h = height * factor;
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      out[y * w + x] = pixels[Math.floor(y / factor) * width + Math.floor(x / factor)];
  return { pixels: out, width: w, height: h };
}

/** Maps floats to 0–255 by their own min and max (a constant map is mid-gray). */
export function normalizeToBytes(values: ArrayLike<number>): Uint8Array {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    lo = Math.min(lo, values[i]);
    hi = Math.max(hi, values[i]);
  }
  const out = new Uint8Array(values.length);
  const range = hi - lo;
  for (let i = 0; i < values.length; i++)
    out[i] = range > 0 ? Math.round(((values[i] - lo) / range) * 255) : 128;
  return out;
}
