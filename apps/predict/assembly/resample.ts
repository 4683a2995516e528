// The area-averaging resize of @scratchnet/datasets (packages/datasets/src/image/resample.ts),
// compiled: the same spans, the same float64 weights stored as float32, the same float32 products
// summed in float64 in the same order, so the same bits. Pointers are byte offsets laid out by the
// caller.

/**
 * For each of `lines` lines, out sample j (f32 at dst + 4·(line·lineStrideOut + j·outStride)) is the
 * sum over c < count[j] of src[line·lineStrideIn + (first[j] + c)·inStride] times the next weight
 * of `w` (f32), in float64; `first`, `count` hold `outSize` i32.
 */
function resampleLines(
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

/**
 * The source span (`first`, `count`: `outSize` i32) and weights (f32, at most inSize + 2·outSize)
 * of every output sample of one axis, as the library's `resizeAxis` computes them.
 */
function spans(inSize: i32, outSize: i32, first: usize, count: usize, w: usize): void {
  const s = <f64>inSize / <f64>outSize;
  let o: usize = 0;
  for (let j = 0; j < outSize; j++) {
    const a = <f64>j * s;
    const b = a + s;
    const f = <i32>Math.floor(a);
    const m = <i32>min<f64>(Math.ceil(b), <f64>inSize) - f;
    store<i32>(first + ((<usize>j) << 2), f);
    store<i32>(count + ((<usize>j) << 2), m);
    for (let k = f; k < f + m; k++) {
      store<f32>(w + (o << 2), <f32>((min<f64>(b, <f64>(k + 1)) - max<f64>(a, <f64>k)) / s));
      o++;
    }
  }
}

/**
 * `resizeArea` of the [h, w] floats at `src` into [oh, ow] at `dst`, through `tmp` [h, ow] (`dst`
 * may be `src`: it is read only before `tmp` is complete). `first`, `count` [max(ow, oh) i32] and
 * `w` [max(w + 2·ow, h + 2·oh) f32] are scratch.
 */
export function resizeArea(
  src: usize,
  tmp: usize,
  dst: usize,
  width: i32,
  height: i32,
  outWidth: i32,
  outHeight: i32,
  first: usize,
  count: usize,
  w: usize,
): void {
  spans(width, outWidth, first, count, w);
  resampleLines(src, tmp, height, 1, 1, width, outWidth, first, count, w, outWidth);
  spans(height, outHeight, first, count, w);
  resampleLines(tmp, dst, outWidth, outWidth, outWidth, 1, 1, first, count, w, outHeight);
}
