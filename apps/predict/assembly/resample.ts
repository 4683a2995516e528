// The area-averaging resize of @scratchnet/datasets (packages/datasets/src/image/resample.ts),
// compiled: the same spans, the same float64 weights stored as float32, the same float32 products
// summed in float64 in the same order (the library's resampleLines), so the same bits; of a float
// picture, or of a PNG's 8-bit rows turned to luminance as they are read (png-rows.ts's rowsOf8Bits,
// and decodeImage's compositing). Pointers are byte offsets laid out by the caller.

/**
 * The four float32 lanes of `x` as two float64x2 products with `wt` added to `lo` (lanes 0, 1) and
 * `hi` (lanes 2, 3): each lane makes resampleLines's `acc += x · w`, so the same bits.
 */
function mulAdd(acc: v128, x: v128, wt: v128): v128 {
  return f64x2.add(acc, f64x2.mul(f64x2.promote_low_f32x4(x), wt));
}

/** Two float64x2 sums as four float32 lanes (each rounded to float32 as resampleLines stores it). */
function demote4(lo: v128, hi: v128): v128 {
  return f32x4.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
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
 * The rows of block `y0` (`rows` ≤ 4 of them, from row y0 of the float picture (`channels` 0) or
 * the 8-bit one of `channels` 1–4 at `raw`, rows `stride` bytes apart) as luminance (with alpha:
 * composited onto `paper`, see compositeAt),
 * lane-interleaved in `block` ([width][4] f32:
 * lane r is row y0 + r; the lanes past `rows` keep stale values), then resampled along the rows into
 * the ring's rows y0… (`ring`: `slots` rows of `outWidth` f32, row k in slot k mod slots), each lane
 * summing its row's products in resampleLines's order: the bits of rowsOf8Bits then resizeArea's
 * first pass. `table`: the 256 gray levels' luminance.
 */
function blockAlongRows(
  raw: usize,
  stride: i32,
  channels: i32,
  y0: i32,
  rows: i32,
  width: i32,
  outWidth: i32,
  first: usize,
  count: usize,
  w: usize,
  table: usize,
  block: usize,
  ring: usize,
  slots: i32,
  paper: f64,
): void {
  const inv: f64 = 1.0 / 255.0;
  for (let r = 0; r < rows; r++) {
    const s = raw + <usize>(y0 + r) * <usize>stride;
    let at = block + ((<usize>r) << 2);
    if (channels === 0) {
      for (let x = 0; x < width; x++) {
        store<f32>(at, load<f32>(s + ((<usize>x) << 2)));
        at += 16;
      }
    } else if (channels === 1) {
      for (let x = 0; x < width; x++) {
        store<f32>(at, load<f32>(table + ((<usize>load<u8>(s + <usize>x)) << 2)));
        at += 16;
      }
    } else if (channels === 3) {
      let p = s;
      for (let x = 0; x < width; x++) {
        const red = <f64>load<u8>(p);
        const green = <f64>load<u8>(p + 1);
        const blue = <f64>load<u8>(p + 2);
        store<f32>(at, <f32>((0.299 * red + 0.587 * green + 0.114 * blue) * inv));
        at += 16;
        p += 3;
      }
    } else {
      let p = s;
      for (let x = 0; x < width; x++) {
        store<f32>(at, compositeAt(p, channels, table, paper));
        at += 16;
        p += <usize>channels;
      }
    }
  }
  const outRow = (<usize>outWidth) << 2;
  const d0 = ring + <usize>(y0 % slots) * outRow;
  const d1 = ring + <usize>((y0 + 1) % slots) * outRow;
  const d2 = ring + <usize>((y0 + 2) % slots) * outRow;
  const d3 = ring + <usize>((y0 + 3) % slots) * outRow;
  let o: usize = 0;
  for (let j = 0; j < outWidth; j++) {
    let lo = f64x2.splat(0);
    let hi = f64x2.splat(0);
    const n = load<i32>(first + ((<usize>j) << 2));
    const m = load<i32>(count + ((<usize>j) << 2));
    let at = block + ((<usize>n) << 4);
    for (let c = 0; c < m; c++) {
      const x = v128.load(at);
      const wt = f64x2.splat(<f64>load<f32>(w + (o << 2)));
      lo = mulAdd(lo, x, wt);
      hi = mulAdd(hi, f32x4.shuffle(x, x, 2, 3, 0, 1), wt);
      at += 16;
      o++;
    }
    const v = demote4(lo, hi);
    const to = (<usize>j) << 2;
    v128.store32_lane(d0 + to, v, 0);
    if (rows > 1) v128.store32_lane(d1 + to, v, 1);
    if (rows > 2) v128.store32_lane(d2 + to, v, 2);
    if (rows > 3) v128.store32_lane(d3 + to, v, 3);
  }
}

/**
 * The luminance of the gray+alpha (`channels` 2) or RGBA (4) pixel at `p` as rowsOf8Bits gives it,
 * composited onto `paper` as the library's decodeImage composites it (alpha · lum + (1 − alpha) ·
 * paper, in float64 from the float32 planes' values), or left as it is when `paper` is negative (no
 * pixel is transparent). `table`: the 256 gray levels' luminance.
 */
function compositeAt(p: usize, channels: i32, table: usize, paper: f64): f32 {
  const inv: f64 = 1.0 / 255.0;
  let lum: f32;
  let a: i32;
  if (channels === 2) {
    lum = load<f32>(table + ((<usize>load<u8>(p)) << 2));
    a = load<u8>(p + 1);
  } else {
    const red = <f64>load<u8>(p);
    const green = <f64>load<u8>(p + 1);
    const blue = <f64>load<u8>(p + 2);
    lum = <f32>((0.299 * red + 0.587 * green + 0.114 * blue) * inv);
    a = load<u8>(p + 3);
  }
  if (paper < 0) return lum;
  const alpha = <f64>(<f32>(<f64>a * inv));
  return <f32>(alpha * <f64>lum + (1 - alpha) * paper);
}

/**
 * The paper the library's decodeImage composites the [height, width] gray+alpha (`channels` 2) or
 * RGBA (4) picture at `raw` (rows `stride` bytes apart) onto: -1 when no pixel is transparent, else 0
 * (light ink on average) or 1, from the same float64 sums in the same order. `table`: scratch for 256 f32.
 */
export function rowsPaper(
  raw: usize,
  stride: i32,
  channels: i32,
  width: i32,
  height: i32,
  table: usize,
): f64 {
  grayTable(table);
  const inv: f64 = 1.0 / 255.0;
  let transparent = false;
  for (let y = 0; y < height && !transparent; y++) {
    let p = raw + <usize>y * <usize>stride + <usize>(channels - 1);
    for (let x = 0; x < width; x++) {
      if (<f32>(<f64>load<u8>(p) * inv) < 1) {
        transparent = true;
        break;
      }
      p += <usize>channels;
    }
  }
  if (!transparent) return -1;
  let inkSum: f64 = 0;
  let alphaSum: f64 = 0;
  for (let y = 0; y < height; y++) {
    let p = raw + <usize>y * <usize>stride;
    for (let x = 0; x < width; x++) {
      const lum = <f64>compositeAt(p, channels, table, -1);
      const alpha = <f64>(<f32>(<f64>load<u8>(p + <usize>(channels - 1)) * inv));
      inkSum += alpha * lum;
      alphaSum += alpha;
      p += <usize>channels;
    }
  }
  return alphaSum > 0 && inkSum / alphaSum > 0.5 ? 0 : 1;
}

/** The luminance of the 256 gray levels (f32, as rowsOf8Bits computes them) into `table`. */
function grayTable(table: usize): void {
  const inv: f64 = 1.0 / 255.0;
  for (let v = 0; v < 256; v++) {
    const luma = (0.299 * <f64>v + 0.587 * <f64>v + 0.114 * <f64>v) * inv;
    store<f32>(table + ((<usize>v) << 2), <f32>luma);
  }
}

/**
 * Output row `j` of the second pass (down the columns) from the ring's rows `n`… (`m` of them, their
 * addresses put in `rows`), weights from `w`: four adjacent columns at a time in SIMD lanes, then
 * one at a time, each summing its products in resampleLines's order, so the same bits.
 */
function rowDownColumns(
  ring: usize,
  slots: i32,
  outWidth: i32,
  n: i32,
  m: i32,
  w: usize,
  rows: usize,
  dst: usize,
): void {
  const outRow = (<usize>outWidth) << 2;
  for (let c = 0; c < m; c++) {
    store<usize>(rows + ((<usize>c) << 2), ring + <usize>((n + c) % slots) * outRow);
  }
  let l = 0;
  for (; l + 4 <= outWidth; l += 4) {
    const col = (<usize>l) << 2;
    let lo = f64x2.splat(0);
    let hi = f64x2.splat(0);
    for (let c = 0; c < m; c++) {
      const x = v128.load(load<usize>(rows + ((<usize>c) << 2)) + col);
      const wt = f64x2.splat(<f64>load<f32>(w + ((<usize>c) << 2)));
      lo = mulAdd(lo, x, wt);
      hi = mulAdd(hi, f32x4.shuffle(x, x, 2, 3, 0, 1), wt);
    }
    v128.store(dst + col, demote4(lo, hi));
  }
  for (; l < outWidth; l++) {
    const col = (<usize>l) << 2;
    let acc: f64 = 0;
    for (let c = 0; c < m; c++) {
      const x = <f64>load<f32>(load<usize>(rows + ((<usize>c) << 2)) + col);
      acc += x * <f64>load<f32>(w + ((<usize>c) << 2));
    }
    store<f32>(dst + col, <f32>acc);
  }
}

/** Bytes of scratch {@link shrinkRows} needs for a [height, width] picture shrunk to [outHeight, outWidth]. */
export function shrinkRowsScratch(width: i32, height: i32, outWidth: i32, outHeight: i32): i32 {
  const slots = (height + outHeight - 1) / outHeight + 6;
  return (
    16 * (outWidth + outHeight) + 4 * (width + height) + 1024 + 16 * width + 4 * slots * (outWidth + 1) + 32
  );
}

/**
 * `resizeArea` of the [height, width] float picture (`channels` 0) whose rows lie at `raw`,
 * `stride` bytes apart, or of the luminance of such an 8-bit gray, gray+alpha, RGB or RGBA one
 * (`channels` 1–4) as rowsOf8Bits and decodeImage's compositing onto `paper` (with alpha: rowsPaper's;
 * negative, none) give it, into [outHeight, outWidth] f32 at `dst` (apart from the rows): the same
 * luminance, spans, weights and sums in the same order, without the full-size planes nor the
 * [height, outWidth] intermediate: the rows are read and resampled along four at a time as the output
 * rows down the columns need them, into a ring of a few resampled rows. `scratch`:
 * shrinkRowsScratch(…) bytes.
 */
export function shrinkRows(
  raw: usize,
  stride: i32,
  channels: i32,
  width: i32,
  height: i32,
  outWidth: i32,
  outHeight: i32,
  dst: usize,
  scratch: usize,
  paper: f64,
): void {
  // Scratch: the spans of both axes (first, count [i32], weights [f32]), the gray table [256 f32],
  // the block of four rows [width][4 f32], the ring's row addresses [slots usize], the ring.
  const firstX = scratch;
  const countX = firstX + ((<usize>outWidth) << 2);
  const wX = countX + ((<usize>outWidth) << 2);
  const firstY = wX + ((<usize>(width + 2 * outWidth)) << 2);
  const countY = firstY + ((<usize>outHeight) << 2);
  const wY = countY + ((<usize>outHeight) << 2);
  const table = (wY + ((<usize>(height + 2 * outHeight)) << 2) + 15) & ~(<usize>15);
  const block = table + 1024;
  const slotsMax = (height + outHeight - 1) / outHeight + 6;
  const rows = block + ((<usize>width) << 4);
  const ring = rows + ((<usize>slotsMax) << 2);
  spans(width, outWidth, firstX, countX, wX);
  spans(height, outHeight, firstY, countY, wY);
  // Ring slots: the most rows an output row reads, and three more computed ahead in a block of four.
  let most = 0;
  for (let j = 0; j < outHeight; j++) most = max(most, load<i32>(countY + ((<usize>j) << 2)));
  const slots = min(most + 4, slotsMax);
  if (channels <= 2) grayTable(table);
  let next = 0;
  let o: usize = 0;
  for (let j = 0; j < outHeight; j++) {
    const n = load<i32>(firstY + ((<usize>j) << 2));
    const m = load<i32>(countY + ((<usize>j) << 2));
    for (; next < n + m; next += 4) {
      const r = min(4, height - next);
      blockAlongRows(
        raw,
        stride,
        channels,
        next,
        r,
        width,
        outWidth,
        firstX,
        countX,
        wX,
        table,
        block,
        ring,
        slots,
        paper,
      );
    }
    rowDownColumns(
      ring,
      slots,
      outWidth,
      n,
      m,
      wY + (o << 2),
      rows,
      dst + <usize>j * ((<usize>outWidth) << 2),
    );
    o += <usize>m;
  }
}
