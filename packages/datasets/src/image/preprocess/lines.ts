/**
 * Ruled lines: long, thin, straight and parallel, across most of the page. Found by projecting the
 * ink along near-horizontal directions, removed without cutting the strokes that cross them.
 */

import { steepestProjection } from './projection.js';

/** Directions searched, in degrees from horizontal (a page photographed a little askew). */
const MAX_TILT = 12;
/** A ruled line covers at least this fraction of the picture's width. */
const MIN_COVERAGE = 0.5;

/** A ruled line: y = k + x·slope, within ±halfWidth. */
export interface RuledLine {
  slope: number;
  k: number;
  halfWidth: number;
}

/**
 * Finds ruled lines in `ink` ([h, w]): at the direction whose projection is the most peaked, every
 * thin peak covering ≥ half the width; at least two parallel ones (a single long stroke is a digit's).
 *
 * @param level The ink level of strokes; pixels above `0.08 · level` count as ink.
 */
export function findRuledLines(ink: Float32Array, w: number, h: number, level: number): RuledLine[] {
  if (w < 64 || h < 32) return []; // a digit filling a small picture: no page to be ruled
  const on = 0.08 * level;
  const pad = Math.ceil(Math.tan((MAX_TILT * Math.PI) / 180) * w) + 1;
  const slopes: number[] = [];
  for (let deg = -MAX_TILT; deg <= MAX_TILT; deg += 1) slopes.push(Math.tan((deg * Math.PI) / 180));
  const best = steepestProjection(ink, w, h, on, slopes, pad, MIN_COVERAGE * w);
  if (best === undefined || best.score === 0) return [];
  const { counts, slope } = best;
  const lines: RuledLine[] = [];
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i];
    if (c <= MIN_COVERAGE * w || c < (counts[i - 1] ?? 0) || c < (counts[i + 1] ?? 0)) continue;
    // thin: a few pixels away, the projection has fallen to less than half
    if ((counts[i - 3] ?? 0) > c / 2 || (counts[i + 3] ?? 0) > c / 2) continue;
    if (lines.length > 0 && i - pad - lines[lines.length - 1].k < 3) continue;
    lines.push({ slope, k: i - pad, halfWidth: 1.5 });
  }
  return lines.length >= 2 ? lines : [];
}

/**
 * Removes the lines from `ink` in place: each pixel on a line takes the lesser of the ink just above
 * and just below it, so a stroke crossing the line stays whole and the line alone becomes paper.
 */
export function removeRuledLines(ink: Float32Array, w: number, h: number, lines: RuledLine[]): void {
  for (const { slope, k, halfWidth } of lines) {
    for (let x = 0; x < w; x++) {
      const yc = k + x * slope;
      const y0 = Math.ceil(yc - halfWidth);
      const y1 = Math.floor(yc + halfWidth);
      const above = y0 - 1;
      const below = y1 + 1;
      const a = above >= 0 && above < h ? ink[above * w + x] : 0;
      const b = below >= 0 && below < h ? ink[below * w + x] : 0;
      const fill = Math.min(a, b);
      for (let y = Math.max(0, y0); y <= Math.min(h - 1, y1); y++) ink[y * w + x] = fill;
    }
  }
}
