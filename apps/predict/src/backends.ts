// The CLI's backends (build.mjs puts this module in place of the tensor package's
// backends/builtin.ts): the js backend alone. The forward pass runs in the CLI's own compiled kernels
// (src/forward.ts) and the model is loaded on the js backend (src/run.ts says why), so the tensor
// package's wasm backend, its thread pool and its kernel bindings would only be read and parsed.
import type { BuiltinBackend } from '../../../packages/tensor/src/backends/builtin.js';
import { JsBackend } from '../../../packages/tensor/src/backends/js/index.js';

/** The built-in backends of this build: js only. */
export const builtinBackends: readonly BuiltinBackend[] = [
  { name: 'js', priority: 0, factory: () => new JsBackend() },
];
