import { type Backend, Tensor, getBackend, listBackends, setBackend } from '@scratchnet/tensor';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { Optimizer, Parameter } from '../src/index.js';

/** A parameter named `name` with the given values and gradient (zero gradient when omitted). */
export function param(name: string, values: number[], grad?: number[], shape?: number[]): Parameter {
  const value = Tensor.fromArray(values, shape ?? [values.length]);
  return { name, value, grad: Tensor.fromArray(grad ?? values.map(() => 0), value.shape) };
}

/** Sets the gradient of `p` to `values`. */
export function setGrad(p: Parameter, values: number[]): void {
  p.grad.data.set(values);
}

/**
 * Each element of `actual` within float32 rounding of the float64 hand computation `expected` (a
 * relative 1e-6 leaves room for kernels that compute in float32 throughout, and is still far tighter
 * than the difference between any two variants the tests tell apart).
 */
export function expectClose(actual: ArrayLike<number>, expected: number[], tolerance = 1e-6): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    if (err > tolerance * Math.max(1, Math.abs(expected[i]))) {
      expect.fail(`element ${i}: got ${actual[i]}, expected ${expected[i]} (error ${err})`);
    }
  }
}

/**
 * Runs `steps` steps of `opt` on 1-element parameters with the given per-step gradients and returns
 * the value after each step. `grads[t]` is the gradient of step t + 1.
 */
export function run(opt: Optimizer, grads: number[]): number[] {
  const p = opt.params[0];
  const out: number[] = [];
  for (const g of grads) {
    p.grad.data[0] = g;
    opt.step();
    out.push(p.value.data[0]);
  }
  return out;
}

/**
 * Runs the suite `fn` once on every backend this runtime supports (the reference 'js' one and, where
 * available, 'wasm'), so each backend's update kernels are checked against the same hand-worked values.
 */
export function onEachBackend(fn: () => void): void {
  const names = listBackends().filter((name) => {
    const previous = getBackend();
    try {
      setBackend(name);
      return true;
    } catch {
      return false;
    } finally {
      setBackend(previous);
    }
  });
  describe.each(names)('on the %s backend', (name) => {
    let previous: Backend;
    beforeAll(() => {
      previous = getBackend();
      setBackend(name);
    });
    afterAll(() => {
      setBackend(previous);
    });
    fn();
  });
}
