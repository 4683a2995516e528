/**
 * The WebAssembly SIMD backend (`'wasm'`): tensors live in one shared `WebAssembly.Memory`, kernels
 * (AssemblyScript, see packages/tensor/assembly/) compute on them in place through pointers, and
 * parallel kernels split their work statically over `threads` threads (see threads.ts), so results
 * are bit-identical run to run. Tensors of other backends are staged through copies. Kernels without
 * a wasm implementation yet (broadcast binary ops, reductions, dropout, batch norm, average pooling,
 * RMSprop, Adagrad) run the reference implementation on the same memory.
 */
import type {
  ActivationOp,
  AdagradHyper,
  AdamHyper,
  Backend,
  BatchNormHyper,
  BinaryOp,
  ReduceOp,
  RmspropHyper,
  SgdHyper,
  UnaryOp,
} from '../../backend.js';
import type { Random } from '../../random.js';
import type { Conv2dGeometry, Pool2dGeometry } from '../../shape.js';
import type { AnyTensor, IntTensor, Tensor } from '../../tensor.js';
import { JsBackend } from '../js/index.js';
import { WasmStorage } from './heap.js';
import { KERNELS, type KernelName, type WasmRuntime } from './runtime.js';
import { CONTROL_BYTES, MAX_THREADS, ThreadPool } from './threads.js';

const K: Record<KernelName, number> = Object.fromEntries(KERNELS.map((n, i) => [n, i])) as Record<
  KernelName,
  number
>;
const ACT: Record<ActivationOp, number> = { relu: 0, leakyRelu: 1, sigmoid: 2, tanh: 3 };

/** Largest operand packed once and shared by the threads of a GEMM (beyond it, each chunk packs its own). */
const MAX_SHARED_PANEL = 32 << 20;
/** Largest C (elements) whose GEMM splits K rather than M or N across threads. */
const SPLIT_K_MAX_C = 64 * 256;
/** Below this many flops (GEMM, convolution) or elements (elementwise) a kernel runs on one thread. */
const PARALLEL_FLOPS = 1 << 20;
const PARALLEL_ELEMENTS = 1 << 15;

interface Staged {
  t: AnyTensor;
  ptr: number;
  size: number;
  write: boolean;
}

/** The WebAssembly SIMD, multi-threaded backend. Create it with `setBackend('wasm', { threads })`. */
export class WasmBackend implements Backend {
  readonly name = 'wasm';
  readonly threads: number;
  private readonly ref = new JsBackend();
  private readonly pool: ThreadPool;
  /** 128-byte block for a geometry record (one call at a time). */
  private readonly geom: number;
  private geomView: Int32Array;
  private scratchBase = 0;
  private scratchStride = 0;
  private readonly staged: Staged[] = [];

  /**
   * @param threads threads kernels may use (1 where memory cannot be shared).
   * @param adaptive let a busy machine's stalls switch parallel calls to the caller alone for a while
   *   (results never change: only who runs each chunk does).
   */
  constructor(
    readonly runtime: WasmRuntime,
    threads: number,
    adaptive = true,
  ) {
    if (!Number.isInteger(threads) || threads < 1) {
      throw new RangeError(`wasm backend: threads must be a positive integer, got ${threads}`);
    }
    this.threads = runtime.shared ? Math.min(threads, MAX_THREADS) : 1;
    const heap = runtime.heap;
    // Control block and geometry record: allocated once, never freed (they live as long as the backend).
    const ctl = heap.alloc(CONTROL_BYTES).ptr;
    this.geom = heap.alloc(128).ptr;
    this.geomView = new Int32Array(heap.buffer, this.geom, 32);
    this.pool = new ThreadPool(this.threads, runtime.fns, KERNELS, runtime.module, runtime.memory, ctl);
    this.pool.adaptive = adaptive;
  }

  /** Which compiled module runs ('relaxed' uses fused multiply-add). */
  get variant(): string {
    return this.runtime.variant;
  }

  /** Stops the worker threads (for tests and benchmarks). The backend must not be used afterwards. */
  terminate(): void {
    this.pool.terminate();
  }

  allocate(length: number): WasmStorage {
    return this.runtime.heap.storage(length, this.name);
  }

  // ---- plumbing -------------------------------------------------------------------------------

  private owns(t: AnyTensor): boolean {
    return t.storage instanceof WasmStorage && t.storage.heap === this.runtime.heap;
  }

  /** Address of t's elements for a kernel to read (and, with `write`, to write); stages foreign tensors. */
  private ptr(t: AnyTensor, write = false, read = true): number {
    if (this.owns(t)) return t.byteAddress;
    const heap = this.runtime.heap;
    const block = heap.alloc(t.size * 4);
    if (read)
      new Uint8Array(heap.buffer, block.ptr, t.size * 4).set(
        new Uint8Array(t.data.buffer, t.data.byteOffset, t.size * 4),
      );
    this.staged.push({ t, ptr: block.ptr, size: block.size, write });
    return block.ptr;
  }

  /** Address of an output that the kernel overwrites entirely. */
  private out(t: AnyTensor): number {
    return this.ptr(t, true, false);
  }

  /** Copies staged outputs back and frees the staging blocks. */
  private unstage(): void {
    if (this.staged.length === 0) return;
    const heap = this.runtime.heap;
    for (const s of this.staged) {
      if (s.write) {
        const d = s.t.data;
        new Uint8Array(d.buffer, d.byteOffset, s.t.size * 4).set(
          new Uint8Array(heap.buffer, s.ptr, s.t.size * 4),
        );
      }
      heap.release(s.ptr, s.size);
    }
    this.staged.length = 0;
  }

  /**
   * Makes the per-thread scratch at least `bytes` bytes a thread (thread t's at scratchBase +
   * t·scratchStride) and returns scratchBase.
   */
  private scratch(bytes: number): number {
    const need = Math.ceil(bytes / 64) * 64;
    if (need > this.scratchStride) {
      const heap = this.runtime.heap;
      if (this.scratchStride > 0) heap.release(this.scratchBase, this.scratchBlock);
      const stride = Math.max(need, this.runtime.gemmScratchBytes);
      const block = heap.alloc(stride * this.threads);
      this.scratchBase = block.ptr;
      this.scratchBlock = block.size;
      this.scratchStride = stride;
    }
    return this.scratchBase;
  }
  private scratchBlock = 0;

  /** A buffer of at least `bytes` bytes for per-chunk partial sums (kept and grown). */
  private partials(bytes: number): number {
    if (bytes > this.partialBlock.size) {
      const heap = this.runtime.heap;
      if (this.partialBlock.size > 0) heap.release(this.partialBlock.ptr, this.partialBlock.size);
      this.partialBlock = heap.alloc(bytes);
    }
    return this.partialBlock.ptr;
  }
  private partialBlock = { ptr: 0, size: 0 };

  /** A buffer of at least `bytes` bytes for a GEMM operand packed whole (kept and grown). */
  private panel(bytes: number): number {
    if (bytes > this.panelBlock.size) {
      const heap = this.runtime.heap;
      if (this.panelBlock.size > 0) heap.release(this.panelBlock.ptr, this.panelBlock.size);
      this.panelBlock = heap.alloc(bytes);
    }
    return this.panelBlock.ptr;
  }
  private panelBlock = { ptr: 0, size: 0 };

  /**
   * Runs a parallel kernel over [0, total) in units of `grain`: on one thread unless `parallel`, else
   * in `perThread` chunks per thread (more chunks balance better; GEMM uses one, since each chunk
   * packs its own copy of the shared operand).
   */
  private run(kernel: KernelName, total: number, grain: number, parallel: boolean, ...args: number[]): void {
    this.runChunks(kernel, total, grain, this.chunks(total, grain, parallel, 4), ...args);
  }

  private chunks(total: number, grain: number, parallel: boolean, perThread: number): number {
    return parallel ? this.pool.chunksFor(Math.ceil(total / grain), perThread) : 1;
  }

  private runChunks(
    kernel: KernelName,
    total: number,
    grain: number,
    chunks: number,
    ...args: number[]
  ): void {
    const a = this.pool.argv;
    for (let i = 0; i < args.length; i++) a[i] = args[i];
    this.pool.run(K[kernel], total, grain, chunks);
  }

  /** The geometry record's view (taken again if the memory was replaced by growth). */
  private geomInts(): Int32Array {
    if (this.geomView.buffer !== this.runtime.heap.buffer) {
      this.geomView = new Int32Array(this.runtime.heap.buffer, this.geom, 32);
    }
    return this.geomView;
  }

  /** Writes a convolution geometry record (layout: class Geom in assembly/conv.ts); returns its address. */
  private convGeom(g: Conv2dGeometry): number {
    const v = this.geomInts();
    v[0] = g.inChannels;
    v[1] = g.inHeight;
    v[2] = g.inWidth;
    v[3] = g.outChannels;
    v[4] = g.kernelH;
    v[5] = g.kernelW;
    v[6] = g.strideH;
    v[7] = g.strideW;
    v[8] = g.padH;
    v[9] = g.padW;
    v[10] = g.outHeight;
    v[11] = g.outWidth;
    return this.geom;
  }

  /** Writes a pooling geometry record (layout: class PoolGeom in assembly/pool.ts); returns its address. */
  private poolGeom(g: Pool2dGeometry): number {
    const v = this.geomInts();
    v[0] = g.inHeight;
    v[1] = g.inWidth;
    v[2] = g.kernelH;
    v[3] = g.kernelW;
    v[4] = g.strideH;
    v[5] = g.strideW;
    v[6] = g.padH;
    v[7] = g.padW;
    v[8] = g.outHeight;
    v[9] = g.outWidth;
    return this.geom;
  }

  // ---- kernels --------------------------------------------------------------------------------

  copy(src: AnyTensor, dst: AnyTensor): void {
    if (src.constructor !== dst.constructor || !this.owns(src) || !this.owns(dst)) {
      this.ref.copy(src, dst);
      return;
    }
    const n = Math.min(src.size, dst.size) * 4;
    this.runtime.heap.bytes.copyWithin(dst.byteAddress, src.byteAddress, src.byteAddress + n);
  }

  fill(x: Tensor, value: number): void {
    const p = this.out(x);
    this.run('fill', x.size, 16, x.size >= PARALLEL_ELEMENTS, p, value);
    this.unstage();
  }

  gemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: Tensor,
    b: Tensor,
    beta: number,
    c: Tensor,
  ): void {
    if (m === 0 || n === 0) return;
    const pa = this.ptr(a);
    const pb = this.ptr(b);
    const pc = beta === 0 ? this.out(c) : this.ptr(c, true);
    const base = this.scratch(this.runtime.gemmScratchBytes);
    const stride0 = this.scratchStride;
    const parallel = 2 * m * n * k >= PARALLEL_FLOPS;
    const KC = this.runtime.gemmKC;
    if (parallel && m * n <= SPLIT_K_MAX_C && k >= 4 * KC) {
      // A small C and a deep K (the first Dense layer's forward GEMM): split the depth, each chunk
      // computing a whole product that is added to C in chunk order afterwards.
      const chunks = this.chunks(Math.ceil(k / KC), 1, true, 2);
      const stride = Math.ceil((m * n * 4) / 64) * 64;
      const pbase = this.partials((chunks - 1) * stride);
      this.runChunks(
        'gemm',
        Math.ceil(k / KC),
        1,
        chunks,
        2,
        transA ? 1 : 0,
        transB ? 1 : 0,
        m,
        n,
        k,
        alpha,
        pa,
        transA ? m : k,
        pb,
        transB ? k : n,
        beta,
        pc,
        n,
        base,
        stride0,
        0,
        pbase,
        stride,
      );
      this.run('reducePartials', m * n, 16, false, pc, pbase, stride, chunks - 1, 0, 1);
      this.unstage();
      return;
    }
    // Otherwise split the larger dimension of C, in micro-tile units (4 rows or 16 columns).
    const splitM = m > n;
    const units = splitM ? Math.ceil(m / 4) : Math.ceil(n / 16);
    let pre = 0;
    let chunks = 1;
    if (parallel && units > 1) {
      // Pack the other operand once, in parallel, for every chunk to share; the split dimension can
      // then be cut finely (4 chunks per thread) without packing anything twice.
      const bytes = (splitM ? Math.ceil(n / 16) * 16 : Math.ceil(m / 4) * 4) * k * 4;
      if (bytes <= MAX_SHARED_PANEL) {
        pre = this.panel(bytes);
        if (splitM)
          this.run('packBFull', Math.ceil(n / 16), 1, true, transB ? 1 : 0, n, k, pb, transB ? k : n, pre);
        else this.run('packAFull', Math.ceil(m / 4), 1, true, transA ? 1 : 0, m, k, pa, transA ? m : k, pre);
        chunks = this.chunks(units, 1, true, 4);
      } else {
        chunks = this.chunks(units, 1, true, 1);
      }
    }
    this.runChunks(
      'gemm',
      units,
      1,
      chunks,
      splitM ? 1 : 0,
      transA ? 1 : 0,
      transB ? 1 : 0,
      m,
      n,
      k,
      alpha,
      pa,
      transA ? m : k,
      pb,
      transB ? k : n,
      beta,
      pc,
      n,
      base,
      stride0,
      pre,
      0,
      0,
    );
    this.unstage();
  }

  im2col(x: Tensor, g: Conv2dGeometry, cols: Tensor): void {
    const px = this.ptr(x);
    const pc = this.out(cols);
    this.run('im2col', g.batch, 1, g.batch > 1 && cols.size >= PARALLEL_ELEMENTS, px, pc, this.convGeom(g));
    this.unstage();
  }

  col2im(cols: Tensor, g: Conv2dGeometry, dx: Tensor): void {
    const pc = this.ptr(cols);
    const pd = this.out(dx);
    this.run('col2im', g.batch, 1, g.batch > 1 && cols.size >= PARALLEL_ELEMENTS, pc, pd, this.convGeom(g));
    this.unstage();
  }

  private convFlops(g: Conv2dGeometry): number {
    return 2 * g.batch * g.outChannels * g.inChannels * g.kernelH * g.kernelW * g.outHeight * g.outWidth;
  }

  private colsBytes(g: Conv2dGeometry): number {
    return Math.ceil((g.inChannels * g.kernelH * g.kernelW * g.outHeight * g.outWidth * 4) / 64) * 64;
  }

  conv2d(x: Tensor, w: Tensor, bias: Tensor | null, y: Tensor, g: Conv2dGeometry): void {
    const px = this.ptr(x);
    const pw = this.ptr(w);
    const pb = bias === null ? 0 : this.ptr(bias);
    const py = this.out(y);
    const parallel = g.batch > 1 && this.convFlops(g) >= PARALLEL_FLOPS;
    const base = this.scratch(this.runtime.gemmScratchBytes + this.colsBytes(g));
    const stride = this.scratchStride;
    this.run('conv2d', g.batch, 1, parallel, px, pw, pb, py, this.convGeom(g), base, stride);
    this.unstage();
  }

  conv2dBackwardData(dy: Tensor, w: Tensor, dx: Tensor, g: Conv2dGeometry): void {
    const pdy = this.ptr(dy);
    const pw = this.ptr(w);
    const pdx = this.out(dx);
    const base = this.scratch(this.runtime.gemmScratchBytes + this.colsBytes(g));
    const stride = this.scratchStride;
    const parallel = g.batch > 1 && this.convFlops(g) >= PARALLEL_FLOPS;
    this.run('conv2dBackwardData', g.batch, 1, parallel, pdy, pw, pdx, this.convGeom(g), base, stride);
    this.unstage();
  }

  conv2dBackwardWeights(x: Tensor, dy: Tensor, dw: Tensor, db: Tensor | null, g: Conv2dGeometry): void {
    const px = this.ptr(x);
    const pdy = this.ptr(dy);
    const pdw = this.ptr(dw, true);
    const pdb = db === null ? 0 : this.ptr(db, true);
    const wSize = g.outChannels * g.inChannels * g.kernelH * g.kernelW;
    const base = this.scratch(this.runtime.gemmScratchBytes + this.colsBytes(g));
    const stride = this.scratchStride;
    const parallel = g.batch > 1 && this.convFlops(g) >= PARALLEL_FLOPS;
    // Each chunk of samples sums into its own partial; the partials are then added in chunk order.
    const chunks = this.chunks(g.batch, 1, parallel, 4);
    const partStride = Math.ceil(((wSize + g.outChannels) * 4) / 64) * 64;
    const pbase = this.partials(chunks * partStride);
    const geom = this.convGeom(g);
    this.runChunks(
      'conv2dBackwardWeights',
      g.batch,
      1,
      chunks,
      px,
      pdy,
      geom,
      base,
      stride,
      pbase,
      partStride,
    );
    // The partials are dWᵀ [C·kH·kW, O] (see conv2dBackwardWeights in assembly/conv.ts).
    const cols = wSize / g.outChannels;
    this.run(
      'reducePartials',
      wSize,
      16,
      wSize >= PARALLEL_ELEMENTS,
      pdw,
      pbase,
      partStride,
      chunks,
      g.outChannels,
      cols,
    );
    if (db !== null) {
      this.run('reducePartials', g.outChannels, 16, false, pdb, pbase + wSize * 4, partStride, chunks, 0, 1);
    }
    this.unstage();
  }

  maxPool2d(x: Tensor, y: Tensor, argmax: IntTensor, g: Pool2dGeometry): void {
    const px = this.ptr(x);
    const py = this.out(y);
    const pa = this.out(argmax);
    const planes = g.batch * g.channels;
    this.run('maxPool2d', planes, 1, planes > 1 && x.size >= PARALLEL_ELEMENTS, px, py, pa, this.poolGeom(g));
    this.unstage();
  }

  maxPool2dBackward(dy: Tensor, argmax: IntTensor, dx: Tensor, g: Pool2dGeometry): void {
    const pdy = this.ptr(dy);
    const pa = this.ptr(argmax);
    const pdx = this.out(dx);
    const planes = g.batch * g.channels;
    this.run(
      'maxPool2dBackward',
      planes,
      1,
      planes > 1 && dx.size >= PARALLEL_ELEMENTS,
      pdy,
      pa,
      pdx,
      this.poolGeom(g),
    );
    this.unstage();
  }

  avgPool2d(x: Tensor, y: Tensor, g: Pool2dGeometry, countIncludePad: boolean): void {
    this.ref.avgPool2d(x, y, g, countIncludePad);
  }

  avgPool2dBackward(dy: Tensor, dx: Tensor, g: Pool2dGeometry, countIncludePad: boolean): void {
    this.ref.avgPool2dBackward(dy, dx, g, countIncludePad);
  }

  binary(op: BinaryOp, a: Tensor, b: Tensor, out: Tensor): void {
    this.ref.binary(op, a, b, out);
  }

  unary(op: UnaryOp, x: Tensor, out: Tensor): void {
    if (op === 'relu' || op === 'sigmoid' || op === 'tanh') this.activation(op, x, out, 0);
    else this.ref.unary(op, x, out);
  }

  activation(op: ActivationOp, x: Tensor, y: Tensor, alpha: number): void {
    const px = this.ptr(x);
    const py = x === y ? px : this.out(y);
    this.run('activation', x.size, 16, x.size >= PARALLEL_ELEMENTS, ACT[op], px, py, alpha);
    if (x === y && !this.owns(x)) this.staged[this.staged.length - 1].write = true;
    this.unstage();
  }

  activationBackward(op: ActivationOp, x: Tensor, y: Tensor, dy: Tensor, dx: Tensor, alpha: number): void {
    const usesX = op === 'relu' || op === 'leakyRelu';
    const px = usesX ? this.ptr(x) : 0;
    const py = usesX ? 0 : this.ptr(y);
    const pdy = this.ptr(dy, dy === dx);
    const pdx = dy === dx ? pdy : this.out(dx);
    this.run(
      'activationBackward',
      dy.size,
      16,
      dy.size >= PARALLEL_ELEMENTS,
      ACT[op],
      px,
      py,
      pdy,
      pdx,
      alpha,
    );
    this.unstage();
  }

  axpby(alpha: number, x: Tensor, beta: number, y: Tensor): void {
    const px = this.ptr(x);
    const py = beta === 0 && x !== y ? this.out(y) : this.ptr(y, true);
    this.run('axpby', y.size, 16, y.size >= PARALLEL_ELEMENTS, alpha, px, beta, py);
    this.unstage();
  }

  private channelLayout(t: Tensor): [number, number, number] {
    const n = t.shape[0];
    const c = t.shape[1];
    return [n, c, n * c === 0 ? 0 : t.size / (n * c)];
  }

  addBias(y: Tensor, bias: Tensor): void {
    const [N, C, inner] = this.channelLayout(y);
    const py = this.ptr(y, true);
    const pb = this.ptr(bias);
    const rows = inner === 1 ? N : N * C;
    this.run('addBias', rows, 1, rows > 1 && y.size >= PARALLEL_ELEMENTS, py, pb, C, inner);
    this.unstage();
  }

  biasGrad(dy: Tensor, db: Tensor): void {
    const [N, C, inner] = this.channelLayout(dy);
    const pdy = this.ptr(dy);
    const pdb = this.ptr(db, true);
    // Channels split across threads (each channel's sum stays on one thread: deterministic).
    this.run(
      'biasGrad',
      C,
      inner === 1 ? 4 : 1,
      C > 1 && dy.size >= PARALLEL_ELEMENTS,
      pdy,
      pdb,
      N,
      C,
      inner,
    );
    this.unstage();
  }

  reduce(op: ReduceOp, x: Tensor, axis: number, out: Tensor): void {
    this.ref.reduce(op, x, axis, out);
  }

  argmax(x: Tensor, axis: number, out: IntTensor): void {
    // x as [outer, len, inner] around `axis`
    let outer = 1;
    let inner = 1;
    for (let i = 0; i < axis; i++) outer *= x.shape[i];
    for (let i = axis + 1; i < x.rank; i++) inner *= x.shape[i];
    const len = x.shape[axis];
    if (len === 0 || x.size === 0) {
      this.ref.argmax(x, axis, out);
      return;
    }
    const px = this.ptr(x);
    const po = this.out(out);
    this.run('argmax', outer, 1, outer > 1 && x.size >= PARALLEL_ELEMENTS, px, po, len, inner);
    this.unstage();
  }

  sumSquares(x: Tensor): number {
    const px = this.ptr(x);
    const s = this.runtime.direct.sumSquares(px, x.size);
    this.unstage();
    return s;
  }

  private rowsOf(x: Tensor): [number, number] {
    const k = x.rank === 0 ? 1 : x.shape[x.rank - 1];
    return [k === 0 ? 0 : x.size / k, k];
  }

  softmax(x: Tensor, out: Tensor): void {
    const [r, k] = this.rowsOf(x);
    const px = this.ptr(x);
    const po = x === out ? px : this.out(out);
    if (x === out && !this.owns(x)) this.staged[this.staged.length - 1].write = true;
    this.run('softmax', r, 1, r > 1 && x.size >= PARALLEL_ELEMENTS, px, po, k);
    this.unstage();
  }

  logSoftmax(x: Tensor, out: Tensor): void {
    const [r, k] = this.rowsOf(x);
    const px = this.ptr(x);
    const po = x === out ? px : this.out(out);
    if (x === out && !this.owns(x)) this.staged[this.staged.length - 1].write = true;
    const base = this.scratch(k * 4);
    const stride = this.scratchStride;
    this.run('logSoftmax', r, 1, r > 1 && x.size >= PARALLEL_ELEMENTS, px, po, k, base, stride);
    this.unstage();
  }

  softmaxCrossEntropy(logits: Tensor, labels: IntTensor, dlogits: Tensor | null): number {
    const [n, k] = this.rowsOf(logits);
    const ld = labels.data;
    for (let i = 0; i < n; i++) {
      const label = ld[i];
      if (!(label >= 0 && label < k)) {
        throw new RangeError(`softmaxCrossEntropy: label ${label} of row ${i} is outside [0, ${k})`);
      }
    }
    const px = this.ptr(logits);
    const pl = this.ptr(labels);
    const pd = dlogits === null ? 0 : this.out(dlogits);
    const base = this.scratch(k * 4);
    const total = this.runtime.direct.softmaxCrossEntropy(px, pl, pd, n, k, base);
    this.unstage();
    return total / n;
  }

  countCorrect(scores: Tensor, labels: IntTensor): number {
    const [n, k] = this.rowsOf(scores);
    if (k === 0) return this.ref.countCorrect(scores, labels);
    const ps = this.ptr(scores);
    const pl = this.ptr(labels);
    const c = this.runtime.direct.countCorrect(ps, pl, n, k);
    this.unstage();
    return c;
  }

  dropout(x: Tensor, mask: Tensor, y: Tensor, p: number, rng: Random): void {
    this.ref.dropout(x, mask, y, p, rng);
  }

  batchNorm(
    x: Tensor,
    gamma: Tensor,
    beta: Tensor,
    runningMean: Tensor,
    runningVar: Tensor,
    y: Tensor,
    saveMean: Tensor,
    saveInvStd: Tensor,
    h: BatchNormHyper,
  ): void {
    this.ref.batchNorm(x, gamma, beta, runningMean, runningVar, y, saveMean, saveInvStd, h);
  }

  batchNormBackward(
    x: Tensor,
    dy: Tensor,
    gamma: Tensor,
    saveMean: Tensor,
    saveInvStd: Tensor,
    dx: Tensor,
    dgamma: Tensor,
    dbeta: Tensor,
    training: boolean,
  ): void {
    this.ref.batchNormBackward(x, dy, gamma, saveMean, saveInvStd, dx, dgamma, dbeta, training);
  }

  sgdUpdate(param: Tensor, grad: Tensor, momentumBuffer: Tensor | null, h: SgdHyper): void {
    const useBuf = momentumBuffer !== null && h.momentum !== 0;
    const pp = this.ptr(param, true);
    const pg = this.ptr(grad);
    const pbuf = useBuf ? this.ptr(momentumBuffer, true) : 0;
    const flags = (useBuf ? 1 : 0) | (h.firstStep ? 2 : 0) | (h.nesterov ? 4 : 0);
    const n = param.size;
    this.run(
      'sgdUpdate',
      n,
      16,
      n >= PARALLEL_ELEMENTS,
      pp,
      pg,
      pbuf,
      h.lr,
      h.momentum,
      h.dampening,
      h.weightDecay,
      flags,
    );
    this.unstage();
  }

  adamUpdate(
    param: Tensor,
    grad: Tensor,
    expAvg: Tensor,
    expAvgSq: Tensor,
    maxExpAvgSq: Tensor | null,
    h: AdamHyper,
  ): void {
    const pp = this.ptr(param, true);
    const pg = this.ptr(grad);
    const pm = this.ptr(expAvg, true);
    const pv = this.ptr(expAvgSq, true);
    const pmax = h.amsgrad && maxExpAvgSq !== null ? this.ptr(maxExpAvgSq, true) : 0;
    const bc1 = 1 - h.beta1 ** h.step;
    const bc2Sqrt = Math.sqrt(1 - h.beta2 ** h.step);
    const decay = h.decoupledWeightDecay ? 1 - h.lr * h.weightDecay : 1;
    const l2 = h.decoupledWeightDecay ? 0 : h.weightDecay;
    const n = param.size;
    this.run(
      'adamUpdate',
      n,
      16,
      n >= PARALLEL_ELEMENTS,
      pp,
      pg,
      pm,
      pv,
      pmax,
      h.beta1,
      h.beta2,
      h.eps,
      h.lr / bc1,
      bc2Sqrt,
      decay,
      l2,
    );
    this.unstage();
  }

  rmspropUpdate(
    param: Tensor,
    grad: Tensor,
    squareAvg: Tensor,
    momentumBuffer: Tensor | null,
    gradAvg: Tensor | null,
    h: RmspropHyper,
  ): void {
    this.ref.rmspropUpdate(param, grad, squareAvg, momentumBuffer, gradAvg, h);
  }

  adagradUpdate(param: Tensor, grad: Tensor, stateSum: Tensor, h: AdagradHyper): void {
    this.ref.adagradUpdate(param, grad, stateSum, h);
  }
}
