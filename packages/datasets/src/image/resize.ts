/** Small raster helpers for preprocessing: area-averaging resize and a disc-shaped max filter. */

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
  const offsets: [number, number][] = [];
  for (let dy = -radius; dy <= radius; dy++) {
    for (let dx = -radius; dx <= radius; dx++)
      if (dx * dx + dy * dy <= radius * radius + radius) offsets.push([dx, dy]);
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = src[y * width + x];
      if (v === 0) continue;
      // scatter: every output pixel within the disc sees at least v
      for (const [dx, dy] of offsets) {
        const o = (y + radius + dy) * ow + x + radius + dx;
        if (out[o] < v) out[o] = v;
      }
    }
  }
  return { data: out, width: ow, height: oh };
}
