/**
 * Where a tensor's elements live. The reference backend keeps them in an ordinary ArrayBuffer; the
 * WebAssembly backend keeps them inside its `WebAssembly.Memory`, so its kernels compute in place.
 * A tensor never caches a typed array for longer than the buffer it was taken from: when the memory
 * grows the buffer object changes and the view is taken again.
 */
export interface Storage {
  /** Name of the backend that allocated it; that backend's kernels may address it directly. */
  readonly owner: string;
  /** Byte address of the first element inside `buffer()` (a pointer, for the wasm backend). */
  readonly byteOffset: number;
  /** Capacity in 4-byte elements (float32 or int32). */
  readonly length: number;
  /** The buffer that currently holds the elements. Re-read it after anything that may grow memory. */
  buffer(): ArrayBufferLike;
  /**
   * Gives the elements' memory back now rather than when the garbage collector finds the storage
   * unreachable; afterwards the storage must not be used (the wasm backend's throws). For owners that
   * know no tensor on it is used again. Absent where collection is all there is (an ArrayBuffer).
   */
  release?(): void;
}

/**
 * Storage in a plain ArrayBuffer of its own: the reference backend's, and any backend's fallback.
 * The buffer (zeros) is made on first use: a tensor whose elements are never read or written, such
 * as a parameter of a model built only to be checked or run elsewhere, costs no memory.
 */
export class HeapStorage implements Storage {
  readonly byteOffset = 0;
  private buf: ArrayBuffer | undefined;

  constructor(
    readonly length: number,
    readonly owner = 'js',
  ) {}

  buffer(): ArrayBuffer {
    if (this.buf === undefined) this.buf = new ArrayBuffer(this.length * 4);
    return this.buf;
  }
}
