/**
 * A growable float32 scratch buffer for the reference convolutions: they unfold one sample at a time
 * into it, so after the first step of a given geometry nothing allocates. One per process: the
 * reference implementations run on the calling thread only.
 */
let buf = new Float32Array(0);

/** A buffer of at least `length` elements (contents unspecified). */
export function scratch(length: number): Float32Array {
  if (buf.length < length) buf = new Float32Array(length);
  return buf;
}
