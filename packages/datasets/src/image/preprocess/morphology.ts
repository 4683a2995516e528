/**
 * Grey-level morphology and smoothing on [height, width] images with square windows, separable: the
 * extremes cost a few comparisons per pixel and the means a running sum, whatever the window.
 */

import { extremeFilter } from './extreme.js';

export { extremeFilter };

/**
 * Morphological closing (a maximum, then a minimum, over a (2r+1)² square): removes dark features
 * narrower than the window and keeps everything else, edges included, exactly — a ramp or a step
 * of light comes through unchanged.
 */
export function closing(src: Float32Array, w: number, h: number, r: number): Float32Array {
  return extremeFilter(extremeFilter(src, w, h, r, 1), w, h, r, -1);
}

/**
 * {@link closing} of the picture extended by r pixels on every side (edge pixels repeated), cropped
 * back: a dark region reaching the border (the table past the page edge, a shadow, a dark corner)
 * continues beyond it, so it is kept however narrow it is inside the picture; a stroke crossing the
 * border stays thin and is still removed.
 */
export function borderClosing(src: Float32Array, w: number, h: number, r: number): Float32Array {
  const pw = w + 2 * r;
  const ph = h + 2 * r;
  const padded = new Float32Array(pw * ph);
  for (let y = 0; y < ph; y++) {
    const sy = Math.min(h - 1, Math.max(0, y - r));
    for (let x = 0; x < pw; x++) padded[y * pw + x] = src[sy * w + Math.min(w - 1, Math.max(0, x - r))];
  }
  const closed = closing(padded, pw, ph, r);
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) out.set(closed.subarray((y + r) * pw + r, (y + r) * pw + r + w), y * w);
  return out;
}

/** One axis of a box mean over ±r (the window shrinks at the edges). */
function boxAxis(
  src: Float32Array,
  dst: Float32Array,
  w: number,
  h: number,
  r: number,
  alongX: boolean,
): void {
  const lines = alongX ? h : w;
  const len = alongX ? w : h;
  const step = alongX ? 1 : w;
  for (let l = 0; l < lines; l++) {
    const base = alongX ? l * w : l;
    let sum = 0;
    let n = 0;
    for (let k = 0; k < Math.min(r, len); k++) {
      sum += src[base + k * step];
      n++;
    }
    for (let i = 0; i < len; i++) {
      if (i + r < len) {
        sum += src[base + (i + r) * step];
        n++;
      }
      if (i - r - 1 >= 0) {
        sum -= src[base + (i - r - 1) * step];
        n--;
      }
      dst[base + i * step] = sum / n;
    }
  }
}

/** Mean over a (2r+1)² square (clipped at the edges). */
export function boxBlur(src: Float32Array, w: number, h: number, r: number): Float32Array {
  if (r < 1) return src.slice();
  const tmp = new Float32Array(src.length);
  const out = new Float32Array(src.length);
  boxAxis(src, tmp, w, h, r, true);
  boxAxis(tmp, out, w, h, r, false);
  return out;
}
