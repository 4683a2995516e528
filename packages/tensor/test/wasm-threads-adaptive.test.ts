import { describe, expect, it } from 'vitest';
import { WasmRuntime } from '../src/backends/wasm/runtime.js';
import { CONTROL_BYTES, ThreadPool } from '../src/backends/wasm/threads.js';

/** The pool's private adaptive state, as the tests drive it. */
interface Observed {
  observe(own: number, stall: number, mine: number, chunks: number): void;
  solo: number;
}

/** A 2-thread pool whose worker counts as started, its observer fed by hand (no worker runs). */
function pool(): Observed {
  const rt = WasmRuntime.get() as WasmRuntime;
  const ctl = rt.heap.alloc(CONTROL_BYTES).ptr;
  const p = new ThreadPool(2, [() => 0], ['fill'], rt.module, rt.memory, ctl);
  // As if the worker had started (slot 9 counts started workers).
  Atomics.store(new Int32Array(rt.memory.buffer, ctl, CONTROL_BYTES / 4), 9, 1);
  return p as unknown as Observed;
}

// Over a window of 64 parallel calls the pool weighs the caller's waiting for the workers against
// the time they saved it; when waiting wins, the next calls run on the caller alone.
describe('wasm thread pool: going solo', () => {
  it('goes solo when most calls of a window stall longer than the workers save', () => {
    const p = pool();
    // Each call: the caller ran 1 of 2 chunks in 1 ms and then waited 1.5 ms for the worker's.
    for (let call = 0; call < 64; call++) p.observe(1, 1.5, 1, 2);
    expect(p.solo).toBe(256);
  });

  it('stays parallel through a single long stall in an otherwise smooth window', () => {
    const p = pool();
    // One call waits 80 ms (the worker descheduled by another process), the 63 others 0.05 ms:
    // 83 ms of waiting against 64 ms saved, but the one stall counts for 2 ms only.
    p.observe(1, 80, 1, 2);
    for (let call = 1; call < 64; call++) p.observe(1, 0.05, 1, 2);
    expect(p.solo).toBe(0);
    // Uncapped, a few such stalls in one window would outweigh the saving; capped they do not.
    for (let call = 0; call < 64; call++) p.observe(1, call % 16 === 0 ? 40 : 0.05, 1, 2);
    expect(p.solo).toBe(0);
  });
});
