// Argmax along one axis of x viewed as [outer, len, inner], for outer rows [lo, hi).

/**
 * out[o, i] ← the first k maximising x[o, k, i] (a NaN wins over numbers and then stays, as in the
 * reference and PyTorch). Rows of the last axis (inner = 1) are scanned contiguously.
 */
export function argmax(
  _tid: i32,
  _chunk: i32,
  lo: i32,
  hi: i32,
  x: usize,
  out: usize,
  len: i32,
  inner: i32,
): void {
  for (let o = lo; o < hi; o++) {
    for (let i = 0; i < inner; i++) {
      const base = x + (<usize>o * len * inner + i) * 4;
      const step = <usize>inner * 4;
      let best = 0;
      let bv = load<f32>(base);
      for (let k = 1; k < len; k++) {
        const v = load<f32>(base + <usize>k * step);
        if (v > bv || (Number.isNaN(v) && !Number.isNaN(bv))) {
          bv = v;
          best = k;
        }
      }
      store<i32>(out + (<usize>o * inner + i) * 4, best);
    }
  }
}
