/**
 * A growable float32 scratch buffer owned by one backend instance: convolution unfolds one sample at
 * a time into it, so after the first step of a given geometry no kernel allocates.
 */
export class Scratch {
  private buf = new Float32Array(0);

  /** A buffer of at least `length` elements (contents unspecified). */
  get(length: number): Float32Array {
    if (this.buf.length < length) this.buf = new Float32Array(length);
    return this.buf;
  }
}
