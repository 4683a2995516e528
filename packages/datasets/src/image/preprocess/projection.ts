/**
 * Projections of ink along near-horizontal directions, for finding ruled lines (./lines.ts). Its own
 * module so that a program can put a compiled one in its place (scratchnet-predict does), which must
 * give the same counts.
 */

/** A projection of the ink along lines y = k + x·slope: the ink pixels per k (offset by `pad`). */
export interface Projection {
  slope: number;
  /** Ink pixels on each line, index k + pad. */
  counts: Int32Array;
  /** Ink pixels on the lines covering more than `coverage` pixels. */
  score: number;
}

/**
 * The most peaked projection of the ink pixels of `ink` ([h, w], above `on`) among `slopes`: the one
 * whose lines holding more than `coverage` ink pixels hold the most (the first such on ties);
 * undefined when there are no slopes. Counts have h + 2·pad entries.
 */
export function steepestProjection(
  ink: Float32Array,
  w: number,
  h: number,
  on: number,
  slopes: readonly number[],
  pad: number,
  coverage: number,
): Projection | undefined {
  let best: Projection | undefined;
  // The ink pixels, once: every direction projects the same few.
  const inkX: number[] = [];
  const inkY: number[] = [];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (ink[y * w + x] > on) {
        inkX.push(x);
        inkY.push(y);
      }
    }
  }
  for (const slope of slopes) {
    const counts = new Int32Array(h + 2 * pad);
    for (let j = 0; j < inkX.length; j++) counts[Math.round(inkY[j] - inkX[j] * slope) + pad]++;
    let score = 0;
    for (const c of counts) if (c > coverage) score += c;
    if (best === undefined || score > best.score) best = { slope, counts, score };
  }
  return best;
}
