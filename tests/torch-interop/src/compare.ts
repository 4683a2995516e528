import { expect } from 'vitest';
import type { TensorJson } from './reference.js';

/** Float32 agreement: |actual − expected| ≤ 1e-5 + 1e-5·|expected| element by element. */
export const TOLERANCE = 1e-5;

/** Asserts that `actual` has `expected`'s shape and values within {@link TOLERANCE}, naming the worst element. */
export function expectClose(
  actual: { shape: readonly number[]; data: ArrayLike<number> },
  expected: TensorJson,
  what: string,
): void {
  expect([...actual.shape], `${what}: shape`).toEqual(expected.shape);
  expectValuesClose(actual.data, expected.data, what);
}

/** Asserts element-wise agreement of two flat arrays within {@link TOLERANCE}. */
export function expectValuesClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  what: string,
): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const excess = Math.abs(actual[i] - expected[i]) - TOLERANCE * (1 + Math.abs(expected[i]));
    if (!(excess <= worst)) {
      worst = excess;
      at = i;
    }
  }
  const detail = at < 0 ? '' : `worst at ${at}: ours ${actual[at]}, PyTorch ${expected[at]}`;
  expect(at, `${what}: ${detail}`).toBe(-1);
}
