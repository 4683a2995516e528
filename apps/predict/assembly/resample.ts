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
 * The four float32 lanes of `x` as two float64x2 products with `wt` added to `lo` (lanes 0, 1) and
 * `hi` (lanes 2, 3): each lane makes the scalar loop's `acc += x · w`, so the same bits.
 */
function mulAdd(acc: v128, x: v128, wt: v128): v128 {
  return f64x2.add(acc, f64x2.mul(f64x2.promote_low_f32x4(x), wt));
}

/** Two float64x2 sums as four float32 lanes (each rounded as the scalar `<f32>acc`). */
function demote4(lo: v128, hi: v128): v128 {
  return f32x4.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
}

/**
 * resampleLines along rows (inStride 1) of `lines` rows `width` long into rows `outSize` long, four
 * rows at a time, one per SIMD lane (gathered): every lane sums its row's products in the scalar
 * loop's order, so the same bits. Returns the first row left to the scalar loop.
 */
function rows4(
  src: usize,
  dst: usize,
  lines: i32,
  width: i32,
  first: usize,
  count: usize,
  w: usize,
  outSize: i32,
): i32 {
  const inRow = (<usize>width) << 2;
  const outRow = (<usize>outSize) << 2;
  let l = 0;
  for (; l + 4 <= lines; l += 4) {
    const s = src + <usize>l * inRow;
    const d = dst + <usize>l * outRow;
    let o: usize = 0;
    for (let j = 0; j < outSize; j++) {
      let lo = f64x2.splat(0);
      let hi = f64x2.splat(0);
      const n = load<i32>(first + ((<usize>j) << 2));
      const m = load<i32>(count + ((<usize>j) << 2));
      let at = s + ((<usize>n) << 2);
      for (let c = 0; c < m; c++) {
        let x = v128.load32_zero(at);
        x = v128.load32_lane(at + inRow, x, 1);
        x = v128.load32_lane(at + 2 * inRow, x, 2);
        x = v128.load32_lane(at + 3 * inRow, x, 3);
        const wt = f64x2.splat(<f64>load<f32>(w + (o << 2)));
        lo = mulAdd(lo, x, wt);
        hi = mulAdd(hi, f32x4.shuffle(x, x, 2, 3, 0, 1), wt);
        at += 4;
        o++;
      }
      const v = demote4(lo, hi);
      const to = d + ((<usize>j) << 2);
      v128.store32_lane(to, v, 0);
      v128.store32_lane(to + outRow, v, 1);
      v128.store32_lane(to + 2 * outRow, v, 2);
      v128.store32_lane(to + 3 * outRow, v, 3);
    }
  }
  return l;
}

/**
 * resampleLines down columns (lines are adjacent columns of rows `width` long) into `outSize` rows,
 * four adjacent columns at a time, one per SIMD lane: every lane sums its column's products in the
 * scalar loop's order, so the same bits. Returns the first column left to the scalar loop.
 */
function columns4(
  src: usize,
  dst: usize,
  width: i32,
  first: usize,
  count: usize,
  w: usize,
  outSize: i32,
): i32 {
  const row = (<usize>width) << 2;
  let l = 0;
  for (; l + 4 <= width; l += 4) {
    const col = (<usize>l) << 2;
    let o: usize = 0;
    for (let j = 0; j < outSize; j++) {
      let lo = f64x2.splat(0);
      let hi = f64x2.splat(0);
      const n = load<i32>(first + ((<usize>j) << 2));
      const m = load<i32>(count + ((<usize>j) << 2));
      let at = src + <usize>n * row + col;
      for (let c = 0; c < m; c++) {
        const x = v128.load(at);
        const wt = f64x2.splat(<f64>load<f32>(w + (o << 2)));
        lo = mulAdd(lo, x, wt);
        hi = mulAdd(hi, f32x4.shuffle(x, x, 2, 3, 0, 1), wt);
        at += row;
        o++;
      }
      v128.store(dst + <usize>j * row + col, demote4(lo, hi));
    }
  }
  return l;
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
  // Four lines at a time in SIMD lanes, the rest (fewer than four) one at a time.
  spans(width, outWidth, first, count, w);
  const r = rows4(src, tmp, height, width, first, count, w, outWidth);
  const rowsLeft = height - r;
  resampleLines(
    src + <usize>r * ((<usize>width) << 2),
    tmp + <usize>r * ((<usize>outWidth) << 2),
    rowsLeft,
    1,
    1,
    width,
    outWidth,
    first,
    count,
    w,
    outWidth,
  );
  spans(height, outHeight, first, count, w);
  const c = columns4(tmp, dst, outWidth, first, count, w, outHeight);
  resampleLines(
    tmp + ((<usize>c) << 2),
    dst + ((<usize>c) << 2),
    outWidth - c,
    outWidth,
    outWidth,
    1,
    1,
    first,
    count,
    w,
    outHeight,
  );
}
