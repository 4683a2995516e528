/**
 * The WebAssembly SIMD backend: factory and detection. `createWasmBackend` is what the registry
 * calls for `setBackend('wasm', { threads })`; it returns undefined where the runtime has no wasm SIMD.
 */
import type { BackendOptions } from '../../registry.js';
import { WasmBackend, registerWasmKernels } from './backend.js';
import { type WasmVariant, WasmRuntime } from './runtime.js';
import { canBlock, canSpawnWorkers } from './threads.js';

export { WasmBackend } from './backend.js';
export type { WasmVariant } from './runtime.js';

/** Options of {@link createWasmBackend}. */
export interface WasmBackendOptions extends BackendOptions {
  /** Force a compiled variant (tests, benchmarks); default: the best the runtime validates. */
  variant?: WasmVariant;
  /**
   * Default true: when the workers keep the caller waiting (they are not getting cores of their own),
   * run parallel calls on the caller alone for a while. Results are the same either way.
   */
  adaptive?: boolean;
}

/** Logical cores: `os.availableParallelism()` in Node, `navigator.hardwareConcurrency` in browsers. */
export function defaultThreads(): number {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const os = proc?.getBuiltinModule?.('node:os') as
    | { availableParallelism?: () => number; cpus(): unknown[] }
    | undefined;
  if (os !== undefined) return os.availableParallelism?.() ?? os.cpus().length;
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  return nav?.hardwareConcurrency ?? 1;
}

/**
 * A wasm backend with `threads` threads (default: every core). Throws, saying why, where WebAssembly
 * SIMD is unavailable. Threads need shared memory and a thread that may block (not a browser page's main
 * thread); elsewhere the backend runs single-threaded.
 */
export function createWasmBackend(options: WasmBackendOptions = {}): WasmBackend {
  const runtime = WasmRuntime.get(options.variant);
  // The registry keeps the reason: automatic selection falls back to js, setBackend('wasm') reports it.
  if (runtime === undefined) throw new Error(WasmRuntime.failure ?? 'WebAssembly SIMD is unavailable');
  let threads = options.threads ?? defaultThreads();
  if (!runtime.shared || !canBlock() || !canSpawnWorkers()) threads = 1;
  registerWasmKernels();
  return new WasmBackend(runtime, threads, options.adaptive ?? true);
}

/** The compiled variants this runtime supports, best first. */
export function supportedWasmVariants(): WasmVariant[] {
  return WasmRuntime.supported();
}
