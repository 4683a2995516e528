/**
 * The checked kernel module (assertions kept): a failed assertion in a kernel's entry checks reaches
 * the caller as a plain Error naming the kernel, the assertion and where asc placed it, and the module
 * keeps working afterwards. (The conformance suite runs every kernel on it with valid arguments.)
 */
import { describe, expect, it } from 'vitest';
import { KERNELS, WasmRuntime } from '../../src/backends/wasm/runtime.js';

const rt = WasmRuntime.supported().includes('unshared') ? WasmRuntime.get('checked') : undefined;

describe.skipIf(rt === undefined)('the checked wasm module', () => {
  const runtime = rt as WasmRuntime;
  const fill = runtime.fns[KERNELS.indexOf('fill')];
  const f32 = () => new Float32Array(runtime.heap.buffer);

  it('is unshared and single-threaded', () => {
    expect(runtime.variant).toBe('checked');
    expect(runtime.shared).toBe(false);
  });

  it('runs a kernel given valid arguments', () => {
    const { ptr } = runtime.heap.alloc(10 * 4);
    fill(0, 0, 2, 7, ptr, 1.5);
    expect(Array.from(f32().subarray(ptr / 4 + 2, ptr / 4 + 7))).toEqual([1.5, 1.5, 1.5, 1.5, 1.5]);
    runtime.heap.release(ptr, 64);
  });

  it('throws a clean Error for a null pointer', () => {
    expect(() => fill(0, 0, 0, 8, 0, 1)).toThrow(
      /^wasm kernel fill: assertion 'span' failed at assembly\/check\.ts:\d+:\d+$/,
    );
  });

  it('throws for a span past the end of memory, before writing anything', () => {
    const end = runtime.heap.capacity;
    const before = f32()[end / 4 - 1];
    expect(() => fill(0, 0, 0, 100, end - 8, 7)).toThrow(/wasm kernel fill: assertion 'span' failed/);
    expect(f32()[end / 4 - 1]).toBe(before);
  });

  it('throws for a reversed range and names the kernel that failed', () => {
    const { ptr } = runtime.heap.alloc(64);
    const axpby = runtime.fns[KERNELS.indexOf('axpby')];
    expect(() => axpby(0, 0, 5, 2, 1, ptr, 0, 0, ptr)).toThrow(
      /^wasm kernel axpby: assertion 'range' failed/,
    );
    runtime.heap.release(ptr, 64);
  });

  it('checks the direct exports too', () => {
    expect(() => runtime.direct.sumSquares(64, -1)).toThrow(
      /^wasm kernel sumSquares: assertion 'count' failed/,
    );
  });

  it('throws for a GEMM with a negative size', () => {
    const gemm = runtime.fns[KERNELS.indexOf('gemm')];
    const { ptr } = runtime.heap.alloc(64);
    expect(() => gemm(0, 0, 0, 1, 0, 0, 0, -1, 4, 4, 1, ptr, 4, ptr, 4, 0, ptr, 4, ptr, 0, 0, 0, 0)).toThrow(
      /^wasm kernel gemm: assertion 'gemm size' failed at assembly\/index\.ts:\d+:\d+$/,
    );
    runtime.heap.release(ptr, 64);
  });
});
