/**
 * The wasm backend's worker threads in a Chromium Worker: with cross-origin isolation a 2-thread
 * backend gets both threads and both start (a browser starts them only once the Worker yields), its
 * training steps are bit-identical run to run and agree with 1 thread's; without isolation it runs
 * on 1 thread. Timings are the benchmark's business (bench/suites/browser.mjs), never asserted here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runStepBench } from '../scripts/step-bench.mjs';
import { type Harness, startHarness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

// A few untimed and timed steps: enough for every kernel to run split across the threads.
const SHORT = { warmupSteps: 2, rounds: 1, stepsPerRound: 2 };

describe('wasm threads in a Chromium Worker', () => {
  it('gets and starts 2 threads when cross-origin isolated; same results as 1 thread, bit-identical run to run', async () => {
    // Two runs at 2 threads (same backend, same seed, same batches) and one at 1 thread.
    const r = await runStepBench(h.browser, h.url, { ...SHORT, threads: [1, 2, 2] });
    expect(r.pageCrossOriginIsolated).toBe(true);
    expect(r.crossOriginIsolated).toBe(true);
    expect(r.variant).not.toBe('unshared');
    const [one, two, again] = r.runs;
    expect([one.obtained, one.started]).toEqual([1, 1]);
    expect([two.obtained, two.started]).toEqual([2, 2]);
    expect(two.startMs).not.toBeNull();
    expect(again.started).toBe(2);
    const steps = SHORT.warmupSteps + SHORT.rounds * SHORT.stepsPerRound;
    for (const run of r.runs) {
      expect(run.losses).toHaveLength(steps);
      expect(run.losses.every(Number.isFinite)).toBe(true);
      expect(run.parameterCount).toBe(804554); // the simple CNN's parameters
    }
    // Learning happens: the loss over the 4 cycled batches goes down from the first step.
    expect(two.losses[steps - 1]).toBeLessThan(two.losses[0]);
    // Run to run at 2 threads: the same bits, every loss and every parameter.
    expect(again.losses).toEqual(two.losses);
    expect(again.parameterDigest).toBe(two.parameterDigest);
    // Against 1 thread: a K-split GEMM sums in another order, so within rounding, not bit for bit.
    for (let i = 0; i < steps; i++) expect(Math.abs(two.losses[i] - one.losses[i])).toBeLessThan(1e-5);
    expect(two.maxDiffFromFirst).toBeLessThan(1e-5);
  }, 120_000);

  it('runs on 1 thread, saying so, without cross-origin isolation', async () => {
    const r = await runStepBench(h.browser, h.plainUrl, { ...SHORT, warmupSteps: 1, threads: [2] });
    expect(r.crossOriginIsolated).toBe(false);
    expect(r.variant).toBe('unshared');
    expect([r.runs[0].obtained, r.runs[0].started]).toEqual([1, 1]);
  }, 120_000);
});
