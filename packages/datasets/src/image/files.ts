import { FileReadError, readFileCapped } from '../io/read-capped.js';
import { type DecodeImageOptions, type DecodedImage, ImageError, decodeImage } from './decode.js';

/** Largest image file read by default: 256 MiB (a 48-megapixel PNG is rarely over 150 MB). */
export const MAX_IMAGE_FILE_BYTES = 256 * 1024 * 1024;

/** Options of {@link readImageFile}. */
export interface ReadImageOptions extends DecodeImageOptions {
  /** Largest file read, in bytes (default {@link MAX_IMAGE_FILE_BYTES}, 256 MiB). */
  maxBytes?: number;
}

/**
 * Reads and decodes a PNG or JPEG file: the file is read under `options.maxBytes` (default 256 MiB;
 * `/dev/zero` is refused after that many bytes), its dimensions checked against `options.maxPixels`
 * (default 50 megapixels) before decoding.
 *
 * @throws {ImageError} naming the file: missing, unreadable, too large, or as {@link decodeImage}.
 */
export async function readImageFile(path: string, options: ReadImageOptions = {}): Promise<DecodedImage> {
  let bytes: Uint8Array;
  try {
    bytes = await readFileCapped(path, options.maxBytes ?? MAX_IMAGE_FILE_BYTES, 'an image file');
  } catch (e) {
    throw new ImageError(path, e instanceof FileReadError ? e.problem : String(e));
  }
  return decodeImage(bytes, path, options);
}
