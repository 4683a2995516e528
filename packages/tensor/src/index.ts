/**
 * @scratchnet/tensor: N-d float32 tensors, the ops over them, and the kernel registry behind the ops:
 * every kernel has a readable reference implementation (the `'js'` backend), and the WebAssembly SIMD
 * backend (`'wasm'`) registers faster ones.
 *
 * @packageDocumentation
 */
export type { ActivationOp, Backend, BinaryOp, ReduceOp, UnaryOp } from './backend.js';
export { JsBackend } from './backends/js/index.js';
export {
  WasmBackend,
  type WasmBackendOptions,
  type WasmVariant,
  createWasmBackend,
  supportedWasmVariants,
} from './backends/wasm/index.js';
export * from './ops/index.js';
/** The kernels (arguments, validation, reference) for backends to implement: `kernels.gemm`, … */
export * as kernels from './kernels/index.js';
export {
  type Kernel,
  type KernelImpl,
  type KernelObserver,
  type KernelSpec,
  callKernel,
  defineKernel,
  kernelsImplementedBy,
  listKernels,
  registerKernel,
  runKernel,
  setKernelObserver,
} from './kernels/kernel.js';
export { full, fromArray, intZeros, ones, randomNormal, randomUniform, zeros } from './creation.js';
export { Random, type RandomState } from './random.js';
export {
  type BackendFactory,
  type BackendOptions,
  backendUnavailableReason,
  getBackend,
  listBackends,
  registerBackend,
  setBackend,
} from './registry.js';
export {
  type Conv2dGeometry,
  type Padding2d,
  type Pool2dGeometry,
  type Shape,
  ShapeError,
  type Size2d,
  assertShape,
  broadcastShapes,
  conv2dGeometry,
  formatShape,
  normalizeAxis,
  pair,
  pool2dGeometry,
  resolvePadding,
  shapesEqual,
  sizeOf,
  stridesOf,
} from './shape.js';
export { HeapStorage, type Storage } from './storage.js';
export { type AnyTensor, IntTensor, type NestedArray, Tensor } from './tensor.js';
export { Workspace } from './workspace.js';
