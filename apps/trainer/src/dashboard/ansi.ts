/**
 * The few ANSI escapes the dashboard writes itself: 256-colour grayscale for images (one `▀` cell
 * shows two pixels: foreground the upper, background the lower) and the chart series colours. Ink
 * measures and clips strings with escapes correctly, so whole panels can be one string per line.
 */

/** Resets every attribute. */
export const RESET = '\x1b[0m';

/** Foreground colours of the 16-colour palette by name. */
export const FG = {
  red: 31,
  green: 32,
  yellow: 33,
  blue: 34,
  magenta: 35,
  cyan: 36,
  gray: 90,
} as const;

/** A colour name of {@link FG}. */
export type ColorName = keyof typeof FG;

/** `text` in a 16-colour foreground. */
export function color(name: ColorName, text: string): string {
  return `\x1b[${FG[name]}m${text}\x1b[39m`;
}

/**
 * The 256-colour index closest to gray level `v` (0–255): 16 is black, 231 white and 232–255 the
 * 24-step ramp 8, 18, …, 238 in between.
 */
export function grayIndex(v: number): number {
  if (v < 4) return 16;
  if (v > 246) return 231;
  return 232 + Math.max(0, Math.min(23, Math.round((v - 8) / 10)));
}

/** Removes ANSI escapes (for measuring and for tests). */
export function stripAnsi(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching escapes is the point
  return s.replace(/\x1b\[[0-9;]*m/g, '');
}
