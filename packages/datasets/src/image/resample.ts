/**
 * The inner loop of the area-averaging resize (./resize.ts): weighted sums along one axis. Its own
 * module so that a program can put a compiled one in its place (scratchnet-predict does), which must
 * give the same bits.
 */

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
