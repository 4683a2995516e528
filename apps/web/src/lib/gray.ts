/**
 * RGBA pixels (a canvas's `ImageData`, or an image file decoded by the browser) → the grayscale
 * picture the datasets package's preprocessing takes. Transparency is composited onto the paper the
 * way `decodeImage` does it for files: white paper under dark ink, black paper under light ink.
 */
import type { GrayImage } from '@scratchnet/datasets';

/** Grayscale of `width·height` RGBA bytes (Rec. 601 luma, as `decodeImage`), in [0, 1]. */
export function rgbaToGray(width: number, height: number, rgba: ArrayLike<number>): GrayImage {
  const n = width * height;
  if (n === 0) throw new RangeError(`rgbaToGray: image has no pixels (${width}×${height})`);
  if (rgba.length < 4 * n) {
    throw new RangeError(`rgbaToGray: ${rgba.length} bytes for ${width}×${height} RGBA (needs ${4 * n})`);
  }
  const data = new Float32Array(n);
  let transparent = false;
  for (let i = 0, j = 0; i < n; i++, j += 4) {
    data[i] = (0.299 * rgba[j] + 0.587 * rgba[j + 1] + 0.114 * rgba[j + 2]) / 255;
    if (rgba[j + 3] < 255) transparent = true;
  }
  if (!transparent) return { width, height, data };
  // The opaque content is the ink: dark on average → white paper, light → black paper.
  let inkSum = 0;
  let alphaSum = 0;
  for (let i = 0; i < n; i++) {
    const a = rgba[4 * i + 3] / 255;
    inkSum += a * data[i];
    alphaSum += a;
  }
  const paper = alphaSum > 0 && inkSum / alphaSum > 0.5 ? 0 : 1;
  for (let i = 0; i < n; i++) {
    const a = rgba[4 * i + 3] / 255;
    data[i] = a * data[i] + (1 - a) * paper;
  }
  return { width, height, data };
}
