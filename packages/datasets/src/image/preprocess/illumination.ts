/**
 * Flattening uneven light: the paper's brightness is estimated at a large scale and the ink measured
 * against it, so a shadow band, vignetted corners or the table past the page edge become paper, not ink.
 */
import { percentile } from './levels.js';
import { borderClosing } from './morphology.js';

/** Window radius of the paper estimate, as a fraction of the picture's longer side. */
const PAPER_RADIUS = 0.06;
/** Darkest paper the ink contrast is measured against, as a fraction of the typical paper. */
const PAPER_FLOOR = 0.3;

/** The ink map of a picture and its paper estimate. */
export interface InkMap {
  /** Ink per pixel: how much darker than the paper around it, as a fraction of the paper (≥ 0). */
  ink: Float32Array;
  /** The paper's brightness under each pixel (in the picture's polarity: paper high). */
  paper: Float32Array;
}

/**
 * The paper under each pixel of `light` ([h, w], paper bright and ink dark): a morphological closing
 * with a window of about an eighth of the picture (wider than any stroke, narrower than a shadow),
 * with dark regions reaching the border kept however narrow. Large dark regions — a shadow, the
 * table — stay dark: they are paper. Not smoothed: a blur would smear the paper's level across the
 * sharp edge of the page.
 */
export function estimatePaper(
  light: Float32Array,
  w: number,
  h: number,
  r = paperRadius(w, h),
): Float32Array {
  return borderClosing(light, w, h, r);
}

/** The default radius of the paper estimate's window for a w×h picture. */
export function paperRadius(w: number, h: number): number {
  return Math.max(4, Math.round(PAPER_RADIUS * Math.max(w, h)));
}

/**
 * Ink as the fraction by which a pixel is darker than its paper: `(paper − light) / paper` (light
 * is reflectance times illumination, so the ratio does not depend on the illumination). Paper
 * darker than {@link PAPER_FLOOR} of the typical paper (the table, deep shadow) counts as that
 * floor, so its texture and noise do not become strong ink; differences within the noise are 0.
 */
export function inkMap(light: Float32Array, w: number, h: number, r = paperRadius(w, h)): InkMap {
  const paper = estimatePaper(light, w, h, r);
  const floor = Math.max(1e-3, PAPER_FLOOR * percentile(paper, 0.9));
  // The noise: most pixels are paper, and the closing sits on their brightest; a pixel darker than
  // its paper by less than a few times the typical difference is noise, however dark the paper.
  const diff = new Float32Array(light.length);
  for (let i = 0; i < diff.length; i++) diff[i] = paper[i] - light[i];
  const noise = 3 * percentile(diff, 0.5, -1, 1);
  const ink = new Float32Array(light.length);
  for (let i = 0; i < ink.length; i++) {
    const p = Math.max(paper[i], floor);
    ink[i] = diff[i] > noise ? diff[i] / p : 0;
  }
  return { ink, paper };
}

/**
 * The ink of {@link inkMap} alone (what preprocessing uses): a compiled stand-in can then skip
 * handing back the paper estimate. With `out` ([h, w], which may be `light` itself when the picture
 * is no longer needed), the ink is written there: no fresh array.
 */
export function inkOf(
  light: Float32Array,
  w: number,
  h: number,
  r = paperRadius(w, h),
  out?: Float32Array,
): Float32Array {
  const { ink } = inkMap(light, w, h, r);
  if (out === undefined) return ink;
  out.set(ink);
  return out;
}
