/**
 * The area-averaging resize (re-exported by ./resize.ts) and its inner loop, weighted sums along one
 * axis, and the first step of preprocessing: a picture shrunk to the analysis size, decoded or not.
 * Their own module so that a program can put compiled ones in its place (scratchnet-predict does:
 * the whole resize in one call, and a decoded picture shrunk where it was decoded), which must give
 * the same bits.
 */
import { type GrayImage, decodeImage } from './decode.js';

/**
 * For each of `lines` lines, out sample j (at `dst[line·lineStrideOut + j·outStride]`) is the sum
 * over c < count[j] of `src[line·lineStrideIn + (first[j] + c)·inStride]` times the next weight of
 * `w` (the weights of all samples one after the other), summed in float64.
 */
export function resampleLines(
  src: Float32Array,
  dst: Float32Array,
  lines: number,
  inStride: number,
  outStride: number,
  lineStrideIn: number,
  lineStrideOut: number,
  first: Int32Array,
  count: Int32Array,
  w: Float32Array,
): void {
  const outSize = first.length;
  for (let l = 0; l < lines; l++) {
    const srcLine = l * lineStrideIn;
    const dstLine = l * lineStrideOut;
    for (let j = 0, o = 0; j < outSize; j++) {
      let acc = 0;
      for (let k = first[j], c = 0; c < count[j]; k++, c++, o++) acc += src[srcLine + k * inStride] * w[o];
      dst[dstLine + j * outStride] = acc;
    }
  }
}

/** Resamples one axis: out[j] is the mean of src over [j·s, (j+1)·s), s = inSize / outSize. */
function resizeAxis(
  src: Float32Array,
  dst: Float32Array,
  lines: number,
  inSize: number,
  outSize: number,
  inStride: number,
  outStride: number,
  lineStrideIn: number,
  lineStrideOut: number,
): void {
  // The source span and weights of every output sample, once for all lines.
  const s = inSize / outSize;
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights: number[] = [];
  for (let j = 0; j < outSize; j++) {
    const a = j * s;
    const b = a + s;
    first[j] = Math.floor(a);
    count[j] = Math.min(Math.ceil(b), inSize) - first[j];
    for (let k = first[j]; k < first[j] + count[j]; k++)
      weights.push((Math.min(b, k + 1) - Math.max(a, k)) / s);
  }
  const w = Float32Array.from(weights);
  resampleLines(src, dst, lines, inStride, outStride, lineStrideIn, lineStrideOut, first, count, w);
}

/**
 * Area-averaging resize of a [height, width] image to [outHeight, outWidth]: each output pixel is the
 * exact mean of the source area it covers (a box filter), so thin strokes fade instead of vanishing.
 */
export function resizeArea(
  src: Float32Array,
  width: number,
  height: number,
  outWidth: number,
  outHeight: number,
): Float32Array {
  const tmp = new Float32Array(height * outWidth); // [height, outWidth]
  resizeAxis(src, tmp, height, width, outWidth, 1, 1, width, outWidth);
  const out = new Float32Array(outHeight * outWidth);
  resizeAxis(tmp, out, outWidth, height, outHeight, outWidth, outWidth, 1, 1);
  return out;
}

/** A picture at the size preprocessing analyses it. */
export interface Shrunk {
  /** Width of the source picture. */
  width: number;
  /** Height of the source picture. */
  height: number;
  /** Analysis pixels per source pixel (1 when the picture was small enough). */
  work: number;
  /** Width at the analysis size. */
  w: number;
  /** Height at the analysis size. */
  h: number;
  /** The luminance at the analysis size, [h, w]. */
  lum: Float32Array;
}

/**
 * `image` shrunk by area averaging so that its longer side is at most `size` (itself when it is
 * already small enough); `resize` is {@link resizeArea} or a stand-in giving its bits.
 */
export function shrinkToFit(image: GrayImage, size: number, resize = resizeArea): Shrunk {
  const { width, height } = image;
  const work = Math.min(1, size / Math.max(width, height));
  const w = Math.max(1, Math.round(width * work));
  const h = Math.max(1, Math.round(height * work));
  const lum = work < 1 ? resize(image.data, width, height, w, h) : image.data;
  return { width, height, work, w, h, lum };
}

/** {@link shrinkToFit} of the picture `bytes` decode to ({@link decodeImage}: its errors). */
export function decodeShrunk(bytes: Uint8Array, file: string, size: number): Shrunk {
  return shrinkToFit(decodeImage(bytes, file), size);
}
