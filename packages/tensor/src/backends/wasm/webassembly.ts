/**
 * The slice of the WebAssembly JS API this backend uses, typed locally: the package compiles against
 * ES2022 without DOM typings, and it must not declare globals for its users.
 */

/** A `WebAssembly.Memory`. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}

/** A compiled `WebAssembly.Module` (opaque; structured-cloneable to workers). */
export type WasmModule = object;

/** The constructors and `validate` of the global `WebAssembly` object. */
export interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (
    module: WasmModule,
    imports: Record<string, Record<string, unknown>>,
  ) => { exports: Record<string, unknown> };
  validate(bytes: Uint8Array): boolean;
}

/** The runtime's WebAssembly API, or undefined where there is none. */
export function webAssembly(): WasmApi | undefined {
  const wa = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  return typeof wa === 'object' && typeof wa.validate === 'function' ? wa : undefined;
}
