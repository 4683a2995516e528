// The per-pixel passes of @scratchnet/datasets' preprocessing (packages/datasets/src/image/
// preprocess/ink.ts), compiled: the same float64 arithmetic stored as float32, so the same bits.
// Pointers are byte offsets laid out by the caller.
import { percentileOf } from './illumination';

/** out[i] = 1 − lum[i], i < n. */
export function complement(lum: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const at = (<usize>i) << 2;
    store<f32>(out + at, <f32>(1.0 - <f64>load<f32>(lum + at)));
  }
}

/** `strokeLevel` of the n floats at `ink`; `hist` is scratch for the percentile's 4096 u32. */
export function strokeLevel(ink: usize, n: i32, hist: usize): f64 {
  // The largest value above 0, four lanes at a time: `pmax(top, v)` takes v exactly where `v > top`
  // (never NaN, never −0 over 0), so each lane and then their largest is the scan's value.
  let top4 = f32x4.splat(0);
  const end4 = ink + ((<usize>(n & ~3)) << 2);
  for (let p = ink; p < end4; p += 16) top4 = f32x4.pmax(top4, v128.load(p));
  let top: f64 = 0;
  for (let lane = 0; lane < 4; lane++) {
    const v = <f64>f32x4.extract_lane(top4, 0);
    if (v > top) top = v;
    top4 = i32x4.shuffle(top4, top4, 1, 2, 3, 0);
  }
  for (let i = n & ~3; i < n; i++) {
    const v = <f64>load<f32>(ink + ((<usize>i) << 2));
    if (v > top) top = v;
  }
  if (top === 0) return 0;
  const q = n >= 1000 ? percentileOf(ink, n, 0.997, 0, top, hist) : top;
  return max<f64>(q, 0.5 * top);
}

/** out[i] (u8) = ink[i] > on ? 1 : 0, i < n. */
export function thresholdInk(ink: usize, out: usize, n: i32, on: f64): void {
  // Sixteen at a time: the same float64 comparisons, in two lanes, narrowed to bytes.
  const n16 = n & ~15;
  for (let i = 0; i < n16; i += 16) {
    const p = ink + ((<usize>i) << 2);
    const a = i16x8.narrow_i32x4_s(above4(p, on), above4(p + 16, on));
    const b = i16x8.narrow_i32x4_s(above4(p + 32, on), above4(p + 48, on));
    v128.store(out + <usize>i, v128.and(i8x16.narrow_i16x8_s(a, b), i8x16.splat(1)));
  }
  for (let i = n16; i < n; i++) {
    store<u8>(out + <usize>i, <f64>load<f32>(ink + ((<usize>i) << 2)) > on ? 1 : 0);
  }
}

/** −1 in the i32 lanes of the four floats at `p` above `on` (compared as float64), 0 elsewhere. */
function above4(p: usize, on: f64): v128 {
  const v = v128.load(p);
  const on2 = f64x2.splat(on);
  const lo = f64x2.gt(f64x2.promote_low_f32x4(v), on2);
  const hi = f64x2.gt(f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)), on2);
  return i32x4.shuffle(lo, hi, 0, 2, 4, 6);
}

/** out[i] (u8) = kind[labels[i]] (u8 table of `kinds`), i < n; 0 outside the table, as JavaScript stores undefined. */
export function labelKinds(labels: usize, kind: usize, kinds: i32, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const label = load<i32>(labels + ((<usize>i) << 2));
    store<u8>(out + <usize>i, label >= 0 && label < kinds ? load<u8>(kind + <usize>label) : 0);
  }
}

/**
 * `cropInk`: the pixels of mask 2 in the box (bx, by, bw, bh) of ink [·, w] as
 * max(ink · scale − offset, 0) into out [bh, bw], 0 elsewhere.
 */
export function cropInk(
  ink: usize,
  mask: usize,
  out: usize,
  w: i32,
  bx: i32,
  by: i32,
  bw: i32,
  bh: i32,
  scale: f64,
  offset: f64,
): void {
  for (let y = 0; y < bh; y++) {
    for (let x = 0; x < bw; x++) {
      const i = (by + y) * w + bx + x;
      const o = out + ((<usize>(y * bw + x)) << 2);
      if (load<u8>(mask + <usize>i) !== 2) {
        store<f32>(o, 0);
        continue;
      }
      const v = <f64>load<f32>(ink + ((<usize>i) << 2)) * scale - offset;
      store<f32>(o, <f32>max<f64>(v, 0));
    }
  }
}

/** `strokeWidth` of img [h, w]: 2·area / boundary of the pixels not ≤ 0 (0 without a boundary). */
export function strokeWidth(img: usize, w: i32, h: i32): f64 {
  let area = 0;
  let boundary = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (load<f32>(img + ((<usize>i) << 2)) <= 0) continue;
      area++;
      // a boundary pixel has a 4-neighbour that is paper or outside the crop
      if (x === 0 || x === w - 1 || y === 0 || y === h - 1) boundary++;
      else if (
        load<f32>(img + ((<usize>(i - 1)) << 2)) <= 0 ||
        load<f32>(img + ((<usize>(i + 1)) << 2)) <= 0 ||
        load<f32>(img + ((<usize>(i - w)) << 2)) <= 0 ||
        load<f32>(img + ((<usize>(i + w)) << 2)) <= 0
      )
        boundary++;
    }
  }
  return boundary === 0 ? 0 : (2 * <f64>area) / <f64>boundary;
}

/** Math.round of JavaScript: the nearest integer, halves toward +∞. */
function jsRound(x: f64): f64 {
  const c = Math.ceil(x);
  return c - 0.5 > x ? c - 1.0 : c;
}

/**
 * `frameInk` of small [bh, bw] (f32, overwritten) into input [frame, frame] (f32) and pixels
 * [frame, frame] (u8), both cleared first: the same float64 sums in the same order, so the same
 * bits.
 */
export function frameInk(small: usize, bw: i32, bh: i32, frame: i32, input: usize, pixels: usize): void {
  const n = bw * bh;
  let top: f64 = 0;
  for (let i = 0; i < n; i++) {
    const v = <f64>load<f32>(small + ((<usize>i) << 2));
    if (v > top) top = v;
  }
  let mass: f64 = 0;
  let mx: f64 = 0;
  let my: f64 = 0;
  for (let y = 0; y < bh; y++) {
    for (let x = 0; x < bw; x++) {
      const at = small + ((<usize>(y * bw + x)) << 2);
      const v = top > 0 ? <f64>load<f32>(at) / top : 0;
      store<f32>(at, <f32>v);
      mass += v;
      mx += v * <f64>x;
      my += v * <f64>y;
    }
  }
  const half = <f64>frame / 2;
  // Math.min(Math.max(·, 0), hi): the offsets are whole numbers in range (mass > 0 is finite).
  const ox = mass > 0 ? <i32>min<f64>(max<f64>(jsRound(half - mx / mass), 0), <f64>(frame - bw)) : 0;
  const oy = mass > 0 ? <i32>min<f64>(max<f64>(jsRound(half - my / mass), 0), <f64>(frame - bh)) : 0;
  memory.fill(input, 0, (<usize>(frame * frame)) << 2);
  memory.fill(pixels, 0, <usize>(frame * frame));
  for (let y = 0; y < bh; y++) {
    for (let x = 0; x < bw; x++) {
      const v = min<f64>(1, max<f64>(0, <f64>load<f32>(small + ((<usize>(y * bw + x)) << 2))));
      const o = (y + oy) * frame + x + ox;
      store<f32>(input + ((<usize>o) << 2), <f32>v);
      // Uint8Array's store of Math.round: NaN becomes 0.
      const r = jsRound(v * 255);
      store<u8>(pixels + <usize>o, Number.isNaN(r) ? 0 : <u8>(<i32>r));
    }
  }
}
