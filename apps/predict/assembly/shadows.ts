// The shadow clearing of @scratchnet/datasets' preprocessing (packages/datasets/src/image/preprocess/
// shadows.ts), compiled: the same opening, labels and float64 comparisons, so the same pixels
// cleared. Pointers are byte offsets laid out by the caller.
import { labelComponents, STATS_BYTES } from './components';
import { extremeAxis } from './extreme';

/** Fraction of the strokes' ink level below which ink is weak. */
const SHADOW_INK: f64 = 0.8;

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
  for (let i = 0; i < n; i++) store<f32>(fa + ((<usize>i) << 2), <f32>load<u8>(mask + <usize>i));
  extremeAxis(fa, fb, w, h, rho, -1, 1, v, pre, suf);
  extremeAxis(fb, fa, w, h, rho, -1, 0, v, pre, suf);
  extremeAxis(fa, fb, w, h, rho, 1, 1, v, pre, suf);
  extremeAxis(fb, fa, w, h, rho, 1, 0, v, pre, suf);
  for (let i = 0; i < n; i++) store<u8>(wide + <usize>i, load<f32>(fa + ((<usize>i) << 2)) > 0 ? 1 : 0);
  memory.fill(labels, 0, (<usize>n) << 2);
  const count = labelComponents(wide, ink, labels, stack, stats, w, h);
  if (count === 0) return 0;
  const weakAt = SHADOW_INK * level;
  memory.fill(weak, 0, (<usize>(count + 1)) << 2);
  for (let i = 0; i < n; i++) {
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
