import type { Storage } from './storage.js';

/** Elementwise binary operations, with NumPy broadcasting. */
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'maximum' | 'minimum';
/** Elementwise unary operations. */
export type UnaryOp = 'neg' | 'abs' | 'exp' | 'log' | 'sqrt' | 'square' | 'relu' | 'sigmoid' | 'tanh';
/** Activations with a backward kernel. `leakyRelu` takes its negative slope as `alpha`. */
export type ActivationOp = 'relu' | 'leakyRelu' | 'sigmoid' | 'tanh';
/** Reductions along one axis. */
export type ReduceOp = 'sum' | 'mean' | 'max' | 'min';

/**
 * Where tensors live and who runs the kernels. A backend is only its memory (`allocate`) and a name;
 * its kernels are registered under that name in the kernel registry (`registerKernel(name, kernel,
 * impl)`), and every kernel it does not implement runs the reference implementation on its tensors.
 *
 * Conventions of every kernel: tensors are contiguous and row-major; outputs are caller-provided and
 * written in place, so a training step allocates nothing; any tensor may be passed to any backend (a
 * backend computes in place on storage it owns, `tensor.storage.owner === backend.name`, and stages
 * other tensors through copies).
 */
export interface Backend {
  /** Short name used by `setBackend` and by kernel registration: `'js'` or `'wasm'`. */
  readonly name: string;
  /** Worker threads a kernel may use (1 for single-threaded backends). */
  readonly threads: number;
  /** Storage for `length` 4-byte elements. Contents are unspecified (fill it for zeros). */
  allocate(length: number): Storage;
}
