/**
 * The kernel registry. A kernel is defined once (its typed argument record, the validation of that
 * record, and a reference implementation written to be read); a backend registers implementations
 * only for the kernels it accelerates, and every other kernel runs the reference on its tensors.
 * Ops validate once and dispatch through {@link runKernel}; implementations never validate again.
 */
import type { Backend } from '../backend.js';
import { getBackend } from '../registry.js';

/** A backend's implementation of a kernel: the same record as the reference, plus the backend instance. */
export type KernelImpl<A, R = void, B extends Backend = Backend> = (args: A, backend: B) => R;

/** What {@link defineKernel} takes. */
export interface KernelSpec<A, R> {
  /**
   * Throws a clear error (ShapeError, RangeError, TypeError naming the kernel) unless `args` is a
   * record the kernel can run on. Ops call it once per call; implementations may then trust the record.
   */
  validate(args: A): void;
  /** The reference implementation: plain loops over `tensor.data`, correct on any storage. */
  reference(args: A): R;
}

/** A kernel: its name, validation, reference, and the implementations backends registered. */
export interface Kernel<A, R = void> extends KernelSpec<A, R> {
  readonly name: string;
  /** Implementations by backend name (filled by {@link registerKernel}). */
  readonly impls: ReadonlyMap<string, KernelImpl<A, R, never>>;
}

interface MutableKernel<A, R> extends Kernel<A, R> {
  readonly impls: Map<string, KernelImpl<A, R, never>>;
}

const kernels = new Map<string, Kernel<unknown, unknown>>();

/**
 * Defines a kernel. Names are unique: the name is what backends register under.
 *
 * @example
 * ```ts
 * export const fill = defineKernel<FillArgs>('fill', { validate, reference: ({ x, value }) => x.data.fill(value) });
 * ```
 */
export function defineKernel<A, R = void>(name: string, spec: KernelSpec<A, R>): Kernel<A, R> {
  if (kernels.has(name)) throw new Error(`defineKernel: a kernel named '${name}' exists already`);
  const k: MutableKernel<A, R> = {
    name,
    validate: spec.validate,
    reference: spec.reference,
    impls: new Map(),
  };
  kernels.set(name, k as Kernel<unknown, unknown>);
  return k;
}

/**
 * Registers backend `backendName`'s implementation of `kernel`. A backend registers only what it
 * accelerates; the rest falls back to the reference. Registering again replaces the implementation.
 */
export function registerKernel<A, R, B extends Backend>(
  backendName: string,
  kernel: Kernel<A, R>,
  impl: KernelImpl<A, R, B>,
): void {
  (kernel as MutableKernel<A, R>).impls.set(backendName, impl as KernelImpl<A, R, never>);
}

/**
 * Runs `kernel` on `backend` (default: the current one) without validating: its implementation there,
 * or the reference. Ops call this after validating; so may code that built the record itself.
 */
export function runKernel<A, R>(kernel: Kernel<A, R>, args: A, backend: Backend = getBackend()): R {
  if (observer !== undefined) return runObserved(observer, kernel, args, backend);
  const impl = kernel.impls.get(backend.name) as KernelImpl<A, R> | undefined;
  return impl === undefined ? kernel.reference(args) : impl(args, backend);
}

/**
 * Told about every kernel run through {@link runKernel}, after it returns (or throws): the kernel, its
 * argument record, and the milliseconds it took, exclusive of kernels it ran itself through the
 * registry (so the times of a program's kernels add up).
 */
export type KernelObserver = (kernel: Kernel<unknown, unknown>, args: unknown, ms: number) => void;

// Available in Node and every browser context; the package's type libraries are ES-only.
declare const performance: { now(): number };

let observer: KernelObserver | undefined;
/** Milliseconds spent in kernels run from inside the current observed kernel. */
let nestedMs = 0;

/**
 * Sets (or, with `undefined`, removes) the one {@link KernelObserver}, e.g. for a profiler. Without
 * one, running a kernel costs a single check more.
 */
export function setKernelObserver(next: KernelObserver | undefined): void {
  observer = next;
}

function runObserved<A, R>(obs: KernelObserver, kernel: Kernel<A, R>, args: A, backend: Backend): R {
  const outer = nestedMs;
  nestedMs = 0;
  const start = performance.now();
  try {
    const impl = kernel.impls.get(backend.name) as KernelImpl<A, R> | undefined;
    return impl === undefined ? kernel.reference(args) : impl(args, backend);
  } finally {
    const total = performance.now() - start;
    const own = total - nestedMs;
    nestedMs = outer + total;
    obs(kernel as Kernel<unknown, unknown>, args, own);
  }
}

/** Validates `args`, then runs `kernel` (see {@link runKernel}). */
export function callKernel<A, R>(kernel: Kernel<A, R>, args: A, backend: Backend = getBackend()): R {
  kernel.validate(args);
  return runKernel(kernel, args, backend);
}

/** Every defined kernel, by name (for conformance suites and reporting). */
export function listKernels(): Kernel<unknown, unknown>[] {
  return [...kernels.values()];
}

/** Names of the kernels backend `backendName` implements itself (the rest run the reference). */
export function kernelsImplementedBy(backendName: string): string[] {
  return [...kernels.values()].filter((k) => k.impls.has(backendName)).map((k) => k.name);
}
