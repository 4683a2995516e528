/**
 * Running extremes over square windows, separable: a few comparisons per pixel whatever the window.
 * Its own module so that a program can put a compiled one in its place (scratchnet-predict does),
 * which must give the same bits.
 */

/**
 * One axis of a running max (`sign` 1) or min (`sign` -1) over ±r, along rows or columns, clipped at
 * the ends. van Herk / Gil-Werman: with blocks of 2r+1 samples, a window covers the tail of one block
 * and the head of the next, so its extreme is that of a suffix and a prefix extreme, 3 comparisons per
 * sample whatever r (exact: the same maximum as scanning the window).
 */
function extremeAxis(
  src: Float32Array,
  dst: Float32Array,
  w: number,
  h: number,
  r: number,
  sign: 1 | -1,
  alongX: boolean,
): void {
  const lines = alongX ? h : w;
  const len = alongX ? w : h;
  const step = alongX ? 1 : w;
  const k = 2 * r + 1;
  const v = new Float32Array(len); // the line, times sign
  // Ties keep the earliest sample, as a scan of the window would (the same bits, ±0 included).
  const pre = new Float32Array(len); // max of v from its block's start to i
  const suf = new Float32Array(len); // max of v from i to its block's end (or the line's)
  for (let l = 0; l < lines; l++) {
    const base = alongX ? l * w : l;
    for (let i = 0, at = base; i < len; i++, at += step) v[i] = sign * src[at];
    for (let i = 0; i < len; i++) pre[i] = i % k === 0 || v[i] > pre[i - 1] ? v[i] : pre[i - 1];
    for (let i = len - 1; i >= 0; i--) {
      suf[i] = i === len - 1 || i % k === k - 1 || v[i] >= suf[i + 1] ? v[i] : suf[i + 1];
    }
    for (let i = 0, at = base; i < len; i++, at += step) {
      const a = Math.max(i - r, 0);
      const b = i + r >= len ? len - 1 : i + r;
      // [a, b] is one block's head (a starts a block), one block's tail (b ends the line), or a tail
      // and the next block's head.
      let m: number;
      if (a % k === 0) m = pre[b];
      else if (b === len - 1 && ((a / k) | 0) === ((b / k) | 0)) m = suf[a];
      // biome-ignore lint/complexity/useMathMinMax: the earlier of equal values, as a scan keeps (±0)
      else m = suf[a] >= pre[b] ? suf[a] : pre[b];
      dst[at] = sign * m;
    }
  }
}

/** Maximum (`sign` 1, a dilation) or minimum (`sign` -1, an erosion) over a (2r+1)² square. */
export function extremeFilter(
  src: Float32Array,
  w: number,
  h: number,
  r: number,
  sign: 1 | -1,
): Float32Array {
  const tmp = new Float32Array(src.length);
  const out = new Float32Array(src.length);
  extremeAxis(src, tmp, w, h, r, sign, true);
  extremeAxis(tmp, out, w, h, r, sign, false);
  return out;
}
