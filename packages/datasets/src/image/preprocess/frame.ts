/**
 * The last steps, as MNIST did them: a crop of ink (light on black) is thickened to MNIST's stroke
 * width when its pen was fine, scaled so its longer side is 20 px, and placed in 28×28 with its
 * centre of mass at the centre.
 */
import { dilateDisc, resizeArea } from '../resize.js';
import { frameInk, strokeWidth } from './ink.js';

/** Side of the frame MNIST digits live in. */
export const MNIST_FRAME = 28;
/** Side of the box MNIST scaled each digit's longer side to. */
export const MNIST_BOX = 20;

/** Scales the ink so its median non-zero value becomes 1 (clipping above): strokes at full strength. */
export function saturate(img: Float32Array): void {
  // The non-zero values, sorted (a loop, not filter(): no callback per pixel).
  let count = 0;
  for (let i = 0; i < img.length; i++) if (img[i] > 0) count++;
  if (count === 0) return;
  const values = new Float32Array(count);
  for (let i = 0, k = 0; i < img.length; i++) if (img[i] > 0) values[k++] = img[i];
  values.sort();
  const level = values[values.length >> 1];
  for (let i = 0; i < img.length; i++) img[i] = Math.min(1, img[i] / level);
}

/**
 * Thickens strokes thinner than `minStroke` output pixels (MNIST's median stroke is about 2.1 px)
 * so a fine pen on a large picture still looks like MNIST; large crops are first shrunk to 4× the
 * output size, where dilating is cheap.
 */
export function thicken(
  crop: Float32Array,
  w: number,
  h: number,
  minStroke: number,
): { data: Float32Array; width: number; height: number } {
  let img = crop;
  let cw = w;
  let ch = h;
  const strokePx = strokeWidth(img, w, h); // in crop pixels
  const inter = MNIST_BOX * 4;
  if (Math.max(w, h) > inter) {
    const s = inter / Math.max(w, h);
    cw = Math.max(1, Math.round(w * s));
    ch = Math.max(1, Math.round(h * s));
    img = resizeArea(img, w, h, cw, ch);
  }
  const perOut = Math.max(cw, ch) / MNIST_BOX; // current pixels per output pixel
  const stroke = (strokePx * Math.max(cw, ch)) / Math.max(w, h);
  if (minStroke > 0 && stroke < minStroke * perOut) {
    const r = Math.round((minStroke * perOut - stroke) / 2);
    if (r >= 1) {
      // Strokes thinner than a pixel came out of the shrinking faint, fainter where they cross pixels
      // diagonally: bring them to full strength first (MNIST's scans were bilevel), then widen.
      if (img === crop) img = img.slice();
      saturate(img);
      return dilateDisc(img, cw, ch, r);
    }
  }
  return { data: img, width: cw, height: ch };
}

/**
 * The 28×28 input of a crop of ink ([h, w], light on black, ≥ 0): longer side to 20 px keeping the
 * aspect ratio (area averaging), ink peak to 1 (MNIST's strokes saturate), centre of mass on pixel
 * 14 (MNIST's mean centre of mass is (14.0, 14.0)), kept inside the frame.
 */
export function mnistFrame(
  img: Float32Array,
  w: number,
  h: number,
): { input: Float32Array; pixels28: Uint8Array } {
  const s = MNIST_BOX / Math.max(w, h);
  const bw = Math.max(1, Math.min(MNIST_BOX, Math.round(w * s)));
  const bh = Math.max(1, Math.min(MNIST_BOX, Math.round(h * s)));
  const small = resizeArea(img, w, h, bw, bh);
  return frameInk(small, bw, bh, MNIST_FRAME);
}
