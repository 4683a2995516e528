/**
 * @scratchnet/tensor: N-d float32 tensors and the kernels behind them, over a narrow {@link Backend}
 * interface with a readable reference backend (`'js'`) and a WebAssembly SIMD one (`'wasm'`).
 *
 * @packageDocumentation
 */
export type {
  ActivationOp,
  AdagradHyper,
  AdamHyper,
  Backend,
  BatchNormHyper,
  BinaryOp,
  ReduceOp,
  RmspropHyper,
  SgdHyper,
  UnaryOp,
} from './backend.js';
export { JsBackend } from './backends/js/index.js';
export {
  WasmBackend,
  type WasmBackendOptions,
  type WasmVariant,
  createWasmBackend,
  supportedWasmVariants,
} from './backends/wasm/index.js';
export * from './ops/index.js';
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
