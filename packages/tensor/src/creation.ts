import type { Random } from './random.js';
import { fill } from './kernels/fill.js';
import { runKernel } from './kernels/kernel.js';
import type { Shape } from './shape.js';
import { HeapStorage } from './storage.js';
import { IntTensor, Tensor } from './tensor.js';

/** A float tensor of `shape` filled with zeros. */
export function zeros(shape: Shape): Tensor {
  return full(shape, 0);
}

/** A float tensor of `shape` filled with ones. */
export function ones(shape: Shape): Tensor {
  return full(shape, 1);
}

/** A float tensor of `shape` filled with `value`. */
export function full(shape: Shape, value: number): Tensor {
  const t = new Tensor(shape);
  // A fresh ArrayBuffer already holds zeros: filling it would only touch (and fault in) its pages,
  // which the gradients of a model loaded for inference never need.
  if (Object.is(value, 0) && t.storage instanceof HeapStorage) return t;
  runKernel(fill, { x: t, value });
  return t;
}

/** An int tensor of `shape` filled with zeros. */
export function intZeros(shape: Shape): IntTensor {
  return new IntTensor(shape).fill(0);
}

/** A float tensor from nested arrays or a flat list with an explicit shape. Copies the values. */
export const fromArray = Tensor.fromArray;

/** Uniform draws in `[low, high)` from `rng`, in row-major order. */
export function randomUniform(shape: Shape, rng: Random, low = 0, high = 1): Tensor {
  const t = new Tensor(shape);
  rng.fillUniform(t.data, low, high);
  return t;
}

/** Normal draws from `rng`, in row-major order. */
export function randomNormal(shape: Shape, rng: Random, mean = 0, std = 1): Tensor {
  const t = new Tensor(shape);
  rng.fillNormal(t.data, mean, std);
  return t;
}
