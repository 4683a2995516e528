import { describe, expect, it } from 'vitest';
import { createWasmBackend, type WasmBackend } from '../src/backends/wasm/index.js';
import { WasmRuntime } from '../src/backends/wasm/runtime.js';
import { CONTROL_BYTES, ThreadPool } from '../src/backends/wasm/threads.js';
import { gemm } from '../src/kernels/index.js';
import { callKernel } from '../src/kernels/kernel.js';
import { Tensor } from '../src/tensor.js';

// Workers come up asynchronously (a browser starts them only when the creating thread returns to its
// event loop): the backend says how many have started, and the pool does not judge workers that
// have not started yet.
describe('wasm worker threads starting', () => {
  it('startedThreads counts the caller, then every worker once it is up', async () => {
    const wb = createWasmBackend({ threads: 2, adaptive: false }) as WasmBackend;
    const single = createWasmBackend({ threads: 1 }) as WasmBackend;
    try {
      expect(single.startedThreads).toBe(1);
      // Node starts the workers on the first parallel call.
      expect(wb.startedThreads).toBe(1);
      const a = new Tensor([128, 256], wb.allocate(128 * 256)).fill(1);
      const b = new Tensor([256, 128], wb.allocate(256 * 128)).fill(2);
      const c = new Tensor([128, 128], wb.allocate(128 * 128)).fill(0);
      const args = { transA: false, transB: false, m: 128, n: 128, k: 256, alpha: 1, a, b, beta: 0, c };
      callKernel(gemm, args, wb);
      expect(c.data[0]).toBe(512);
      const until = Date.now() + 20_000;
      while (wb.startedThreads < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
      expect(wb.startedThreads).toBe(2);
      callKernel(gemm, args, wb);
      expect(c.data[128 * 128 - 1]).toBe(512);
    } finally {
      wb.terminate();
    }
  });

  it('runs alone without ever going solo while no worker has started', () => {
    const rt = WasmRuntime.get() as WasmRuntime;
    const ctl = rt.heap.alloc(CONTROL_BYTES).ptr;
    const done: number[] = [];
    const record = (_tid: number, chunk: number) => {
      done.push(chunk);
    };
    const pool = new ThreadPool(2, [record], ['fill'], rt.module, rt.memory, ctl);
    // As if the workers had been created but never came up (a browser thread that never yields).
    (pool as unknown as { spawned: boolean }).spawned = true;
    for (let call = 0; call < 200; call++) pool.run(0, 64, 1, 4);
    expect(pool.startedWorkers).toBe(0);
    expect(done.length).toBe(800);
    expect(done.slice(0, 8)).toEqual([0, 1, 2, 3, 0, 1, 2, 3]);
    // The adaptive observer saw no worker to judge: it never switched to solo calls.
    expect((pool as unknown as { solo: number }).solo).toBe(0);
    expect((pool as unknown as { windowCalls: number }).windowCalls).toBe(0);
  });
});
