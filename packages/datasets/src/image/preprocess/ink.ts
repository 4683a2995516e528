/**
 * The per-pixel passes of preprocessing over a whole picture: complement, stroke level, threshold,
 * blob kinds, the digit's crop, its stroke width and its place in the frame. Their own module so that a program can put compiled ones in its
 * place (scratchnet-predict does), which must give the same bits.
 */
import { percentile } from './levels.js';
import type { Box } from './select.js';

/** `1 − v` for every value (a picture's other polarity). */
export function complement(lum: Float32Array): Float32Array {
  const out = new Float32Array(lum.length);
  for (let i = 0; i < lum.length; i++) out[i] = 1 - lum[i];
  return out;
}

/** The ink level of the strokes: the 99.7th percentile, or the maximum when fewer pixels hold ink. */
export function strokeLevel(ink: Float32Array): number {
  let top = 0;
  for (let i = 0; i < ink.length; i++) if (ink[i] > top) top = ink[i];
  if (top === 0) return 0;
  const q = ink.length >= 1000 ? percentile(ink, 0.997, 0, top) : top;
  return Math.max(q, 0.5 * top);
}

/** 1 where `ink` is above `on`, else 0. */
export function thresholdInk(ink: Float32Array, on: number): Uint8Array {
  const out = new Uint8Array(ink.length);
  for (let i = 0; i < ink.length; i++) out[i] = ink[i] > on ? 1 : 0;
  return out;
}

/** `kind[label]` for every pixel's label (a table, not a Set lookup per pixel). */
export function labelKinds(labels: Int32Array, kind: Uint8Array): Uint8Array {
  const out = new Uint8Array(labels.length);
  for (let i = 0; i < out.length; i++) out[i] = kind[labels[i]];
  return out;
}

/** The digit's ink (mask 2) in `box` of a picture `w` wide, as `max(ink · scale − offset, 0)`. */
export function cropInk(
  ink: Float32Array,
  mask: Uint8Array,
  w: number,
  box: Box,
  scale: number,
  offset: number,
): Float32Array {
  const out = new Float32Array(box.width * box.height);
  for (let y = 0; y < box.height; y++) {
    for (let x = 0; x < box.width; x++) {
      const i = (box.y + y) * w + box.x + x;
      if (mask[i] !== 2) continue;
      const v = ink[i] * scale - offset;
      out[y * box.width + x] = Math.max(v, 0);
    }
  }
  return out;
}

/** Mean stroke width of the ink ≈ 2·area / boundary length (a long stroke has two edges). */
export function strokeWidth(img: Float32Array, w: number, h: number): number {
  let area = 0;
  let boundary = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0, i = y * w; x < w; x++, i++) {
      if (img[i] <= 0) continue;
      area++;
      // a boundary pixel has a 4-neighbour that is paper or outside the crop
      if (x === 0 || x === w - 1 || y === 0 || y === h - 1) boundary++;
      else if (img[i - 1] <= 0 || img[i + 1] <= 0 || img[i - w] <= 0 || img[i + w] <= 0) boundary++;
    }
  }
  return boundary === 0 ? 0 : (2 * area) / boundary;
}

/**
 * The frame×frame input of a scaled digit `small` ([bh, bw], ≥ 0, at most frame×frame; overwritten):
 * ink peak to 1, centre of mass on the frame's centre pixel, kept inside the frame; and the same as
 * bytes (0–255).
 */
export function frameInk(
  small: Float32Array,
  bw: number,
  bh: number,
  frame: number,
): { input: Float32Array; pixels28: Uint8Array } {
  let top = 0;
  for (let i = 0; i < small.length; i++) if (small[i] > top) top = small[i];
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < bh; y++) {
    for (let x = 0; x < bw; x++) {
      const v = top > 0 ? small[y * bw + x] / top : 0;
      small[y * bw + x] = v;
      mass += v;
      mx += v * x;
      my += v * y;
    }
  }
  const half = frame / 2;
  const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
  const ox = mass > 0 ? clamp(Math.round(half - mx / mass), 0, frame - bw) : 0;
  const oy = mass > 0 ? clamp(Math.round(half - my / mass), 0, frame - bh) : 0;
  const input = new Float32Array(frame * frame);
  const pixels28 = new Uint8Array(frame * frame);
  for (let y = 0; y < bh; y++) {
    for (let x = 0; x < bw; x++) {
      const v = Math.min(1, Math.max(0, small[y * bw + x]));
      const o = (y + oy) * frame + x + ox;
      input[o] = v;
      pixels28[o] = Math.round(v * 255);
    }
  }
  return { input, pixels28 };
}
