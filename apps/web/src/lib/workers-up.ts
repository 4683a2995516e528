import type { WasmBackend } from '@scratchnet/tensor';

/**
 * Milliseconds until every thread of `backend` has started, yielding to the event loop meanwhile (a
 * browser starts a Worker only when the thread that created it returns to its event loop); null when
 * they had not within `timeoutMs` (the backend then runs on the threads it has).
 */
export async function workersUp(backend: WasmBackend, timeoutMs: number): Promise<number | null> {
  const t0 = performance.now();
  while (backend.startedThreads < backend.threads) {
    if (performance.now() - t0 > timeoutMs) return null;
    await new Promise((r) => setTimeout(r, 2));
  }
  return performance.now() - t0;
}
