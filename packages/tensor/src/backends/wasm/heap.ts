/**
 * The wasm backend's allocator: a JS-side heap over the backend's `WebAssembly.Memory`. Blocks are
 * 64-byte aligned (cache lines; SIMD loads never straddle them) and requests are rounded to size
 * classes (multiples of 64 bytes up to 4 KiB, then four classes per power of two, so at most 25% is
 * wasted). A freed block merges with free neighbours; a request takes a free block of its exact size
 * if there is one, else the smallest larger free block (split), else bump-allocates above the highest
 * block, growing the memory when needed. Reusing freed blocks of any size matters for peak memory: a
 * wasm memory never shrinks, and every page it has touched stays resident. Storage objects are freed
 * by a FinalizationRegistry once the garbage collector has them (or earlier by their owner, see
 * {@link WasmStorage.release}), so users never dispose anything. Addresses never move: growth keeps
 * every pointer valid.
 */
import type { Storage } from '../../storage.js';
import type { WasmMemory } from './webassembly.js';

const PAGE = 65536;
/** Addresses below this are never handed out (0 stays an invalid pointer). */
const HEAP_BASE = 1024;
const MAX_BYTES = 65536 * PAGE;

/** Rounds a byte count up to its size class. */
export function sizeClass(bytes: number): number {
  if (bytes <= 4096) return Math.max(64, Math.ceil(bytes / 64) * 64);
  const step = 2 ** (Math.ceil(Math.log2(bytes)) - 3); // a quarter of the lower power of two
  return Math.ceil(bytes / step) * step;
}

/** One block of the heap. */
interface Block {
  ptr: number;
  size: number;
}

/** A bump allocator with merged, reusable free blocks, over a WebAssembly.Memory. */
export class WasmHeap {
  /** End of the highest block in use; no free block ends here (freeing the top block lowers it). */
  private top = HEAP_BASE;
  /** Free blocks by size: their addresses. */
  private readonly bySize = new Map<number, Set<number>>();
  /** Free blocks: start address → size. */
  private readonly freeAt = new Map<number, number>();
  /** Free blocks: end address → start address (to merge a freed block with the one before it). */
  private readonly freeEnd = new Map<number, number>();
  private buf: ArrayBuffer | SharedArrayBuffer;
  private bytesView: Uint8Array;
  private readonly registry = new FinalizationRegistry<Block>((b) => this.release(b.ptr, b.size));
  /** Bytes handed out and not yet freed (live blocks, rounded to their classes). */
  liveBytes = 0;

  constructor(readonly memory: WasmMemory) {
    this.buf = memory.buffer;
    this.bytesView = new Uint8Array(this.buf);
  }

  /** The memory's current buffer (a new object after every growth). */
  get buffer(): ArrayBuffer | SharedArrayBuffer {
    return this.buf;
  }

  /** A byte view of the whole memory, current after growth. */
  get bytes(): Uint8Array {
    return this.bytesView;
  }

  /** Bytes the memory spans now. */
  get capacity(): number {
    return this.buf.byteLength;
  }

  /** End of the highest block in use: everything the heap has handed out lies below it. */
  get highWater(): number {
    return this.top;
  }

  /** Bytes in free blocks below {@link highWater}, ready for reuse. */
  get freeBytes(): number {
    let n = 0;
    for (const size of this.freeAt.values()) n += size;
    return n;
  }

  /** A block of at least `bytes` bytes, 64-byte aligned, contents unspecified. Free it with {@link release}. */
  alloc(bytes: number): Block {
    const size = sizeClass(bytes);
    let ptr = this.takeFree(size);
    if (ptr < 0) {
      ptr = this.top;
      if (ptr + size > this.buf.byteLength) this.grow(ptr + size);
      this.top = ptr + size;
    }
    this.liveBytes += size;
    return { ptr, size };
  }

  /** Returns a block to the free blocks, merged with free neighbours. */
  release(ptr: number, size: number): void {
    this.liveBytes -= size;
    let start = ptr;
    let end = ptr + size;
    const before = this.freeEnd.get(start);
    if (before !== undefined) {
      this.unlink(before, start - before);
      start = before;
    }
    const after = this.freeAt.get(end);
    if (after !== undefined) {
      this.unlink(end, after);
      end += after;
    }
    if (end === this.top) this.top = start;
    else this.link(start, end - start);
  }

  /** Storage of `length` 4-byte elements, freed automatically when it is garbage collected. */
  storage(length: number, owner: string): WasmStorage {
    const block = this.alloc(length * 4);
    const s = new WasmStorage(this, owner, block.ptr, length, block.size);
    this.registry.register(s, block, s);
    return s;
  }

  /** Frees `s`'s block now instead of when `s` is collected (see {@link WasmStorage.release}). */
  releaseStorage(s: WasmStorage, size: number): void {
    this.registry.unregister(s);
    this.release(s.address, size);
  }

  /**
   * Takes a free block for `size` bytes: one of exactly that size, else the front of the smallest
   * larger one (its rest stays free). -1 when none is large enough.
   */
  private takeFree(size: number): number {
    let fit = size;
    let set = this.bySize.get(size);
    if (set === undefined) {
      fit = Number.POSITIVE_INFINITY;
      for (const s of this.bySize.keys()) if (s > size && s < fit) fit = s;
      if (fit === Number.POSITIVE_INFINITY) return -1;
      set = this.bySize.get(fit) as Set<number>;
    }
    const ptr = set.values().next().value as number;
    this.unlink(ptr, fit);
    if (fit > size) this.link(ptr + size, fit - size);
    return ptr;
  }

  private link(ptr: number, size: number): void {
    let set = this.bySize.get(size);
    if (set === undefined) this.bySize.set(size, (set = new Set()));
    set.add(ptr);
    this.freeAt.set(ptr, size);
    this.freeEnd.set(ptr + size, ptr);
  }

  private unlink(ptr: number, size: number): void {
    const set = this.bySize.get(size) as Set<number>;
    set.delete(ptr);
    if (set.size === 0) this.bySize.delete(size);
    this.freeAt.delete(ptr);
    this.freeEnd.delete(ptr + size);
  }

  private grow(needed: number): void {
    if (needed > MAX_BYTES) {
      throw new RangeError(
        `wasm backend: cannot allocate ${needed - this.top} bytes: the 4 GiB WebAssembly memory is exhausted`,
      );
    }
    const have = this.buf.byteLength;
    // Grow by at least half again, so a stream of allocations grows the memory O(log n) times. Pages
    // reserved this way cost no resident memory until a block on them is written.
    const target = Math.min(MAX_BYTES, Math.max(needed, Math.ceil(have * 1.5)));
    this.memory.grow(Math.ceil((target - have) / PAGE));
    this.buf = this.memory.buffer;
    this.bytesView = new Uint8Array(this.buf);
  }
}

/**
 * Tensor storage inside the wasm backend's memory; `byteOffset` is a pointer for the kernels. Once
 * released, every access throws: its block may already hold another tensor.
 */
export class WasmStorage implements Storage {
  private released = false;

  constructor(
    /** The heap (and so the memory) this block belongs to. */
    readonly heap: WasmHeap,
    readonly owner: string,
    /** The block's address, readable after release (for the heap). */
    readonly address: number,
    readonly length: number,
    /** The block's size in bytes (its size class). */
    private readonly blockSize: number,
  ) {}

  get byteOffset(): number {
    if (this.released) throw this.stale();
    return this.address;
  }

  buffer(): ArrayBufferLike {
    if (this.released) throw this.stale();
    return this.heap.buffer;
  }

  /**
   * Frees the block now, for owners that know no tensor on it will be used again (a workspace whose
   * buffer was outgrown). Idempotent; later access throws instead of reading another tensor's data.
   */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.heap.releaseStorage(this, this.blockSize);
  }

  private stale(): Error {
    return new Error(
      "wasm backend: this tensor's memory was recycled: it came from a reused buffer (a layer's output or a dataset batch) that was later outgrown; copy a tensor (t.clone()) to keep it",
    );
  }
}
