import { expect } from 'vitest';
import { Random } from '../src/random.js';
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
