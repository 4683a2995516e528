/** Thrown for an image that cannot be read, decoded or prepared; the message starts with the file. */
export class ImageError extends Error {
  override name = 'ImageError';
  /** Path (or name) of the image. */
  readonly file: string;

  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.file = file;
  }
}

/**
 * Default pixel budget of a decoded image: 50 megapixels (a 48-megapixel phone photo fits). Checked
 * from the PNG IHDR or JPEG SOF header before anything is allocated; `maxPixels` changes it.
 */
export const DEFAULT_MAX_PIXELS = 50_000_000;

/** A decoder's output before compositing: luminance in [0, 1] and, when the image has any, alpha in [0, 1]. */
export interface Luminance {
  width: number;
  height: number;
  lum: Float32Array;
  alpha: Float32Array | null;
  /** Source pixels per decoded pixel along each axis (8 for a JPEG decoded at 1/8 scale). */
  downscale?: number;
}

/** Throws unless `width × height` is at least one pixel and at most `maxPixels`. */
export function checkPixelBudget(file: string, width: number, height: number, maxPixels: number): void {
  if (width === 0 || height === 0) throw new ImageError(file, `image has no pixels (${width}×${height})`);
  const pixels = width * height;
  if (pixels > maxPixels) {
    throw new ImageError(
      file,
      `image too large: ${width}×${height} = ${(pixels / 1e6).toFixed(1)} megapixels, over the limit of ${(maxPixels / 1e6).toFixed(1)} (option maxPixels)`,
    );
  }
}
