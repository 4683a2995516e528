// The CLI's running extremes (build.mjs puts this module in place of the datasets library's
// preprocess/extreme.ts): the same algorithm compiled to WebAssembly (assembly/extreme.ts), which
// V8's baseline compiler turns into fast code at once, where the library's JavaScript would run cold
// in the interpreter — the preprocessing's largest cost on a one-shot start. Same float32 values,
// same comparisons, so the same bits (test/units.test.ts compares them); the library's code runs
// when WebAssembly cannot be used.
import { extremeFilter as extremeFilterJs } from '../../../packages/datasets/src/image/preprocess/extreme.js';
import { EXTREME_WASM } from './generated/extreme-wasm.js';

/** The slice of the WebAssembly API used here (the CLI compiles without DOM typings). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}

interface ExtremeExports {
  memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  extremeAxis(
    src: number,
    dst: number,
    w: number,
    h: number,
    r: number,
    sign: number,
    alongX: number,
    v: number,
    pre: number,
    suf: number,
  ): void;
}

/** The instance, null when WebAssembly is unavailable, undefined before the first call. */
let kernel: ExtremeExports | null | undefined;

function instantiate(): ExtremeExports | null {
  try {
    const wa = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
    if (wa === undefined) return null;
    const bytes = Uint8Array.from(atob(EXTREME_WASM), (c) => c.charCodeAt(0));
    return new wa.Instance(new wa.Module(bytes)).exports as ExtremeExports;
  } catch {
    return null;
  }
}

/** Maximum (`sign` 1, a dilation) or minimum (`sign` -1, an erosion) over a (2r+1)² square. */
export function extremeFilter(
  src: Float32Array,
  w: number,
  h: number,
  r: number,
  sign: 1 | -1,
): Float32Array {
  if (kernel === undefined) kernel = instantiate();
  const n = src.length;
  const line = Math.max(w, h);
  // Floats: src, tmp, out [n each], then the scratch lines v, pre, suf [line each].
  const floats = 3 * n + 3 * line;
  if (kernel === null || n !== w * h || !(r >= 0) || floats > 2 ** 28) {
    return extremeFilterJs(src, w, h, r, sign);
  }
  const { memory } = kernel;
  const need = Math.ceil((4 * floats) / 65536) - memory.buffer.byteLength / 65536;
  if (need > 0) memory.grow(need);
  const heap = new Float32Array(memory.buffer, 0, floats);
  heap.set(src);
  const scratch = 4 * 3 * n;
  const v = scratch;
  const pre = scratch + 4 * line;
  const suf = scratch + 8 * line;
  kernel.extremeAxis(0, 4 * n, w, h, r, sign, 1, v, pre, suf);
  kernel.extremeAxis(4 * n, 8 * n, w, h, r, sign, 0, v, pre, suf);
  return heap.slice(2 * n, 3 * n);
}
