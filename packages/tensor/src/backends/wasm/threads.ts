/**
 * Worker threads sharing the backend's one `WebAssembly.Memory`, for synchronous parallel kernels.
 *
 * A parallel call cuts the range [0, total) statically into `chunks` chunks (in units of `grain`), a
 * number fixed by the shape and the thread count. The caller publishes the job in a control block in
 * shared memory, wakes the workers (Atomics.notify), and then every thread, the caller included, claims
 * chunks one at a time (one compare-exchange on a word holding the job's chunk count and the next
 * chunk index) until none is left; the caller finally sleeps on a completion counter until every
 * chunk is done. A chunk's result depends only on the chunk (kernels use the executing thread's id
 * for scratch only; per-chunk partial sums are reduced in chunk order), so results are bit-identical
 * run to run whatever the timing, and a worker that is slow to wake, descheduled or still starting
 * never stalls a call: the others take its chunks. Workers spin briefly before sleeping, are unref'd
 * (they never keep a process alive), and share the compiled module.
 *
 * Control block (Int32 slots): 0 generation, 1 finished chunks, 2 function index, 3 total, 4 grain,
 * 5 a worker's chunk failed (trapped), 6 claim word (chunks << 16 | next chunk), 7 length of the
 * failure's text, 8 the memory's size in pages as the caller sees it, 9 workers started; Float64
 * arguments from byte 512;
 * the first failure's text (UTF-16) from ERROR_TEXT_AT.
 *
 * A worker's view of the shared memory (its `WebAssembly.Memory` object and the bounds its instance
 * checks `memory.fill`/`memory.copy` against) follows the caller's growth through an engine-side
 * broadcast that can miss a thread (one still receiving the memory while the caller grows it may keep
 * the smaller size), which would then trap ("memory access out of bounds") on the first block the
 * caller placed above it. So each job carries the caller's size, and before every chunk a worker
 * whose instance last took another size refreshes its view with `memory.grow(0)` (a no-op growth that
 * updates the instance's bounds), whether it woke for the job or went straight on to it from the last.
 */

import type { WasmMemory, WasmModule } from './webassembly.js';

/** Most threads a backend may use. */
export const MAX_THREADS = 64;
/** Most chunks per call (the claim word keeps 16 bits for each half). */
export const MAX_CHUNKS = 4096;
/** Float64 argument slots per call. */
export const MAX_ARGS = 24;
/** Byte offset of the failure text in the control block. */
const ERROR_TEXT_AT = 512 + 8 * MAX_ARGS;
/** UTF-16 units of failure text kept (a worker's error is reported, cut to this length). */
const ERROR_TEXT_UNITS = 256;
/** Bytes of the control block. */
export const CONTROL_BYTES = ERROR_TEXT_AT + 2 * ERROR_TEXT_UNITS;
/** Worker spin iterations before sleeping (a few microseconds: kernels of one step follow closely). */
const SPIN = 20000;

/** Parallel calls over which the waiting time is measured (see ThreadPool.observe). */
const WINDOW = 64;
/** Calls run without the workers once they were found to stall the caller. */
const SOLO_CALLS = 256;
/** Most a single call's stall counts in a window, in multiples of the time the workers saved it. */
const STALL_CAP = 2;

/**
 * Milliseconds, sub-millisecond where the runtime allows. `performance` is looked up on the first
 * call, not at import: in Node the first touch of it loads the perf_hooks modules (~2 ms of start).
 */
const now = (): number => {
  const perf = (globalThis as { performance?: { now(): number } }).performance;
  return perf !== undefined ? perf.now() : Date.now();
};

/** A kernel entry point: (tid, chunk, lo, hi, ...arguments). */
export type KernelFn = (tid: number, chunk: number, lo: number, hi: number, ...args: number[]) => unknown;

/** The worker's program (plain JS, run with `eval: true` in Node or from a Blob URL in browsers). */
function workerSource(names: readonly string[]): string {
  return `'use strict';
const names = ${JSON.stringify(names)};
function start(d) {
  const inst = new WebAssembly.Instance(d.module, { env: { memory: d.memory } });
  const fns = names.map((n) => inst.exports[n]);
  const ctl = new Int32Array(d.memory.buffer, d.ctl, ${CONTROL_BYTES / 4});
  const a = new Float64Array(d.memory.buffer, d.ctl + 512, ${MAX_ARGS});
  const tid = d.tid;
  Atomics.add(ctl, 9, 1);
  // Pages of the memory as this worker's instance last took them (a no-op grow re-reads the size).
  let synced = 0;
  let seen = Atomics.load(ctl, 0);
  for (;;) {
    let spins = 0;
    while (Atomics.load(ctl, 0) === seen && spins < ${SPIN}) spins++;
    if (Atomics.load(ctl, 0) === seen) Atomics.wait(ctl, 0, seen);
    seen = Atomics.load(ctl, 0);
    for (;;) {
      const w = Atomics.load(ctl, 6);
      const chunks = w >>> 16, c = w & 0xffff;
      if (c >= chunks) break;
      if (Atomics.compareExchange(ctl, 6, w, w + 1) !== w) continue;
      // Checked for every chunk, not once per wake-up: a worker still claiming when the caller
      // publishes its next job goes straight on to that job's chunks, and the memory may have grown
      // in between.
      const pages = Atomics.load(ctl, 8);
      if (pages !== synced) {
        d.memory.grow(0);
        synced = pages;
      }
      const total = ctl[3], grain = ctl[4];
      const units = Math.ceil(total / grain);
      const lo = Math.min(total, Math.floor((units * c) / chunks) * grain);
      const hi = Math.min(total, Math.floor((units * (c + 1)) / chunks) * grain);
      try {
        fns[ctl[2]](tid, c, lo, hi, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11],
          a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19], a[20], a[21], a[22], a[23]);
      } catch (e) {
        // The first failure of a call keeps its text, for the caller's error.
        if (Atomics.compareExchange(ctl, 5, 0, 1) === 0) {
          const text = ('worker ' + tid + ', chunk ' + c + ': ' + String(e) + '; memory as this worker sees it: ' +
            d.memory.buffer.byteLength + ' bytes, as the caller does: ' + Atomics.load(ctl, 8) * 65536).slice(0, ${ERROR_TEXT_UNITS});
          const t = new Uint16Array(d.memory.buffer, d.ctl + ${ERROR_TEXT_AT}, ${ERROR_TEXT_UNITS});
          for (let i = 0; i < text.length; i++) t[i] = text.charCodeAt(i);
          Atomics.store(ctl, 7, text.length);
        }
      }
      if (Atomics.add(ctl, 1, 1) + 1 === chunks) Atomics.notify(ctl, 1);
    }
  }
}
if (typeof self === 'object' && typeof self.postMessage === 'function' && typeof process !== 'object') {
  self.onmessage = (e) => start(e.data);
} else {
  // No require when the process runs its eval'd code as a module (node --input-type=module): the
  // worker inherits that.
  start(process.getBuiltinModule('node:worker_threads').workerData);
}
`;
}

interface NodeWorker {
  unref(): void;
  terminate(): Promise<number>;
}
interface NodeWorkerThreads {
  Worker: new (src: string, options: { eval: boolean; workerData: unknown }) => NodeWorker;
}

interface BrowserGlobals {
  Worker: new (url: string) => { postMessage(data: unknown): void; terminate(): void };
  Blob: new (parts: string[], options: { type: string }) => object;
  URL: { createObjectURL(blob: object): string };
}

/** Node's worker_threads, reached at run time so that bundles for browsers never import it. */
function nodeWorkerThreads(): NodeWorkerThreads | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return proc?.getBuiltinModule?.('node:worker_threads') as NodeWorkerThreads | undefined;
}

/** True where this thread may block in Atomics.wait (Node's main thread and any worker; not a browser page). */
export function canBlock(): boolean {
  if (nodeWorkerThreads() !== undefined) return true;
  const g = globalThis as { document?: unknown; WorkerGlobalScope?: unknown };
  return g.document === undefined && g.WorkerGlobalScope !== undefined;
}

/** Whether worker threads can be started here (Node ≥ 20.16, or a browser with Worker and Blob). */
export function canSpawnWorkers(): boolean {
  if (nodeWorkerThreads() !== undefined) return true;
  const g = globalThis as { Worker?: unknown; Blob?: unknown; URL?: { createObjectURL?: unknown } };
  return (
    typeof g.Worker === 'function' &&
    typeof g.Blob === 'function' &&
    typeof g.URL?.createObjectURL === 'function'
  );
}

/** The worker threads of one backend instance, and the parallel-call protocol. */
export class ThreadPool {
  private readonly ctl: Int32Array;
  /** Arguments of the next call, as the caller writes them. */
  private readonly args = new Float64Array(MAX_ARGS);
  /** Their copy in shared memory, for the workers. */
  private readonly sharedArgs: Float64Array;
  private readonly workers: { terminate(): unknown }[] = [];

  /**
   * @param threads total threads including the caller (≥ 1); threads − 1 workers are started.
   * @param ctlPtr address of a {@link CONTROL_BYTES}-byte, 8-byte-aligned control block in `memory`.
   */
  constructor(
    readonly threads: number,
    private readonly fns: readonly KernelFn[],
    private readonly names: readonly string[],
    private readonly module: WasmModule,
    private readonly memory: WasmMemory,
    private readonly ctlPtr: number,
  ) {
    // Views over the shared buffer as it is now: the control block sits at a fixed low address, and
    // every later (grown) buffer of a shared memory still maps these bytes.
    this.ctl = new Int32Array(memory.buffer, ctlPtr, CONTROL_BYTES / 4);
    this.sharedArgs = new Float64Array(memory.buffer, ctlPtr + 512, MAX_ARGS);
    if (threads > 1) this.ctl.fill(0);
    // A browser starts a Worker only once the thread that created it returns to its event loop (a
    // synchronous training step never does): start them now, so that the first await after
    // choosing the backend (fetching the data, say) lets them come up before the first step.
    if (threads > 1 && nodeWorkerThreads() === undefined && canSpawnWorkers()) this.spawn();
  }

  /** Workers that have started and take chunks (fewer than threads − 1 until they are up). */
  get startedWorkers(): number {
    return this.threads > 1 ? Atomics.load(this.ctl, 9) : 0;
  }

  /** Starts the workers, on the first parallel call (a process that never runs one never pays for them). */
  private spawn(): void {
    this.spawned = true;
    const src = workerSource(this.names);
    const wt = nodeWorkerThreads();
    for (let tid = 1; tid < this.threads; tid++) {
      const workerData = { module: this.module, memory: this.memory, ctl: this.ctlPtr, tid };
      if (wt !== undefined) {
        const w = new wt.Worker(src, { eval: true, workerData });
        w.unref();
        this.workers.push(w);
      } else {
        const g = globalThis as unknown as BrowserGlobals;
        const url = g.URL.createObjectURL(new g.Blob([src], { type: 'text/javascript' }));
        const w = new g.Worker(url);
        w.postMessage(workerData);
        this.workers.push(w);
      }
    }
  }
  private spawned = false;

  /** Argument slots of the next call (Float64; pointers and integers are exact). */
  get argv(): Float64Array {
    return this.args;
  }

  /** Chunks a parallel call over `units` units should use: `perThread` per thread, at most one per unit. */
  chunksFor(units: number, perThread: number): number {
    return Math.max(1, Math.min(units, this.threads * perThread, MAX_CHUNKS));
  }

  /**
   * Runs kernel `fn` over [0, total) cut into `chunks` chunks of whole `grain` units, with the
   * arguments already written to {@link argv}; returns when every chunk is done. With one thread (or
   * `chunks` = 1) the caller runs the chunks itself, no workers involved; the result is the same.
   */
  run(fn: number, total: number, grain: number, chunks: number): void {
    const a = this.args;
    const f = this.fns[fn];
    if (this.threads <= 1 || chunks <= 1 || this.solo > 0) {
      if (this.solo > 0) this.solo--;
      for (let c = 0; c < chunks; c++) this.chunk(f, c, total, grain, chunks);
      return;
    }
    if (!this.spawned) this.spawn();
    const t0 = now();
    const ctl = this.ctl;
    this.sharedArgs.set(a);
    ctl[2] = fn;
    ctl[3] = total;
    ctl[4] = grain;
    ctl[8] = this.memory.buffer.byteLength / 65536;
    Atomics.store(ctl, 1, 0);
    // The claim word is written after the job's fields: a claim that succeeds always sees them.
    Atomics.store(ctl, 6, chunks << 16);
    Atomics.add(ctl, 0, 1);
    Atomics.notify(ctl, 0);
    // Claim chunks like the workers do; even if one throws, wait for the workers' chunks before
    // returning, so that no kernel is still running when the next call rewrites the control block.
    let error: unknown;
    let mine = 0;
    for (;;) {
      const w = Atomics.load(ctl, 6);
      const c = w & 0xffff;
      if (c >= chunks) break;
      if (Atomics.compareExchange(ctl, 6, w, w + 1) !== w) continue;
      try {
        this.chunk(f, c, total, grain, chunks);
      } catch (e) {
        error ??= e;
      }
      Atomics.add(ctl, 1, 1);
      mine++;
    }
    const t1 = now();
    let spins = 0;
    for (;;) {
      const done = Atomics.load(ctl, 1);
      if (done >= chunks) break;
      if (++spins > SPIN) Atomics.wait(ctl, 1, done, 1);
    }
    this.observe(t1 - t0, now() - t1, mine, chunks);
    if (error !== undefined) throw error;
    if (Atomics.load(ctl, 5) !== 0) {
      const text = this.failureText();
      Atomics.store(ctl, 7, 0);
      Atomics.store(ctl, 5, 0);
      throw new Error(`wasm backend: kernel '${this.names[fn]}' failed on a worker thread (${text})`);
    }
  }

  /** The text a failed worker left in the control block. */
  private failureText(): string {
    const n = Math.min(Atomics.load(this.ctl, 7), ERROR_TEXT_UNITS);
    const t = new Uint16Array(this.memory.buffer, this.ctlPtr + ERROR_TEXT_AT, n);
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(t[i]);
    return s;
  }

  /**
   * Adapts participation, never the chunking (so never a result). Over a window of calls it compares
   * the time the caller spent waiting for chunks the workers had claimed with the time the workers
   * saved it (their chunks, costed at the caller's own time per chunk). When the waiting outweighs
   * the saving, the workers are not getting cores of their own (a busy machine, vCPUs sharing a
   * core) and only add waiting: the next SOLO_CALLS calls run on the caller alone, then the workers
   * get another try.
   */
  private observe(own: number, stall: number, mine: number, chunks: number): void {
    // Until a worker has started, the caller runs every chunk through no fault of the workers.
    if (!this.adaptive || (this.windowCalls === 0 && Atomics.load(this.ctl, 9) === 0)) return;
    const saved = mine > 0 ? ((chunks - mine) * own) / mine : stall + own;
    // One call's stall counts for at most STALL_CAP times what the workers saved it: a single long
    // descheduling (another process's burst) says little about the calls to come, whereas contention
    // that lasts stalls most calls of the window.
    this.windowStall += Math.min(stall, STALL_CAP * saved);
    this.windowSaved += saved;
    if (++this.windowCalls < WINDOW) return;
    if (this.windowStall > this.windowSaved) this.solo = SOLO_CALLS;
    this.windowCalls = 0;
    this.windowSaved = 0;
    this.windowStall = 0;
  }
  /** Whether {@link observe} may switch to running alone (tests turn it off to keep every call parallel). */
  adaptive = true;
  private solo = 0;
  private windowCalls = 0;
  private windowSaved = 0;
  private windowStall = 0;

  private chunk(f: KernelFn, c: number, total: number, grain: number, chunks: number): void {
    const a = this.args;
    const units = Math.ceil(total / grain);
    const lo = Math.min(total, Math.floor((units * c) / chunks) * grain);
    const hi = Math.min(total, Math.floor((units * (c + 1)) / chunks) * grain);
    f(
      0,
      c,
      lo,
      hi,
      a[0],
      a[1],
      a[2],
      a[3],
      a[4],
      a[5],
      a[6],
      a[7],
      a[8],
      a[9],
      a[10],
      a[11],
      a[12],
      a[13],
      a[14],
      a[15],
      a[16],
      a[17],
      a[18],
      a[19],
      a[20],
      a[21],
      a[22],
      a[23],
    );
  }

  /** Stops the workers (tests and benchmarks; a backend normally lives as long as the process). */
  terminate(): void {
    for (const w of this.workers) w.terminate();
    this.workers.length = 0;
  }
}
