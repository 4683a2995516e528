// The shadow clearing of @scratchnet/datasets' preprocessing (packages/datasets/src/image/preprocess/
// shadows.ts), compiled: the same opening, labels and float64 comparisons, so the same pixels
// cleared. Pointers are byte offsets laid out by the caller.
import { labelComponents, STATS_BYTES } from './components';
import { extremeAxis } from './extreme';

/** Fraction of the strokes' ink level below which ink is weak. */
const SHADOW_INK: f64 = 0.8;

/** Whether any of the eight labels at `p` is not 0 (most pixels lie in no wide region: skipped eight at a time). */
function anyLabel8(p: usize): bool {
  return v128.any_true(v128.or(v128.load(p), v128.load(p, 16)));
}

/** Largest ρ whose opening runs on bytes (each output loads 2ρ + 1 vectors). */
const BYTE_OPENING_RHO: i32 = 16;

/**
 * One row pass of the opening of a mask [h, w] (u8, any nonzero byte set) into dst [h, w] (0xff
 * set): the AND (`erode`) or OR of the bytes within ±rho of each pixel in its row, the window cut at
 * the row's ends (extremeAxis's minimum or maximum). `line` is scratch for w + 2·rho bytes.
 */
function rowPass(src: usize, dst: usize, line: usize, w: i32, h: i32, rho: i32, erode: bool): void {
  // The row with rho bytes on either side that change nothing (0xff for AND, 0 for OR).
  const neutral: u8 = erode ? 0xff : 0;
  const body = w & ~15;
  const zero = i8x16.splat(0);
  memory.fill(line, neutral, <usize>rho);
  for (let y = 0; y < h; y++) {
    const row = src + <usize>(y * w);
    const out = dst + <usize>(y * w);
    const at = line + <usize>rho;
    for (let x = 0; x < body; x += 16) {
      v128.store(at + <usize>x, v128.not(i8x16.eq(v128.load(row + <usize>x), zero)));
    }
    for (let x = body; x < w; x++) store<u8>(at + <usize>x, load<u8>(row + <usize>x) !== 0 ? 0xff : 0);
    memory.fill(at + <usize>w, neutral, <usize>rho);
    const k = 2 * rho;
    for (let x = 0; x < body; x += 16) {
      const from = line + <usize>x;
      let acc = v128.load(from);
      if (erode) for (let d = 1; d <= k; d++) acc = v128.and(acc, v128.load(from + <usize>d));
      else for (let d = 1; d <= k; d++) acc = v128.or(acc, v128.load(from + <usize>d));
      v128.store(out + <usize>x, acc);
    }
    for (let x = body; x < w; x++) {
      const from = line + <usize>x;
      let acc = load<u8>(from);
      for (let d = 1; d <= k; d++)
        acc = erode ? acc & load<u8>(from + <usize>d) : acc | load<u8>(from + <usize>d);
      store<u8>(out + <usize>x, acc);
    }
  }
}

/**
 * One column pass of the opening (as {@link rowPass}, along columns) of src [h, w] (0 or 0xff)
 * into dst [h, w], each byte ANDed with `set`.
 */
function columnPass(src: usize, dst: usize, w: i32, h: i32, rho: i32, erode: bool, set: u8): void {
  const body = w & ~15;
  const set16 = i8x16.splat(set);
  const stride = <usize>w;
  for (let y = 0; y < h; y++) {
    const first = src + <usize>max(y - rho, 0) * stride;
    const rows = min(y + rho, h - 1) - max(y - rho, 0);
    const out = dst + <usize>y * stride;
    for (let x = 0; x < body; x += 16) {
      const from = first + <usize>x;
      let acc = v128.load(from);
      if (erode) for (let d = 1; d <= rows; d++) acc = v128.and(acc, v128.load(from + <usize>d * stride));
      else for (let d = 1; d <= rows; d++) acc = v128.or(acc, v128.load(from + <usize>d * stride));
      v128.store(out + <usize>x, v128.and(acc, set16));
    }
    for (let x = body; x < w; x++) {
      const from = first + <usize>x;
      let acc = load<u8>(from);
      for (let d = 1; d <= rows; d++) {
        acc = erode ? acc & load<u8>(from + <usize>d * stride) : acc | load<u8>(from + <usize>d * stride);
      }
      store<u8>(out + <usize>x, acc & set);
    }
  }
}

/**
 * `removeShadowInk` of mask [h, w] (u8, cleared in place) and ink [h, w] (f32); returns the number
 * of pixels cleared. Scratch: `fa`, `fb` [w·h f32], `wide` [w·h u8], `labels`, `stack` [w·h i32],
 * `stats` [w·h records], `weak` [w·h + 1 i32], `v`, `pre` [16 bytes × max(w, h)], `suf` [max(w, h) f32].
 */
export function removeShadowInk(
  mask: usize,
  ink: usize,
  w: i32,
  h: i32,
  level: f64,
  rho: i32,
  fa: usize,
  fb: usize,
  wide: usize,
  labels: usize,
  stack: usize,
  stats: usize,
  weak: usize,
  v: usize,
  pre: usize,
  suf: usize,
): i32 {
  const n = w * h;
  // The opening: an erosion then a dilation, each a row pass and a column pass.
  if (rho <= BYTE_OPENING_RHO && w + 2 * rho <= 4 * n) {
    // On bytes, 16 pixels at a time: the float opening's minima and maxima of a mask's values are
    // positive exactly where every (some) value in the window is, so `wide` is the same.
    rowPass(mask, fa, fb, w, h, rho, true);
    columnPass(fa, wide, w, h, rho, true, 0xff);
    rowPass(wide, fa, fb, w, h, rho, false);
    columnPass(fa, wide, w, h, rho, false, 1);
  } else {
    for (let i = 0; i < n; i++) store<f32>(fa + ((<usize>i) << 2), <f32>load<u8>(mask + <usize>i));
    extremeAxis(fa, fb, w, h, rho, -1, 1, v, pre, suf);
    extremeAxis(fb, fa, w, h, rho, -1, 0, v, pre, suf);
    extremeAxis(fa, fb, w, h, rho, 1, 1, v, pre, suf);
    extremeAxis(fb, fa, w, h, rho, 1, 0, v, pre, suf);
    for (let i = 0; i < n; i++) store<u8>(wide + <usize>i, load<f32>(fa + ((<usize>i) << 2)) > 0 ? 1 : 0);
  }
  memory.fill(labels, 0, (<usize>n) << 2);
  const count = labelComponents(wide, ink, labels, stack, stats, w, h);
  if (count === 0) return 0;
  const weakAt = SHADOW_INK * level;
  memory.fill(weak, 0, (<usize>(count + 1)) << 2);
  for (let i = 0; i < n; i++) {
    if ((i & 7) === 0 && i + 8 <= n && !anyLabel8(labels + ((<usize>i) << 2))) {
      i += 7;
      continue;
    }
    const label = load<i32>(labels + ((<usize>i) << 2));
    if (label > 0 && <f64>load<f32>(ink + ((<usize>i) << 2)) < weakAt) {
      const at = weak + ((<usize>label) << 2);
      store<i32>(at, load<i32>(at) + 1);
    }
  }
  // weak[label] becomes 1 for a shadow (most of its pixels weak), 0 otherwise.
  for (let c = 1; c <= count; c++) {
    const area = load<i32>(stats + <usize>(c - 1) * STATS_BYTES + 8);
    const at = weak + ((<usize>c) << 2);
    store<i32>(at, <f64>load<i32>(at) > 0.5 * <f64>area ? 1 : 0);
  }
  let cleared = 0;
  for (let i = 0; i < n; i++) {
    if ((i & 7) === 0 && i + 8 <= n && !anyLabel8(labels + ((<usize>i) << 2))) {
      i += 7;
      continue;
    }
    const label = load<i32>(labels + ((<usize>i) << 2));
    if (
      label > 0 &&
      load<i32>(weak + ((<usize>label) << 2)) !== 0 &&
      <f64>load<f32>(ink + ((<usize>i) << 2)) < weakAt
    ) {
      store<u8>(mask + <usize>i, 0);
      cleared++;
    }
  }
  return cleared;
}
