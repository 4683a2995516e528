// The finiteness scan of a model file's float32 tensors (@scratchnet/serialization's checkFinite),
// compiled, over the file's bytes where they were read: four floats at a time.

/** Index of the first NaN or ±∞ among the `n` float32 at `p` (4-byte aligned), or -1. */
export function firstNonFinite(p: usize, n: i32): i32 {
  const exponent = i32x4.splat(0x7f800000);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.and(v128.load(p + ((<usize>i) << 2)), exponent);
    if (v128.any_true(i32x4.eq(v, exponent))) break;
  }
  for (; i < n; i++) {
    if ((load<u32>(p + ((<usize>i) << 2)) & 0x7f800000) === 0x7f800000) return i;
  }
  return -1;
}
