import { expect } from 'vitest';
import { Random } from '../src/random.js';
import { setBackend } from '../src/registry.js';
import { Tensor } from '../src/tensor.js';

/** A tensor of uniform draws in [-1, 1) from a fixed seed. */
export function rand(shape: readonly number[], seed = 1): Tensor {
  const t = new Tensor(shape);
  new Random(seed).fillUniform(t.data, -1, 1);
  return t;
}

/** Asserts two arrays agree elementwise within `atol + rtol·|expected|`. */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  atol = 1e-5,
  rtol = 1e-5,
): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e)) {
      expect(a, `element ${i}`).toBeNaN();
      continue;
    }
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
      throw new Error(`element ${i}: got ${a}, expected ${e} (atol ${atol}, rtol ${rtol})`);
    }
  }
}

/**
 * Runs the ops tests of a file on one backend: 'js' (the reference) unless SCRATCHNET_TEST_BACKEND
 * names another (with SCRATCHNET_TEST_THREADS threads). vitest.config.ts runs the ops suites once per
 * backend this way: js, wasm with 1 thread, wasm with 2 threads.
 */
export function useTestBackend(): void {
  // At collection time, not in beforeAll: test tables build their tensors while being collected.
  const threads = process.env.SCRATCHNET_TEST_THREADS;
  setBackend(
    process.env.SCRATCHNET_TEST_BACKEND ?? 'js',
    threads === undefined ? {} : { threads: Number(threads) },
  );
}
