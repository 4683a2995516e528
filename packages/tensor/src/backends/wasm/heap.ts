/**
 * The wasm backend's allocator: a JS-side heap over the backend's `WebAssembly.Memory`. Blocks are
 * 64-byte aligned (cache lines; SIMD loads never straddle them) and rounded to size classes (multiples
 * of 64 bytes up to 4 KiB, then four classes per power of two, so at most 25% is wasted), with a
 * free list per class and a bump pointer above; the memory grows when the bump pointer passes its
 * end. Storage objects are freed by a FinalizationRegistry once the garbage collector has them, so
 * users never dispose anything. Addresses never move: growth keeps every pointer valid.
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

/** A bump-and-free-list allocator over a WebAssembly.Memory. */
export class WasmHeap {
  private top = HEAP_BASE;
  private readonly free = new Map<number, number[]>();
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

  /** A block of at least `bytes` bytes, 64-byte aligned, contents unspecified. Free it with {@link release}. */
  alloc(bytes: number): Block {
    const size = sizeClass(bytes);
    const list = this.free.get(size);
    if (list !== undefined && list.length > 0) {
      this.liveBytes += size;
      return { ptr: list.pop() as number, size };
    }
    const ptr = this.top;
    if (ptr + size > this.buf.byteLength) this.grow(ptr + size);
    this.top = ptr + size;
    this.liveBytes += size;
    return { ptr, size };
  }

  /** Returns a block to its free list. */
  release(ptr: number, size: number): void {
    let list = this.free.get(size);
    if (list === undefined) this.free.set(size, (list = []));
    list.push(ptr);
    this.liveBytes -= size;
  }

  /** Storage of `length` 4-byte elements, freed automatically when it is garbage collected. */
  storage(length: number, owner: string): WasmStorage {
    const block = this.alloc(length * 4);
    const s = new WasmStorage(this, owner, block.ptr, length);
    this.registry.register(s, block);
    return s;
  }

  private grow(needed: number): void {
    if (needed > MAX_BYTES) {
      throw new RangeError(
        `wasm backend: cannot allocate ${needed - this.top} bytes: the 4 GiB WebAssembly memory is exhausted`,
      );
    }
    const have = this.buf.byteLength;
    // Grow by at least half again, so a stream of allocations grows the memory O(log n) times.
    const target = Math.min(MAX_BYTES, Math.max(needed, Math.ceil(have * 1.5)));
    this.memory.grow(Math.ceil((target - have) / PAGE));
    this.buf = this.memory.buffer;
    this.bytesView = new Uint8Array(this.buf);
  }
}

/** Tensor storage inside the wasm backend's memory; `byteOffset` is a pointer for the kernels. */
export class WasmStorage implements Storage {
  constructor(
    /** The heap (and so the memory) this block belongs to. */
    readonly heap: WasmHeap,
    readonly owner: string,
    readonly byteOffset: number,
    readonly length: number,
  ) {}

  buffer(): ArrayBufferLike {
    return this.heap.buffer;
  }
}
