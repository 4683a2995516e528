import { checkSpan } from './check';

/**
 * The first i in [0, n) whose index x[i] lies outside [0, bound), or -1 when every one is inside: the
 * bounds check of index tensors (max pooling's argmax) before a kernel writes through them. One
 * unsigned comparison catches negative indices too.
 */
export function indexOutside(x: usize, n: i32, bound: i32): i32 {
  checkSpan(x, n);
  const b = i32x4.splat(bound);
  let i = 0;
  // 16 indices at a time; a block holding a bad one is searched again one by one below.
  for (; i + 16 <= n; i += 16) {
    const p = x + <usize>i * 4;
    const lo = v128.or(i32x4.ge_u(v128.load(p), b), i32x4.ge_u(v128.load(p, 16), b));
    const hi = v128.or(i32x4.ge_u(v128.load(p, 32), b), i32x4.ge_u(v128.load(p, 48), b));
    if (v128.any_true(v128.or(lo, hi))) break;
  }
  for (; i < n; i++) if (<u32>load<i32>(x + <usize>i * 4) >= <u32>bound) return i;
  return -1;
}
