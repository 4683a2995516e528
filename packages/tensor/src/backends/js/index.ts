/**
 * The reference backend (`'js'`): storage in ordinary ArrayBuffers and no kernels of its own, so every
 * kernel runs its reference implementation (plain TypeScript over `tensor.data`, see src/kernels/).
 * Always available; the fallback where WebAssembly is not.
 */
import type { Backend } from '../../backend.js';
import { HeapStorage } from '../../storage.js';

/**
 * The pure-TypeScript reference backend: single-threaded, storage in ordinary ArrayBuffers.
 *
 * @example
 * ```ts
 * import { setBackend } from '@scratchnet/tensor';
 * setBackend('js');
 * ```
 */
export class JsBackend implements Backend {
  readonly name = 'js';
  readonly threads = 1;

  allocate(length: number): HeapStorage {
    return new HeapStorage(length, this.name);
  }
}
