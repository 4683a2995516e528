import { decodeJpegLuminance } from './jpeg.js';
import { decodePngLuminance } from './png.js';
import { DEFAULT_MAX_PIXELS, ImageError, type Luminance } from './raster.js';

export { DEFAULT_MAX_PIXELS, ImageError } from './raster.js';

/** A grayscale picture: luminance in [0, 1] (0 black, 1 white), row-major [height, width]. */
export interface GrayImage {
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** `width · height` luminances, row-major. */
  data: Float32Array;
}

/** A decoded picture: its luminance after compositing transparency onto the paper colour. */
export interface DecodedImage extends GrayImage {
  /** The file format it was decoded from. */
  format: 'png' | 'jpeg';
  /** True when some pixel was not fully opaque (it was composited onto `paper`). */
  hadTransparency: boolean;
  /** Luminance transparent pixels were composited onto (1 white paper for dark ink, else 0; 1 when opaque). */
  paper: number;
  /**
   * Source pixels per decoded pixel along each axis: 1, or 8 for a large JPEG photo decoded at 1/8
   * scale (each pixel the mean of an 8×8 block), which is all MNIST-style preprocessing needs.
   */
  downscale?: number;
}

/** Options of {@link decodeImage}. */
export interface DecodeImageOptions {
  /**
   * Largest image accepted, in pixels (width × height), checked from the file's header before
   * anything is decoded. Default {@link DEFAULT_MAX_PIXELS} (50 megapixels).
   */
  maxPixels?: number;
}

const SIGNATURES: [string, number[]][] = [
  ['GIF', [0x47, 0x49, 0x46, 0x38]],
  ['BMP', [0x42, 0x4d]],
  ['WebP', [0x52, 0x49, 0x46, 0x46]],
  ['TIFF', [0x49, 0x49, 0x2a, 0x00]],
  ['TIFF', [0x4d, 0x4d, 0x00, 0x2a]],
  ['PDF', [0x25, 0x50, 0x44, 0x46]],
];

function startsWith(bytes: Uint8Array, sig: number[]): boolean {
  return bytes.length >= sig.length && sig.every((b, i) => bytes[i] === b);
}

/**
 * Decodes PNG (grayscale, gray+alpha, RGB, RGBA, palette; 1–16 bit; interlaced or not) or JPEG
 * (grayscale, colour; baseline or progressive) bytes to grayscale. Transparent pixels are composited
 * onto the paper: white when the opaque ink is dark on average, black when it is light, so a drawing
 * on a transparent canvas keeps its strokes. The image's dimensions are checked against
 * `options.maxPixels` (default 50 megapixels) before it is decoded, and a JPEG photo over 4
 * megapixels is decoded at 1/8 scale (see {@link DecodedImage.downscale}). Works in browsers.
 *
 * @param file Names the image in errors.
 * @throws {ImageError} naming the file: empty, unsupported format or variant, truncated, corrupt
 *   (bad CRC, bad compressed data), no pixels, or too many pixels.
 */
export function decodeImage(
  bytes: Uint8Array,
  file = '<image>',
  options: DecodeImageOptions = {},
): DecodedImage {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (!(maxPixels > 0)) throw new RangeError(`decodeImage: maxPixels must be positive, got ${maxPixels}`);
  if (bytes.length === 0) throw new ImageError(file, 'empty file');
  let decoded: Luminance;
  let format: 'png' | 'jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) {
    decoded = decodePngLuminance(bytes, file, maxPixels);
    format = 'png';
  } else if (startsWith(bytes, [0xff, 0xd8, 0xff])) {
    decoded = decodeJpegLuminance(bytes, file, maxPixels);
    format = 'jpeg';
  } else {
    const other = SIGNATURES.find(([, sig]) => startsWith(bytes, sig));
    throw new ImageError(
      file,
      other
        ? `unsupported image format ${other[0]} (PNG and JPEG are supported)`
        : 'not a PNG or JPEG image (unrecognised file signature)',
    );
  }
  return composite(decoded, format);
}

/** Luminance and alpha → luminance with transparent pixels composited onto the paper. */
function composite(d: Luminance, format: 'png' | 'jpeg'): DecodedImage {
  const { width, height, lum, alpha } = d;
  const n = width * height;
  let transparent = false;
  if (alpha !== null) {
    for (let i = 0; i < n; i++) {
      if (alpha[i] < 1) {
        transparent = true;
        break;
      }
    }
  }
  let paper = 1;
  if (transparent && alpha !== null) {
    // The visible (opaque) content is the ink: dark on average → white paper, light → black paper.
    let inkSum = 0;
    let alphaSum = 0;
    for (let i = 0; i < n; i++) {
      inkSum += alpha[i] * lum[i];
      alphaSum += alpha[i];
    }
    paper = alphaSum > 0 && inkSum / alphaSum > 0.5 ? 0 : 1;
    for (let i = 0; i < n; i++) lum[i] = alpha[i] * lum[i] + (1 - alpha[i]) * paper;
  }
  const image: DecodedImage = { width, height, data: lum, format, hadTransparency: transparent, paper };
  if (d.downscale !== undefined) image.downscale = d.downscale;
  return image;
}
