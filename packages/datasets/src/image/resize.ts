/** Small raster helpers for preprocessing: area-averaging resize and a disc-shaped max filter. */
import { resampleLines } from './resample.js';

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

/** Grey-level dilation with a disc of `radius` pixels; the output is padded by `radius` on each side. */
export function dilateDisc(
  src: Float32Array,
  width: number,
  height: number,
  radius: number,
): { data: Float32Array; width: number; height: number } {
  const ow = width + 2 * radius;
  const oh = height + 2 * radius;
  const out = new Float32Array(ow * oh);
  // The disc as offsets into the output (a flat list: no iterator per pixel and offset).
  const disc: number[] = [];
  for (let dy = -radius; dy <= radius; dy++) {
    for (let dx = -radius; dx <= radius; dx++)
      if (dx * dx + dy * dy <= radius * radius + radius) disc.push(dy * ow + dx);
  }
  const offsets = Int32Array.from(disc);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = src[y * width + x];
      if (v === 0) continue;
      // scatter: every output pixel within the disc sees at least v
      const centre = (y + radius) * ow + x + radius;
      for (let k = 0; k < offsets.length; k++) {
        const o = centre + offsets[k];
        if (out[o] < v) out[o] = v;
      }
    }
  }
  return { data: out, width: ow, height: oh };
}
