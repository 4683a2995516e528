/**
 * The JPEG full-scale decode (image/jpeg.ts): jpeg-js, a complete pure-JS decoder, then Rec. 601
 * luminance. Its own module so that a bundle can put a compiled copy in its place.
 */
import jpeg from 'jpeg-js';
import { ImageError, type Luminance } from './raster.js';

/** What the decode needs of the frame header (image/jpeg.ts reads it). */
export interface FullFrame {
  width: number;
  height: number;
  /** SOF marker type: 0xc0 baseline, 0xc1 extended, 0xc2 progressive, … */
  type: number;
  precision: number;
  components: readonly { id: number; h: number; v: number; tq: number }[];
}

/**
 * Decodes JPEG bytes whose frame header is `frame` to luminance at full scale.
 *
 * @throws {ImageError} naming `file`: corrupt or unsupported data.
 */
export function decodeFull(bytes: Uint8Array, frame: FullFrame, file: string, maxPixels: number): Luminance {
  let img: { width: number; height: number; data: Uint8Array };
  try {
    img = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      maxResolutionInMP: Math.max(1, Math.ceil(maxPixels / 1e6)),
      maxMemoryUsageInMB: 4096,
    });
  } catch (e) {
    // jpeg-js reports its own findings as plain Errors; a TypeError or RangeError is it tripping over
    // malformed data, whose text would mean nothing to the user.
    const known = e instanceof Error && e.constructor === Error;
    throw new ImageError(
      file,
      known
        ? `corrupt or unsupported JPEG (${(e as Error).message})`
        : 'corrupt or unsupported JPEG (the decoder failed on malformed data)',
    );
  }
  const { width, height, data } = img;
  if (width !== frame.width || height !== frame.height || data.length < 4 * width * height) {
    throw new ImageError(
      file,
      'corrupt or unsupported JPEG (the decoded size does not match the frame header)',
    );
  }
  const n = width * height;
  const lum = new Float32Array(n);
  const inv = 1 / 255;
  for (let i = 0, j = 0; i < n; i++, j += 4) {
    lum[i] = (0.299 * data[j] + 0.587 * data[j + 1] + 0.114 * data[j + 2]) * inv;
  }
  return { width, height, lum, alpha: null };
}
