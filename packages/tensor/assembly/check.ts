// Entry-point checks. They are `assert`s, so the release modules (built with --noAssert) compile them
// away; the checked module keeps them and its `abort` import turns a failure into a thrown Error.

/** Asserts that elements [lo, hi) form a range. */
export function checkRange(lo: i32, hi: i32): void {
  assert(lo >= 0 && lo <= hi, 'range');
}

/** Asserts that the `count` f32/i32 elements at `ptr` are a non-null span inside memory. */
export function checkSpan(ptr: usize, count: i32): void {
  // memory.size of a shared memory is not pure, so the optimiser would keep it: skip it explicitly.
  if (ASC_NO_ASSERT) return;
  assert(count >= 0, 'count');
  assert(ptr !== 0 && ptr + ((<usize>count) << 2) <= (<usize>memory.size()) << 16, 'span');
}
