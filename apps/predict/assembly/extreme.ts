// The running extremes of @scratchnet/datasets' preprocessing (packages/datasets/src/image/preprocess/
// extreme.ts), compiled: the same algorithm step for step on the same float32 values, so the same
// bits. Pointers are byte offsets into this module's memory; the caller lays the arrays out and grows
// the memory. No allocation here (stub runtime).

/**
 * Four adjacent columns, from column `l`, of extremeAxis's column pass, one SIMD lane each: every lane
 * makes the scalar pass's comparisons in its order, so the same bits. The running block maxima from
 * the start go to `pre`, those from the end to `suf`, a row every `step` bytes: either dst's and
 * src's own columns (src overwritten; reading pre[b] and suf[a] for output i never meets an output
 * already written, a ≤ i ≤ b), or a band of scratch apart from both, when dst may be src.
 */
function columns4(
  src: usize,
  dst: usize,
  w: i32,
  h: i32,
  r: i32,
  sign: f32,
  l: i32,
  pre: usize,
  suf: usize,
  step: usize,
): void {
  const k = 2 * r + 1;
  const rowBytes = (<usize>w) << 2;
  const col = (<usize>l) << 2;
  const s4 = f32x4.splat(sign);
  let prev = f32x4.splat(0);
  for (let i = 0; i < h; i++) {
    const vi = f32x4.mul(s4, v128.load(src + <usize>i * rowBytes + col));
    // pre: `!(vi > before)` takes before, as the scalar pass.
    const p = i % k !== 0 ? v128.bitselect(vi, prev, f32x4.gt(vi, prev)) : vi;
    v128.store(pre + <usize>i * step, p);
    prev = p;
  }
  let next = f32x4.splat(0);
  for (let i = h - 1; i >= 0; i--) {
    const vi = f32x4.mul(s4, v128.load(src + <usize>i * rowBytes + col));
    const t = i === h - 1 || i % k === k - 1 ? vi : v128.bitselect(vi, next, f32x4.ge(vi, next));
    v128.store(suf + <usize>i * step, t);
    next = t;
  }
  for (let i = 0; i < h; i++) {
    const a = max(i - r, 0);
    const b = i + r >= h ? h - 1 : i + r;
    let m: v128;
    if (a % k === 0) m = v128.load(pre + <usize>b * step);
    else if (b === h - 1 && a / k === b / k) m = v128.load(suf + <usize>a * step);
    else {
      const sa = v128.load(suf + <usize>a * step);
      const pb = v128.load(pre + <usize>b * step);
      m = v128.bitselect(sa, pb, f32x4.ge(sa, pb));
    }
    v128.store(dst + <usize>i * rowBytes + col, f32x4.mul(s4, m));
  }
}

/**
 * Eight adjacent columns, from column `l`: {@link columns4} on two vectors per row at once (half the
 * loop steps, which cost as much as the lanes' work in V8's baseline code), the same comparisons;
 * `pre`, `suf` and `step` as there.
 */
function columns8(
  src: usize,
  dst: usize,
  w: i32,
  h: i32,
  r: i32,
  sign: f32,
  l: i32,
  pre: usize,
  suf: usize,
  step: usize,
): void {
  const k = 2 * r + 1;
  const rowBytes = (<usize>w) << 2;
  const col = (<usize>l) << 2;
  const s4 = f32x4.splat(sign);
  let prev = f32x4.splat(0);
  let prev2 = f32x4.splat(0);
  for (let i = 0; i < h; i++) {
    const at = src + <usize>i * rowBytes + col;
    const vi = f32x4.mul(s4, v128.load(at));
    const vj = f32x4.mul(s4, v128.load(at, 16));
    let p = vi;
    let q = vj;
    if (i % k !== 0) {
      p = v128.bitselect(vi, prev, f32x4.gt(vi, prev));
      q = v128.bitselect(vj, prev2, f32x4.gt(vj, prev2));
    }
    const o = pre + <usize>i * step;
    v128.store(o, p);
    v128.store(o, q, 16);
    prev = p;
    prev2 = q;
  }
  let next = f32x4.splat(0);
  let next2 = f32x4.splat(0);
  for (let i = h - 1; i >= 0; i--) {
    const at = src + <usize>i * rowBytes + col;
    const vi = f32x4.mul(s4, v128.load(at));
    const vj = f32x4.mul(s4, v128.load(at, 16));
    let t = vi;
    let u = vj;
    if (!(i === h - 1 || i % k === k - 1)) {
      t = v128.bitselect(vi, next, f32x4.ge(vi, next));
      u = v128.bitselect(vj, next2, f32x4.ge(vj, next2));
    }
    const o = suf + <usize>i * step;
    v128.store(o, t);
    v128.store(o, u, 16);
    next = t;
    next2 = u;
  }
  for (let i = 0; i < h; i++) {
    const a = max(i - r, 0);
    const b = i + r >= h ? h - 1 : i + r;
    const pa = suf + <usize>a * step;
    const pb = pre + <usize>b * step;
    let m: v128;
    let m2: v128;
    if (a % k === 0) {
      m = v128.load(pb);
      m2 = v128.load(pb, 16);
    } else if (b === h - 1 && a / k === b / k) {
      m = v128.load(pa);
      m2 = v128.load(pa, 16);
    } else {
      const sa = v128.load(pa);
      const sb = v128.load(pa, 16);
      const qa = v128.load(pb);
      const qb = v128.load(pb, 16);
      m = v128.bitselect(sa, qa, f32x4.ge(sa, qa));
      m2 = v128.bitselect(sb, qb, f32x4.ge(sb, qb));
    }
    const o = dst + <usize>i * rowBytes + col;
    v128.store(o, f32x4.mul(s4, m));
    v128.store(o, f32x4.mul(s4, m2), 16);
  }
}

/** Four floats at byte offset `at` of four rows (`p`, then `p + stride`, …), one per lane. */
function gather(p: usize, stride: usize, at: usize): v128 {
  let v = v128.load32_zero(p + at);
  v = v128.load32_lane(p + stride + at, v, 1);
  v = v128.load32_lane(p + 2 * stride + at, v, 2);
  return v128.load32_lane(p + 3 * stride + at, v, 3);
}

/** The lanes of `v` to byte offset `at` of four rows. */
function scatter(p: usize, stride: usize, at: usize, v: v128): void {
  v128.store32_lane(p + at, v, 0);
  v128.store32_lane(p + stride + at, v, 1);
  v128.store32_lane(p + 2 * stride + at, v, 2);
  v128.store32_lane(p + 3 * stride + at, v, 3);
}

/**
 * Four rows, from row `l`, of extremeAxis's row pass, one SIMD lane each (as columns4): the rows
 * gathered once into `x` (v128 per sample, lanes the rows), the scans there and in `p` (v128 per
 * sample), the result scattered back: a lane load and store per sample, not per scan.
 */
function rows4(src: usize, dst: usize, w: i32, r: i32, sign: f32, l: i32, x: usize, p: usize): void {
  const k = 2 * r + 1;
  const stride = (<usize>w) << 2;
  const s = src + <usize>l * stride;
  const d = dst + <usize>l * stride;
  const s4 = f32x4.splat(sign);
  let prev = f32x4.splat(0);
  for (let i = 0; i < w; i++) {
    const vi = f32x4.mul(s4, gather(s, stride, (<usize>i) << 2));
    v128.store(x + ((<usize>i) << 4), vi);
    const q = i % k !== 0 ? v128.bitselect(vi, prev, f32x4.gt(vi, prev)) : vi;
    v128.store(p + ((<usize>i) << 4), q);
    prev = q;
  }
  // The suffix maxima over the samples, each read before it is written.
  let next = f32x4.splat(0);
  for (let i = w - 1; i >= 0; i--) {
    const at = x + ((<usize>i) << 4);
    const vi = v128.load(at);
    const t = i === w - 1 || i % k === k - 1 ? vi : v128.bitselect(vi, next, f32x4.ge(vi, next));
    v128.store(at, t);
    next = t;
  }
  for (let i = 0; i < w; i++) {
    const a = max(i - r, 0);
    const b = i + r >= w ? w - 1 : i + r;
    let m: v128;
    if (a % k === 0) m = v128.load(p + ((<usize>b) << 4));
    else if (b === w - 1 && a / k === b / k) m = v128.load(x + ((<usize>a) << 4));
    else {
      const sa = v128.load(x + ((<usize>a) << 4));
      const pb = v128.load(p + ((<usize>b) << 4));
      m = v128.bitselect(sa, pb, f32x4.ge(sa, pb));
    }
    scatter(d, stride, (<usize>i) << 2, f32x4.mul(s4, m));
  }
}

/**
 * One axis of a running max (`sign` 1) or min (`sign` -1) over ±r of src [h, w] into dst, along rows
 * (`alongX` 1) or columns; `v`, `pre` are scratch of 16 bytes per sample of a line (max(w, h)), `suf`
 * of max(w, h) floats. src is
 * overwritten: lines run four at a time, in SIMD lanes, with src as their scratch.
 */
export function extremeAxis(
  src: usize,
  dst: usize,
  w: i32,
  h: i32,
  r: i32,
  sign: f32,
  alongX: i32,
  v: usize,
  pre: usize,
  suf: usize,
): void {
  axis(src, dst, w, h, r, sign, alongX, v, pre, suf, 0);
}

/**
 * {@link extremeAxis}, or, with a `band` of scratch (64 bytes per row, h rows), the same along
 * columns with src left alone, so that dst may be src: a pass in place (along rows it is one
 * already: each line is read whole into the scratch before its outputs are written).
 */
function axis(
  src: usize,
  dst: usize,
  w: i32,
  h: i32,
  r: i32,
  sign: f32,
  alongX: i32,
  v: usize,
  pre: usize,
  suf: usize,
  band: usize,
): void {
  const lines = alongX ? h : w;
  const len = alongX ? w : h;
  const step = alongX ? 1 : w;
  const k = 2 * r + 1;
  let first = 0;
  if (!alongX) {
    const rowBytes = (<usize>w) << 2;
    for (; first + 8 <= w; first += 8) {
      const col = (<usize>first) << 2;
      if (band === 0) columns8(src, dst, w, h, r, sign, first, dst + col, src + col, rowBytes);
      else columns8(src, dst, w, h, r, sign, first, band, band + ((<usize>h) << 5), 32);
    }
    for (; first + 4 <= w; first += 4) {
      const col = (<usize>first) << 2;
      if (band === 0) columns4(src, dst, w, h, r, sign, first, dst + col, src + col, rowBytes);
      else columns4(src, dst, w, h, r, sign, first, band, band + ((<usize>h) << 4), 16);
    }
  } else {
    for (; first + 4 <= h; first += 4) rows4(src, dst, w, r, sign, first, v, pre);
  }
  for (let l = first; l < lines; l++) {
    const base = alongX ? l * w : l;
    for (let i = 0, at = base; i < len; i++, at += step) {
      store<f32>(v + ((<usize>i) << 2), sign * load<f32>(src + ((<usize>at) << 2)));
    }
    // pre[i]: max of v from its block's start to i; ties keep the earliest sample.
    for (let i = 0; i < len; i++) {
      const vi = load<f32>(v + ((<usize>i) << 2));
      let p = vi;
      if (i % k !== 0) {
        const before = load<f32>(pre + ((<usize>(i - 1)) << 2));
        if (!(vi > before)) p = before;
      }
      store<f32>(pre + ((<usize>i) << 2), p);
    }
    // suf[i]: max of v from i to its block's end (or the line's).
    for (let i = len - 1; i >= 0; i--) {
      const vi = load<f32>(v + ((<usize>i) << 2));
      let s = vi;
      if (!(i === len - 1 || i % k === k - 1)) {
        const after = load<f32>(suf + ((<usize>(i + 1)) << 2));
        if (!(vi >= after)) s = after;
      }
      store<f32>(suf + ((<usize>i) << 2), s);
    }
    for (let i = 0, at = base; i < len; i++, at += step) {
      const a = max(i - r, 0);
      const b = i + r >= len ? len - 1 : i + r;
      let m: f32;
      if (a % k === 0) m = load<f32>(pre + ((<usize>b) << 2));
      else if (b === len - 1 && a / k === b / k) m = load<f32>(suf + ((<usize>a) << 2));
      else {
        const sa = load<f32>(suf + ((<usize>a) << 2));
        const pb = load<f32>(pre + ((<usize>b) << 2));
        // biome-ignore lint/complexity/useMathMinMax: the earlier of equal values, as a scan keeps (±0)
        m = sa >= pb ? sa : pb;
      }
      store<f32>(dst + ((<usize>at) << 2), sign * m);
    }
  }
}

/**
 * The closing (a maximum, then a minimum, over a (2r+1)² square) of src [h, w] extended by r pixels
 * on every side, edge pixels repeated, cropped back into dst [h, w]: borderClosing of the datasets
 * library's preprocess/morphology.ts. `padded` holds (w + 2r)·(h + 2r) floats, and every pass runs
 * there in place, with `a` (≠ 0) as the column passes' scratch band, 64 bytes per padded row; src
 * and dst may each be `padded` (the picture at the start of its padded room: spread out, then
 * gathered back, in place); `v`, `pre`, `suf` as extremeAxis has them for lines of max(w, h) + 2r.
 */
export function borderClosing(
  src: usize,
  dst: usize,
  w: i32,
  h: i32,
  r: i32,
  padded: usize,
  a: usize,
  v: usize,
  pre: usize,
  suf: usize,
): void {
  const pw = w + 2 * r;
  const ph = h + 2 * r;
  // Edge pixels repeated: each source row copied in with its ends repeated r times, then the first
  // and last padded rows repeated above and below (copies, not a clamped read per pixel). The last
  // row first: a row's padded place starts past the source rows above it, which are still to move.
  const rowBytes = (<usize>pw) << 2;
  for (let y = h - 1; y >= 0; y--) {
    const from = src + ((<usize>(y * w)) << 2);
    const to = padded + <usize>(y + r) * rowBytes;
    const left = load<f32>(from);
    const right = load<f32>(from + ((<usize>(w - 1)) << 2));
    memory.copy(to + ((<usize>r) << 2), from, (<usize>w) << 2);
    for (let x = 0; x < r; x++) {
      store<f32>(to + ((<usize>x) << 2), left);
      store<f32>(to + ((<usize>(r + w + x)) << 2), right);
    }
  }
  for (let y = 0; y < r; y++) {
    memory.copy(padded + <usize>y * rowBytes, padded + <usize>r * rowBytes, rowBytes);
    memory.copy(padded + <usize>(r + h + y) * rowBytes, padded + <usize>(r + h - 1) * rowBytes, rowBytes);
  }
  axis(padded, padded, pw, ph, r, 1, 1, v, pre, suf, a);
  axis(padded, padded, pw, ph, r, 1, 0, v, pre, suf, a);
  axis(padded, padded, pw, ph, r, -1, 1, v, pre, suf, a);
  axis(padded, padded, pw, ph, r, -1, 0, v, pre, suf, a);
  // The first row first: a row's place in dst ends before the padded rows below it start.
  for (let y = 0; y < h; y++) {
    memory.copy(dst + ((<usize>(y * w)) << 2), padded + ((<usize>((y + r) * pw + r)) << 2), (<usize>w) << 2);
  }
}
