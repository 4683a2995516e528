// The weighted sums of @scratchnet/datasets' area-averaging resize (packages/datasets/src/image/
// resample.ts), compiled: the same float32 products summed in float64 in the same order, so the same
// bits. Pointers are byte offsets laid out by the caller.

/**
 * For each of `lines` lines, out sample j (f32 at dst + 4·(line·lineStrideOut + j·outStride)) is the
 * sum over c < count[j] of src[line·lineStrideIn + (first[j] + c)·inStride] times the next weight
 * of `w` (f32), in float64; `first`, `count` hold `outSize` i32.
 */
export function resampleLines(
  src: usize,
  dst: usize,
  lines: i32,
  inStride: i32,
  outStride: i32,
  lineStrideIn: i32,
  lineStrideOut: i32,
  first: usize,
  count: usize,
  w: usize,
  outSize: i32,
): void {
  for (let l = 0; l < lines; l++) {
    const srcLine = l * lineStrideIn;
    const dstLine = l * lineStrideOut;
    let o = 0;
    for (let j = 0; j < outSize; j++) {
      let acc: f64 = 0;
      const n = load<i32>(first + ((<usize>j) << 2));
      const m = load<i32>(count + ((<usize>j) << 2));
      for (let c = 0; c < m; c++) {
        const x = <f64>load<f32>(src + ((<usize>(srcLine + (n + c) * inStride)) << 2));
        acc += x * <f64>load<f32>(w + ((<usize>o) << 2));
        o++;
      }
      store<f32>(dst + ((<usize>(dstLine + j * outStride)) << 2), <f32>acc);
    }
  }
}
