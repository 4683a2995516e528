import jpeg from 'jpeg-js';
import pngjs from 'pngjs';

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
}

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
 * Decodes PNG (grayscale, gray+alpha, RGB, RGBA, palette; 1–16 bit) or JPEG (grayscale, colour)
 * bytes to grayscale. Transparent pixels are composited onto the paper: white when the opaque ink is
 * dark on average, black when it is light, so a drawing on a transparent canvas keeps its strokes.
 *
 * @param file Names the image in errors.
 * @throws {ImageError} for an empty, unsupported, corrupt or oversized image.
 */
export function decodeImage(bytes: Uint8Array, file = '<image>'): DecodedImage {
  if (bytes.length === 0) throw new ImageError(file, 'empty file');
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return decodePng(bytes, file);
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return decodeJpeg(bytes, file);
  const other = SIGNATURES.find(([, sig]) => startsWith(bytes, sig));
  throw new ImageError(
    file,
    other
      ? `unsupported image format ${other[0]} (PNG and JPEG are supported)`
      : 'not a PNG or JPEG image (unrecognised file signature)',
  );
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function decodePng(bytes: Uint8Array, file: string): DecodedImage {
  let png: pngjs.PNGWithMetadata;
  try {
    // skipRescale keeps 16-bit samples (in a Uint16Array, whatever the typings say) instead of
    // rounding them to 8 bits.
    png = pngjs.PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
      skipRescale: true,
    });
  } catch (e) {
    throw new ImageError(file, `corrupt PNG (${message(e)})`);
  }
  // Palette images are expanded to 8-bit colours; other depths keep their sample range.
  const max = png.palette ? 255 : 2 ** png.depth - 1;
  return toGray(png.width, png.height, png.data, max, 'png', file);
}

function decodeJpeg(bytes: Uint8Array, file: string): DecodedImage {
  let img: { width: number; height: number; data: Uint8Array };
  try {
    img = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      maxResolutionInMP: 200,
      maxMemoryUsageInMB: 1024,
    });
  } catch (e) {
    throw new ImageError(file, `corrupt or unsupported JPEG (${message(e)})`);
  }
  return toGray(img.width, img.height, img.data, 255, 'jpeg', file);
}

/** RGBA samples in [0, max] → composited luminance in [0, 1]. */
function toGray(
  width: number,
  height: number,
  rgba: ArrayLike<number>,
  max: number,
  format: 'png' | 'jpeg',
  file: string,
): DecodedImage {
  const n = width * height;
  if (n === 0) throw new ImageError(file, `image has no pixels (${width}×${height})`);
  if (rgba.length < 4 * n)
    throw new ImageError(file, `decoder returned ${rgba.length} samples for ${width}×${height} RGBA`);
  const lum = new Float32Array(n);
  const inv = 1 / max;
  let transparent = false;
  for (let i = 0, j = 0; i < n; i++, j += 4) {
    // Rec. 601 luma, as PIL's `convert('L')`: the usual grayscale of MNIST-style pipelines.
    lum[i] = (0.299 * rgba[j] + 0.587 * rgba[j + 1] + 0.114 * rgba[j + 2]) * inv;
    if (rgba[j + 3] < max) transparent = true;
  }
  let paper = 1;
  if (transparent) {
    // The visible (opaque) content is the ink: dark on average → white paper, light → black paper.
    let inkSum = 0;
    let alphaSum = 0;
    for (let i = 0; i < n; i++) {
      const a = rgba[4 * i + 3] * inv;
      inkSum += a * lum[i];
      alphaSum += a;
    }
    paper = alphaSum > 0 && inkSum / alphaSum > 0.5 ? 0 : 1;
    for (let i = 0; i < n; i++) {
      const a = rgba[4 * i + 3] * inv;
      lum[i] = a * lum[i] + (1 - a) * paper;
    }
  }
  return { width, height, data: lum, format, hadTransparency: transparent, paper };
}
