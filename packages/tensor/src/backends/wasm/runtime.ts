/**
 * One compiled kernel module and one memory per process, shared by every wasm backend instance (any
 * thread count), so tensors move freely between `setBackend('wasm', { threads })` choices.
 */
import { KERNELS } from './generated/bindings.js';
import { checkedWasm, relaxedWasm, simdWasm, unsharedWasm } from './generated/kernels.js';
import { WasmHeap } from './heap.js';
import type { KernelFn } from './threads.js';
import { type WasmMemory, type WasmModule, webAssembly } from './webassembly.js';

/**
 * Which compiled module runs: plain SIMD, SIMD + relaxed FMA (both over shared memory), unshared, or
 * `checked` (unshared with the kernels' assertions kept, each failure thrown as an Error naming the
 * kernel; for tests, never chosen automatically).
 */
export type WasmVariant = 'simd' | 'relaxed' | 'unshared' | 'checked';

export { KERNELS, type KernelName } from './generated/bindings.js';

/** Exports called directly (single-threaded) by the backend. */
export interface DirectExports {
  sumSquares(x: number, n: number): number;
  softmaxCrossEntropy(
    logits: number,
    labels: number,
    dlogits: number,
    n: number,
    k: number,
    tmp: number,
  ): number;
  countCorrect(scores: number, labels: number, n: number, k: number): number;
  indexOutside(x: number, n: number, bound: number): number;
  GEMM_SCRATCH_BYTES: { value: number };
  KC: { value: number };
  MR: { value: number };
  NR: { value: number };
}

/** The direct exports among {@link DirectExports}' functions, through `fn` (which names them). */
function directFns(
  fn: (name: string) => KernelFn,
): Pick<DirectExports, 'sumSquares' | 'softmaxCrossEntropy' | 'countCorrect' | 'indexOutside'> {
  return {
    sumSquares: fn('sumSquares') as DirectExports['sumSquares'],
    softmaxCrossEntropy: fn('softmaxCrossEntropy') as DirectExports['softmaxCrossEntropy'],
    countCorrect: fn('countCorrect') as DirectExports['countCorrect'],
    indexOutside: fn('indexOutside') as DirectExports['indexOutside'],
  };
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Base64 → bytes (self-contained: no atob/Buffer dependence on any runtime). */
function decode(base64: string): Uint8Array {
  const lookup = new Uint8Array(128);
  for (let i = 0; i < B64.length; i++) lookup[B64.charCodeAt(i)] = i;
  let len = base64.length;
  while (len > 0 && base64[len - 1] === '=') len--;
  const out = new Uint8Array((len * 3) >> 2);
  let o = 0;
  for (let i = 0; i < len; i += 4) {
    const a = lookup[base64.charCodeAt(i)];
    const b = lookup[base64.charCodeAt(i + 1)];
    const c = i + 2 < len ? lookup[base64.charCodeAt(i + 2)] : 0;
    const d = i + 3 < len ? lookup[base64.charCodeAt(i + 3)] : 0;
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    if (o < out.length) out[o++] = v >> 16;
    if (o < out.length) out[o++] = (v >> 8) & 255;
    if (o < out.length) out[o++] = v & 255;
  }
  return out;
}

const bytesCache = new Map<WasmVariant, Uint8Array>();
function moduleBytes(v: WasmVariant): Uint8Array {
  let b = bytesCache.get(v);
  if (b === undefined) {
    b = decode({ relaxed: relaxedWasm, simd: simdWasm, unshared: unsharedWasm, checked: checkedWasm }[v]);
    bytesCache.set(v, b);
  }
  return b;
}

/** The module, memory, heap and main-thread instance of one variant. */
export class WasmRuntime {
  readonly heap: WasmHeap;
  readonly direct: DirectExports;
  readonly fns: KernelFn[];
  /** Bytes of GEMM packing scratch one thread needs. */
  readonly gemmScratchBytes: number;
  /** The GEMM's depth block: the unit in which a split of K is expressed. */
  readonly gemmKC: number;
  /** The GEMM's micro-tile rows: the unit in which a split of M is expressed. */
  readonly gemmMR: number;
  /** The GEMM's micro-tile columns: the unit in which a split of N is expressed. */
  readonly gemmNR: number;

  private constructor(
    readonly variant: WasmVariant,
    readonly module: WasmModule,
    readonly memory: WasmMemory,
  ) {
    const checked = variant === 'checked';
    const env: Record<string, unknown> = { memory };
    // The checked module's failed assertions: asc passes (message, file, line, column), strings as pointers.
    if (checked)
      env.abort = (msg: number, file: number, line: number, col: number) => this.abort(msg, file, line, col);
    const instance = new (webAssembly() as NonNullable<ReturnType<typeof webAssembly>>).Instance(module, {
      env,
    });
    const ex = instance.exports as unknown as Record<string, unknown>;
    const fn = (n: string) => (checked ? this.named(n, ex[n] as KernelFn) : (ex[n] as KernelFn));
    this.fns = KERNELS.map(fn);
    this.direct = checked
      ? { ...(ex as unknown as DirectExports), ...directFns(fn) }
      : (ex as unknown as DirectExports);
    this.gemmScratchBytes = this.direct.GEMM_SCRATCH_BYTES.value;
    this.gemmKC = this.direct.KC.value;
    this.gemmMR = this.direct.MR.value;
    this.gemmNR = this.direct.NR.value;
    this.heap = new WasmHeap(memory);
  }

  /** The kernel the checked module is running (named by its assertion errors). */
  private calling = '';

  /** `f`, noting its name while it runs (checked module only). */
  private named(name: string, f: KernelFn): KernelFn {
    return (...args: Parameters<KernelFn>) => {
      this.calling = name;
      return f(...args);
    };
  }

  /** The checked module's `abort`: throws an Error naming the kernel and what asc reports. */
  private abort(msg: number, file: number, line: number, col: number): never {
    const what = msg === 0 ? 'assertion failed' : `assertion '${this.string(msg)}' failed`;
    throw new Error(`wasm kernel ${this.calling}: ${what} at ${this.string(file)}:${line}:${col}`);
  }

  /** An AssemblyScript string in memory: UTF-16LE, its byte length in the u32 before it. */
  private string(ptr: number): string {
    if (ptr === 0) return '?';
    const buf = this.memory.buffer;
    const bytes = new DataView(buf).getUint32(ptr - 4, true);
    return String.fromCharCode(...new Uint16Array(buf.slice(ptr, ptr + bytes)));
  }

  /** True when memory is shared, so worker threads can run kernels on it. */
  get shared(): boolean {
    return this.variant !== 'unshared' && this.variant !== 'checked';
  }

  private static cache = new Map<WasmVariant, WasmRuntime | null>();
  /** Why the last variant asked for could not be loaded (reported by `setBackend('wasm')`). */
  static failure: string | undefined;
  private static supportedCache: WasmVariant[] | undefined;

  /** The variants this runtime can run, best first (relaxed FMA, plain SIMD, unshared SIMD). */
  static supported(): WasmVariant[] {
    if (WasmRuntime.supportedCache !== undefined) return WasmRuntime.supportedCache;
    const wa = webAssembly();
    if (wa === undefined) return [];
    const out: WasmVariant[] = [];
    let sharedOk = false;
    try {
      sharedOk =
        typeof SharedArrayBuffer === 'function' &&
        new wa.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer;
    } catch {
      sharedOk = false;
    }
    if (sharedOk && wa.validate(moduleBytes('relaxed'))) out.push('relaxed');
    if (sharedOk && wa.validate(moduleBytes('simd'))) out.push('simd');
    if (wa.validate(moduleBytes('unshared'))) out.push('unshared');
    WasmRuntime.supportedCache = out;
    return out;
  }

  /** The runtime of `variant` (default: the best supported), or undefined when it cannot run here. */
  static get(variant?: WasmVariant): WasmRuntime | undefined {
    const v = variant ?? WasmRuntime.supported()[0];
    if (v === undefined) {
      WasmRuntime.failure =
        webAssembly() === undefined
          ? 'this runtime has no WebAssembly'
          : 'this runtime has no WebAssembly SIMD (WebAssembly.validate rejected every compiled kernel module)';
      return undefined;
    }
    const hit = WasmRuntime.cache.get(v);
    if (hit !== undefined) return hit ?? undefined;
    let rt: WasmRuntime | null = null;
    try {
      // The checked module needs what the unshared one needs.
      if (!WasmRuntime.supported().includes(v === 'checked' ? 'unshared' : v)) {
        WasmRuntime.failure = `this runtime cannot run the '${v}' kernel module`;
      } else {
        const bytes = moduleBytes(v);
        const shared = v !== 'unshared' && v !== 'checked';
        const wa = webAssembly() as NonNullable<ReturnType<typeof webAssembly>>;
        const memory = new wa.Memory({ initial: 256, maximum: 65536, shared });
        rt = new WasmRuntime(v, new wa.Module(bytes), memory);
      }
    } catch (e) {
      // e.g. a browser refusing synchronous compilation on its main thread
      WasmRuntime.failure = `loading the '${v}' kernel module failed: ${e instanceof Error ? e.message : String(e)}`;
      rt = null;
    }
    WasmRuntime.cache.set(v, rt);
    return rt ?? undefined;
  }
}
