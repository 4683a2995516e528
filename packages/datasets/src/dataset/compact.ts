/**
 * Images held as runs of zero pixels and the bytes between them. Digits and garments are mostly
 * background: MNIST's 47 MB of training pixels take 14 MB this way, and a batch is decoded straight
 * into float32 as fast as plain bytes are scaled (a zero run is a fill).
 *
 * Each sample is a sequence of pairs `(zeros, n)` (bytes 0–255), each followed by `n` nonzero pixel
 * bytes, until the sample's pixels are covered; `starts[i]` is where sample i begins in `codes`.
 */
export class CompactImages {
  private constructor(
    /** The pairs and pixel bytes of every sample, back to back. */
    readonly codes: Uint8Array,
    /** `count + 1` offsets into `codes`: sample i is `codes[starts[i] .. starts[i + 1])`. */
    readonly starts: Uint32Array,
    /** Pixels of one sample (C·H·W). */
    readonly sampleSize: number,
  ) {}

  /**
   * `count` samples of `sampleSize` bytes each, compacted; null when that would not save at least a
   * quarter of their bytes (pictures without much background are better kept as they are).
   */
  static encode(images: Uint8Array, count: number, sampleSize: number): CompactImages | null {
    const starts = new Uint32Array(count + 1);
    let total = 0;
    for (let i = 0; i < count; i++) {
      starts[i] = total;
      total += encodeSample(images, i * sampleSize, sampleSize, null, 0);
    }
    starts[count] = total;
    if (total + starts.byteLength > 0.75 * images.length) return null;
    const codes = new Uint8Array(total);
    for (let i = 0; i < count; i++) encodeSample(images, i * sampleSize, sampleSize, codes, starts[i]);
    return new CompactImages(codes, starts, sampleSize);
  }

  /** Number of samples. */
  get count(): number {
    return this.starts.length - 1;
  }

  /** Bytes held (codes and offsets). */
  get byteLength(): number {
    return this.codes.byteLength + this.starts.byteLength;
  }

  /**
   * `out[dst + j] = pixel_j·a + b` for the pixels of sample `i`: exactly the float32 values scaling
   * its bytes gives (a zero becomes `0·a + b`).
   */
  decodeScaled(i: number, out: Float32Array, dst: number, a: number, b: number): void {
    const c = this.codes;
    const zero = 0 * a + b;
    const end = dst + this.sampleSize;
    let s = this.starts[i];
    let o = dst;
    while (o < end) {
      const zeros = o + c[s];
      const n = c[s + 1];
      s += 2;
      while (o < zeros) out[o++] = zero;
      for (let j = 0; j < n; j++) out[o++] = c[s++] * a + b;
    }
  }

  /** Writes the bytes of sample `i` to `out` at `dst` (plain loops: runs are short). */
  decodeBytes(i: number, out: Uint8Array, dst: number): void {
    const c = this.codes;
    const end = dst + this.sampleSize;
    let s = this.starts[i];
    let o = dst;
    while (o < end) {
      const zeros = o + c[s];
      const n = c[s + 1];
      s += 2;
      while (o < zeros) out[o++] = 0;
      for (let j = 0; j < n; j++) out[o++] = c[s++];
    }
  }

  /** Every sample's bytes, `count × sampleSize`. */
  decodeAll(): Uint8Array {
    const out = new Uint8Array(this.count * this.sampleSize);
    for (let i = 0; i < this.count; i++) this.decodeBytes(i, out, i * this.sampleSize);
    return out;
  }

  /** Adds every pixel's value to `hist` (256 bins). */
  histogram(hist: Float64Array): void {
    const c = this.codes;
    for (let i = 0; i < this.count; i++) {
      const end = this.starts[i + 1];
      for (let s = this.starts[i]; s < end; ) {
        hist[0] += c[s];
        const n = c[s + 1];
        s += 2;
        for (let j = 0; j < n; j++) hist[c[s++]]++;
      }
    }
  }

  /** Samples `[start, start + count)`, sharing this one's codes. */
  slice(start: number, count: number): CompactImages {
    return new CompactImages(this.codes, this.starts.subarray(start, start + count + 1), this.sampleSize);
  }

  /** The samples at `indices`, in that order, with codes of their own. */
  pick(indices: ArrayLike<number>): CompactImages {
    const starts = new Uint32Array(indices.length + 1);
    let total = 0;
    for (let k = 0; k < indices.length; k++) {
      starts[k] = total;
      total += this.starts[indices[k] + 1] - this.starts[indices[k]];
    }
    starts[indices.length] = total;
    const codes = new Uint8Array(total);
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k];
      codes.set(this.codes.subarray(this.starts[i], this.starts[i + 1]), starts[k]);
    }
    return new CompactImages(codes, starts, this.sampleSize);
  }
}

/**
 * Encodes the `n` pixels of `src` from `at` into `out` from `o` (or only counts when `out` is null);
 * returns the number of code bytes.
 */
function encodeSample(src: Uint8Array, at: number, n: number, out: Uint8Array | null, o: number): number {
  const begin = o;
  const end = at + n;
  let i = at;
  while (i < end) {
    let zeros = 0;
    while (i < end && src[i] === 0 && zeros < 255) {
      zeros++;
      i++;
    }
    const from = i;
    while (i < end && src[i] !== 0 && i - from < 255) i++;
    const bytes = i - from;
    if (out !== null) {
      out[o] = zeros;
      out[o + 1] = bytes;
      for (let j = 0; j < bytes; j++) out[o + 2 + j] = src[from + j];
    }
    o += 2 + bytes;
  }
  return o - begin;
}
