// The ink projections of @scratchnet/datasets' ruled-line search (packages/datasets/src/image/
// preprocess/projection.ts), compiled: the same pixels, the same float64 line offsets rounded as
// JavaScript's Math.round does, so the same counts. Pointers are byte offsets laid out by the caller.

/** Math.round of JavaScript: the nearest integer, halves toward +∞ (-0 for -0.5 ≤ x < 0). */
function jsRound(x: f64): f64 {
  const c = Math.ceil(x);
  return c - 0.5 > x ? c - 1.0 : c;
}

/** An offsets entry for a column whose pixels are rounded one by one. */
const SLOW: i32 = i32.MIN_VALUE;

/**
 * Projects the ink pixels of `ink` ([h, w] f32, above `on`) along y = k + x·slope for each of the
 * `count` slopes (f64 at `slopes`) into `counts` (count × (h + 2·pad) i32, index k + pad), using
 * `coords` (2·w·h i32) for the pixels and w i32 past the counts; returns the index of the first slope whose lines holding more
 * than `coverage` pixels hold the most, and stores that score (i32) at `score`.
 */
export function steepestProjection(
  ink: usize,
  w: i32,
  h: i32,
  on: f64,
  slopes: usize,
  count: i32,
  pad: i32,
  coverage: f64,
  coords: usize,
  counts: usize,
  score: usize,
): i32 {
  const len = h + 2 * pad;
  // Per column x, round(y − x·slope) − y for every row y, or SLOW: after the counts, room for w i32;
  // first a flag per column holding ink.
  const offsets = counts + ((<usize>count * <usize>len) << 2);
  memory.fill(offsets, 0, <usize>w);
  let m = 0;
  const on2 = f64x2.splat(on);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const at = ink + ((<usize>(y * w + x)) << 2);
      // Four pixels of paper at once (the same float64 comparisons): most of a page.
      if (x + 4 <= w) {
        const v = v128.load(at);
        const lo = f64x2.gt(f64x2.promote_low_f32x4(v), on2);
        const hi = f64x2.gt(f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)), on2);
        if (!v128.any_true(v128.or(lo, hi))) {
          x += 3;
          continue;
        }
      }
      if (<f64>load<f32>(at) > on) {
        store<i32>(coords + ((<usize>m) << 3), x);
        store<i32>(coords + ((<usize>m) << 3), y, 4);
        store<u8>(offsets + <usize>x, 1);
        m++;
      }
    }
  }
  let columns = 0;
  for (let x = 0; x < w; x++) columns += load<u8>(offsets + <usize>x);
  // A line takes at most one pixel of a column whose offset is exact (y + offset is one-to-one):
  // with ink in no more columns than `coverage`, such a direction scores 0, and its pixels need not
  // be projected unless it may be the answer (the first direction, when every one scores 0).
  const sparse = <f64>columns <= coverage;
  memory.fill(counts, 0, (<usize>count * <usize>len) << 2);
  let best = -1;
  let bestScore = 0;
  for (let s = 0; s < count; s++) {
    const slope = load<f64>(slopes + ((<usize>s) << 3));
    const line = counts + ((<usize>(s * len)) << 2);
    let exact = true;
    for (let x = 0; x < w; x++) {
      // u = −x·slope exactly as the per-pixel sum has it; y + u lands within 1e-6 of y + u exact
      // (coordinates are far below 2^33), so when u's fraction is further than that from ½ no row
      // can round differently from y + round(u). Otherwise (or for a huge u) the pixel's own sum.
      const u = -(<f64>x * slope);
      const fraction = u - Math.floor(u);
      const fast = Math.abs(fraction - 0.5) > 1e-6 && Math.abs(u) < 1073741824.0;
      if (!fast) exact = false;
      store<i32>(offsets + ((<usize>x) << 2), fast ? <i32>jsRound(u) : SLOW);
    }
    if (sparse && exact && s > 0) continue;
    for (let j = 0; j < m; j++) {
      const px = load<i32>(coords + ((<usize>j) << 3));
      const py = load<i32>(coords + ((<usize>j) << 3), 4);
      const o = load<i32>(offsets + ((<usize>px) << 2));
      // JavaScript drops a write past a typed array's end; so does this.
      if (o !== SLOW) {
        const k = py + o + pad;
        if (k >= 0 && k < len) {
          const at = line + ((<usize>k) << 2);
          store<i32>(at, load<i32>(at) + 1);
        }
        continue;
      }
      const k = jsRound(<f64>py - <f64>px * slope) + <f64>pad;
      if (k >= 0 && k < <f64>len) {
        const at = line + ((<usize>(<i32>k)) << 2);
        store<i32>(at, load<i32>(at) + 1);
      }
    }
    let total = 0;
    for (let i = 0; i < len; i++) {
      const c = load<i32>(line + ((<usize>i) << 2));
      if (<f64>c > coverage) total += c;
    }
    if (best < 0 || total > bestScore) {
      best = s;
      bestScore = total;
    }
  }
  store<i32>(score, bestScore);
  return best;
}
