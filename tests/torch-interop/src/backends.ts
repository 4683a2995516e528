import {
  IntTensor,
  Random,
  type Shape,
  Tensor,
  backendUnavailableReason,
  setBackend,
  sizeOf,
} from '@scratchnet/tensor';

/** The backends our side runs on: every case is checked on each of them. */
export const BACKENDS = ['js', 'wasm'].filter((b) => backendUnavailableReason(b) === undefined);

/** Makes `name` the current backend (wasm with its default threads). */
export function useBackend(name: string): void {
  setBackend(name);
}

/** Normally distributed float32 values, `scale`·N(0, 1), from a seeded generator. */
export function normal(rng: Random, shape: Shape, scale = 1): Float32Array {
  const a = new Float32Array(sizeOf(shape));
  rng.fillNormal(a, 0, scale);
  return a;
}

/** Uniform float32 values in [lo, hi). */
export function uniform(rng: Random, shape: Shape, lo: number, hi: number): Float32Array {
  const a = new Float32Array(sizeOf(shape));
  for (let i = 0; i < a.length; i++) a[i] = rng.uniform(lo, hi);
  return a;
}

/** A tensor on the current backend holding `data`. */
export function tensorOf(shape: Shape, data: ArrayLike<number>): Tensor {
  const t = new Tensor(shape);
  t.data.set(data);
  return t;
}

/** An int tensor on the current backend holding `data`. */
export function intTensorOf(shape: Shape, data: ArrayLike<number>): IntTensor {
  const t = new IntTensor(shape);
  t.data.set(data);
  return t;
}

export { Random };
