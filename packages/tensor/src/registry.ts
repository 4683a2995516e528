import type { Backend } from './backend.js';
import { builtinBackends } from './backends/builtin.js';

/** Options a backend is created with. */
export interface BackendOptions {
  /** Worker threads for multi-threaded backends (default: all cores); ignored by single-threaded ones. */
  threads?: number;
}

/**
 * Creates a backend on demand; `undefined` (or a thrown Error saying why) when the runtime cannot run
 * it. The reason is kept: automatic selection moves on to the next backend, and an explicit
 * `setBackend(name)` reports it.
 */
export type BackendFactory = (options: BackendOptions) => Backend | undefined;

interface Entry {
  factory: BackendFactory;
  priority: number;
  /** Instances by thread count (`0`: the backend's default). */
  instances: Map<number, Backend | undefined>;
  /** Why the factory gave no backend, by thread count. */
  failures: Map<number, string>;
}

const registry = new Map<string, Entry>();
let current: Backend | undefined;
let builtinsAdded = false;

/**
 * Adds the built-in backends on first use of the registry (rather than at import time, so the package
 * stays free of module side effects). A backend the user registered under the same name wins.
 */
function ensureBuiltins(): void {
  if (builtinsAdded) return;
  claimGlobalRegistry();
  builtinsAdded = true;
  for (const b of builtinBackends) {
    if (!registry.has(b.name))
      registry.set(b.name, {
        factory: b.factory,
        priority: b.priority,
        instances: new Map(),
        failures: new Map(),
      });
  }
}

/**
 * Makes a backend available to `setBackend(name)`. The default backend is the available one with the
 * highest priority (wasm over js).
 */
export function registerBackend(name: string, factory: BackendFactory, priority = 0): void {
  claimGlobalRegistry();
  registry.set(name, { factory, priority, instances: new Map(), failures: new Map() });
}

/** Names of the registered backends, highest priority first. */
export function listBackends(): string[] {
  ensureBuiltins();
  return [...registry.entries()].sort((a, b) => b[1].priority - a[1].priority).map(([name]) => name);
}

function instantiate(name: string, options: BackendOptions = {}): Backend | undefined {
  ensureBuiltins();
  const entry = registry.get(name);
  if (entry === undefined) return undefined;
  const key = options.threads ?? 0;
  if (!entry.instances.has(key)) {
    let backend: Backend | undefined;
    try {
      backend = entry.factory(options);
    } catch (e) {
      entry.failures.set(key, e instanceof Error ? e.message : String(e));
    }
    entry.instances.set(key, backend);
  }
  return entry.instances.get(key);
}

/** Why backend `name` could not be created here, if it could not (e.g. "no WebAssembly SIMD"). */
export function backendUnavailableReason(name: string, options: BackendOptions = {}): string | undefined {
  const entry = registry.get(name);
  if (entry === undefined || instantiate(name, options) !== undefined) return undefined;
  return entry.failures.get(options.threads ?? 0) ?? 'not supported by this runtime';
}

/**
 * The backend kernels run on. On first use this picks the fastest backend the runtime supports (the
 * WebAssembly SIMD backend where available, else the reference `'js'` backend).
 */
export function getBackend(): Backend {
  if (current !== undefined) return current;
  for (const name of listBackends()) {
    const b = instantiate(name);
    if (b !== undefined) return (current = b);
  }
  throw new Error('scratchnet: no backend is registered');
}

/**
 * Chooses the backend by name (`'js'` or `'wasm'`, with `{ threads }` for wasm), or installs a backend object. Tensors created
 * afterwards live in that backend's memory; create models after choosing.
 */
export function setBackend(backend: string | Backend, options: BackendOptions = {}): Backend {
  if (typeof backend !== 'string') return (current = backend);
  ensureBuiltins();
  if (!registry.has(backend)) {
    throw new Error(`setBackend: unknown backend '${backend}' (available: ${listBackends().join(', ')})`);
  }
  const t = options.threads;
  if (t !== undefined && (!Number.isInteger(t) || t < 1))
    throw new RangeError(`setBackend: threads must be a positive integer, got ${t}`);
  const b = instantiate(backend, options);
  if (b === undefined) {
    throw new Error(
      `setBackend: backend '${backend}' is unavailable: ${backendUnavailableReason(backend, options)}`,
    );
  }
  return (current = b);
}

/** Set on `globalThis` by the first copy of this package that is used, holding its module URL. */
const COPY = Symbol.for('@scratchnet/tensor');
let claimed = false;

/**
 * Refuses a second copy of @scratchnet/tensor in one program (two registries would split backends and
 * tensors, and `instanceof Tensor` would fail across them): the first copy records its URL on
 * `globalThis`, and a different copy throws naming both paths. Run on first use, not at import.
 */
function claimGlobalRegistry(): void {
  if (claimed) return;
  // ImportMeta.url is not in the ES library typings this browser-safe package compiles against.
  const here = (import.meta as { url?: string }).url ?? 'an unknown location';
  const g = globalThis as { [COPY]?: string };
  const first = g[COPY];
  if (first !== undefined && first !== here) {
    throw new Error(
      `@scratchnet/tensor is loaded twice: ${first} and ${here}. Tensors and backends of one copy do not work with the other; make every package resolve one copy (it is a peer dependency of layers, optimizers, datasets and serialization).`,
    );
  }
  g[COPY] = here;
  claimed = true;
}
