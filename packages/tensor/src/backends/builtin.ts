import type { BackendFactory } from '../registry.js';
import { JsBackend } from './js/index.js';
import { createWasmBackend } from './wasm/index.js';

/** A backend that ships with the package, registered lazily on first use of the registry. */
export interface BuiltinBackend {
  name: string;
  /** The default backend is the available one with the highest priority. */
  priority: number;
  factory: BackendFactory;
}

/** The built-in backends (no module side effects: `registry.ts` reads this list when first used). */
export const builtinBackends: readonly BuiltinBackend[] = [
  { name: 'js', priority: 0, factory: () => new JsBackend() },
  // WebAssembly SIMD, multi-threaded: the default wherever the runtime validates its module.
  { name: 'wasm', priority: 10, factory: (options) => createWasmBackend(options) },
];
