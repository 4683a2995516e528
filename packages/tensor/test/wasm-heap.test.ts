import { afterAll, describe, expect, it } from 'vitest';
import { WasmHeap, WasmStorage, sizeClass } from '../src/backends/wasm/heap.js';
import { type WasmApi, webAssembly } from '../src/backends/wasm/webassembly.js';
import { getBackend, setBackend } from '../src/registry.js';
import { Workspace } from '../src/workspace.js';

/** A heap over a fresh one-page memory (it grows as blocks are handed out). */
function heap(): WasmHeap {
  return new WasmHeap(new (webAssembly() as WasmApi).Memory({ initial: 1, maximum: 1024 }));
}

const KB = 1024;
const BASE = 1024; // the first address handed out

describe('sizeClass', () => {
  it('rounds to 64 bytes up to 4 KiB, then to a quarter of the lower power of two', () => {
    expect([1, 64, 65, 4096].map(sizeClass)).toEqual([64, 64, 128, 4096]);
    expect([4097, 5120, 5121, 1_000_000].map(sizeClass)).toEqual([5120, 5120, 6144, 1_048_576]);
  });
});

describe('WasmHeap', () => {
  it('bump-allocates 64-byte aligned blocks and reuses a freed block of the same size', () => {
    const h = heap();
    const a = h.alloc(100);
    const b = h.alloc(100);
    expect([a.ptr, a.size, b.ptr]).toEqual([BASE, 128, BASE + 128]);
    h.release(a.ptr, a.size);
    expect(h.alloc(128).ptr).toBe(BASE);
    expect(h.liveBytes).toBe(256);
  });

  it('merges a freed block with free neighbours and serves a larger request from the merged block', () => {
    const h = heap();
    const [a, b, c, top] = [4 * KB, 4 * KB, 8 * KB, 64].map((n) => h.alloc(n));
    h.release(a.ptr, a.size);
    h.release(c.ptr, c.size);
    expect(h.freeBytes).toBe(12 * KB);
    h.release(b.ptr, b.size); // joins a and c: one 16 KiB block
    expect(h.freeBytes).toBe(16 * KB);
    const big = h.alloc(16 * KB);
    expect(big.ptr).toBe(a.ptr);
    expect(h.freeBytes).toBe(0);
    expect(h.highWater).toBe(top.ptr + 64);
  });

  it('splits the smallest free block that fits, keeping the rest free', () => {
    const h = heap();
    const small = h.alloc(8 * KB);
    h.alloc(64);
    const large = h.alloc(32 * KB);
    h.alloc(64);
    h.release(small.ptr, small.size);
    h.release(large.ptr, large.size);
    // 6 KiB fits both; the 8 KiB block is the smaller, and its last 2 KiB stay free.
    const x = h.alloc(6 * KB);
    expect(x.ptr).toBe(small.ptr);
    expect(h.freeBytes).toBe(2 * KB + 32 * KB);
    expect(h.alloc(2 * KB).ptr).toBe(small.ptr + 6 * KB);
    // 10 KiB fits only the 32 KiB block.
    expect(h.alloc(10 * KB).ptr).toBe(large.ptr);
    expect(h.freeBytes).toBe(22 * KB);
  });

  it('freeing the highest blocks lowers the high-water mark, so any size bumps into them again', () => {
    const h = heap();
    const a = h.alloc(4 * KB);
    const b = h.alloc(4 * KB);
    h.release(a.ptr, a.size); // below b: stays a free block
    expect(h.highWater).toBe(BASE + 8 * KB);
    h.release(b.ptr, b.size); // the top block, merged with a: the heap is empty again
    expect(h.highWater).toBe(BASE);
    expect(h.freeBytes).toBe(0);
    expect(h.alloc(20 * KB).ptr).toBe(BASE);
    expect(h.liveBytes).toBe(20 * KB);
  });

  it('grows the memory past its end and keeps addresses', () => {
    const h = heap();
    const a = h.alloc(40 * KB);
    new Uint8Array(h.buffer, a.ptr, 4).set([1, 2, 3, 4]);
    const b = h.alloc(100 * KB);
    expect(h.capacity).toBeGreaterThanOrEqual(b.ptr + b.size);
    expect(Array.from(new Uint8Array(h.buffer, a.ptr, 4))).toEqual([1, 2, 3, 4]);
  });

  it('a released storage frees its block at once, and any later access throws', () => {
    const h = heap();
    const s = h.storage(1024, 'wasm');
    expect(s).toBeInstanceOf(WasmStorage);
    expect(h.liveBytes).toBe(4096);
    s.release();
    s.release(); // idempotent: nothing is freed twice
    expect(h.liveBytes).toBe(0);
    expect(h.highWater).toBe(BASE);
    expect(() => s.byteOffset).toThrow(/memory was recycled/);
    expect(() => s.buffer()).toThrow(/copy a tensor/);
  });
});

describe('Workspace on the wasm backend', () => {
  const before = getBackend().name;
  afterAll(() => {
    setBackend(before);
  });

  it('releases an outgrown buffer, so its memory is reused and the old tensor cannot read another one', () => {
    setBackend('wasm', { threads: 1 });
    const ws = new Workspace();
    const small = ws.tensor('y', [4, 1024]);
    small.data.fill(1);
    const address = small.byteAddress;
    ws.tensor('guard', [16]); // above small: its memory is not simply the heap's top again
    const big = ws.tensor('y', [8, 1024]);
    expect(big.byteAddress).not.toBe(address);
    // The 16 KiB freed by `small` serves the next request of that size.
    const other = ws.tensor('z', [4, 1024]);
    expect(other.byteAddress).toBe(address);
    expect(() => small.data).toThrow(/memory was recycled/);
    // A smaller shape is still a view of the kept storage, not a release.
    const view = ws.tensor('y', [2, 1024]);
    expect(view.storage).toBe(big.storage);
    expect(big.data.length).toBe(8 * 1024);
  });

  it('keeps every tensor readable on the js backend (collection frees its memory)', () => {
    setBackend('js');
    const ws = new Workspace();
    const small = ws.tensor('y', [2, 3]);
    small.data.fill(5);
    ws.tensor('y', [4, 3]);
    expect(Array.from(small.data)).toEqual([5, 5, 5, 5, 5, 5]);
  });
});
