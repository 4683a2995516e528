/**
 * The WebAssembly SIMD backend (`'wasm'`): tensors live in one shared `WebAssembly.Memory`, kernels
 * (AssemblyScript, see packages/tensor/assembly/) compute on them in place through pointers, and
 * parallel kernels split their work statically over `threads` threads (see threads.ts), so results
 * are bit-identical run to run. Tensors of other backends are staged through copies. It registers the
 * kernels it accelerates ({@link registerWasmKernels}); every other kernel runs the reference
 * implementation on the same memory.
 */
import type { ActivationOp, Backend, BinaryOp } from '../../backend.js';
import type { ActivationArgs } from '../../kernels/activation.js';
import type { ActivationBackwardArgs } from '../../kernels/activation-backward.js';
import type { AddcdivArgs } from '../../kernels/addcdiv.js';
import type { AddcmulArgs } from '../../kernels/addcmul.js';
import type { ArgmaxArgs } from '../../kernels/argmax.js';
import type { AxpbyArgs } from '../../kernels/axpby.js';
import type { BernoulliMaskArgs } from '../../kernels/bernoulli-mask.js';
import type { BinaryArgs } from '../../kernels/binary.js';
import type { ChannelCombineArgs } from '../../kernels/channel-combine.js';
import type { ChannelDotArgs } from '../../kernels/channel-dot.js';
import type { ChannelScaleShiftArgs } from '../../kernels/channel-scale-shift.js';
import type { ChannelSumArgs } from '../../kernels/channel-sum.js';
import { channelLayout, rowsOf } from '../../kernels/check.js';
import type { Col2imArgs } from '../../kernels/col2im.js';
import type { Conv2dArgs } from '../../kernels/conv2d.js';
import type { Conv2dMaxPool2dArgs } from '../../kernels/conv2d-max-pool2d.js';
import type { Conv2dMaxPool2dBackwardWeightsArgs } from '../../kernels/conv2d-max-pool2d-backward-weights.js';
import type { Conv2dBackwardDataArgs } from '../../kernels/conv2d-backward-data.js';
import type { Conv2dBackwardWeightsArgs } from '../../kernels/conv2d-backward-weights.js';
import type { CopyArgs } from '../../kernels/copy.js';
import type { CountCorrectArgs } from '../../kernels/count-correct.js';
import type { DropoutArgs } from '../../kernels/dropout.js';
import type { FillArgs } from '../../kernels/fill.js';
import type { GemmArgs } from '../../kernels/gemm.js';
import type { Im2colArgs } from '../../kernels/im2col.js';
import type { IndexOutsideArgs } from '../../kernels/index-outside.js';
import * as k from '../../kernels/index.js';
import { registerKernel } from '../../kernels/kernel.js';
import type { MaxPool2dArgs } from '../../kernels/max-pool2d.js';
import { type MaxPool2dBackwardArgs, checkArgmaxInside } from '../../kernels/max-pool2d-backward.js';
import type { SgdUpdateArgs } from '../../kernels/sgd-update.js';
import type { SoftmaxArgs } from '../../kernels/softmax.js';
import type { SoftmaxCrossEntropyArgs } from '../../kernels/softmax-cross-entropy.js';
import type { SumSquaresArgs } from '../../kernels/sum-squares.js';
import type { UnaryArgs } from '../../kernels/unary.js';
import type { Random } from '../../random.js';
import type { Conv2dGeometry, Pool2dGeometry } from '../../shape.js';
import { type AnyTensor, Tensor } from '../../tensor.js';
import { ARG_ORDER, type KernelArgs } from './generated/bindings.js';
import { writeGeom, writePoolGeom } from './generated/records.js';
import { WasmStorage } from './heap.js';
import { KERNELS, type KernelName, type WasmRuntime } from './runtime.js';
import { CONTROL_BYTES, MAX_THREADS, ThreadPool } from './threads.js';
import { jump, jumpMatrix } from './xoshiro-jump.js';

const K: Record<KernelName, number> = Object.fromEntries(KERNELS.map((n, i) => [n, i])) as Record<
  KernelName,
  number
>;
/** Activation codes of assembly/elementwise.ts. */
const ACT: Record<ActivationOp, number> = { relu: 0, leakyRelu: 1, sigmoid: 2, tanh: 3 };
/** Binary op codes of assembly/elementwise.ts. */
const BINARY: Record<BinaryOp, number> = { add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5 };
/** How the parallel GEMM splits its work (the `mode` argument of assembly/index.ts `gemm`). */
enum GemmSplit {
  /** Columns of C, in micro-tile units. */
  Columns = 0,
  /** Rows of C, in micro-tile units. */
  Rows = 1,
  /** The depth K, in SPLIT_K_GRAIN units, partial products summed in chunk order. */
  Depth = 2,
}

/** Largest operand packed once and shared by the threads of a GEMM (beyond it, each chunk packs its own). */
const MAX_SHARED_PANEL = 32 << 20;
/**
 * Largest operand that every chunk of a split GEMM packs for itself rather than sharing one copy
 * packed in a run of its own (a Dense layer's 64×128 gradient is 32 KB).
 */
const OWN_PANEL = 64 << 10;
/** Largest C (elements) whose GEMM splits K rather than M or N across threads. */
const SPLIT_K_MAX_C = 64 * 256;
/**
 * Depths per unit of a K split: fine enough that the chunks come out (nearly) equal; KC-sized units
 * split 6272 = 12.25·512 depths 3/3/3/4 in four.
 */
const SPLIT_K_GRAIN = 16;
/** Chunks a thread of the dot-product GEMM's depth split (partial products reduced in chunk order). */
const DOT_DEPTH_CHUNKS = 4;
/** Fewest depths a chunk of that split takes while there are at least as many chunks as threads. */
const DOT_DEPTH_MIN = 512;
/** Shallowest A·Bᵀ (A [m, k], B [n, k]) run in dot-product form (each tile's lanes are summed at its end). */
const DOT_MIN_K = 64;
/** Below this many flops (GEMM, convolution) or elements (elementwise) a kernel runs on one thread. */
const PARALLEL_FLOPS = 1 << 20;
const PARALLEL_ELEMENTS = 1 << 15;
/** The fused SGD step moves 20 bytes an element in one pass: below this many, one thread is faster. */
const SGD_PARALLEL_ELEMENTS = 1 << 17;

/** Int index, in the 128-byte geometry block, of a kernel's status word (past every record's fields). */
const STATUS_WORD = 31;
/** Where in the geometry block a second record (a pooling's, after a convolution's) goes, in ints. */
const POOL_RECORD_AT = 16;

/** Size helpers of assembly/conv.ts (bytes, for the geometry record at `geom`). */
interface ConvSizeExports {
  convScratchBytes(geom: number): number;
  convPackedWeightsBytes(geom: number): number;
  winogradScratchBytes(geom: number): number;
  winogradPackedBytes(geom: number): number;
  winogradPartialBytes(geom: number): number;
}

/** Fewest input and output channels for which a 3×3 layer runs as Winograd F(2×2, 3×3) (its 16 GEMMs are C deep). */
const WINOGRAD_MIN_CHANNELS = 16;

/** 3×3, stride 1, equal padding ≤ 2 and enough channels: the convolution runs as Winograd F(2×2, 3×3). */
function winogradFits(g: Conv2dGeometry): boolean {
  return (
    g.kernelH === 3 &&
    g.kernelW === 3 &&
    g.strideH === 1 &&
    g.strideW === 1 &&
    g.padH === g.padW &&
    g.padH <= 2 &&
    g.inChannels >= WINOGRAD_MIN_CHANNELS &&
    g.outChannels >= WINOGRAD_MIN_CHANNELS
  );
}

/** The convolution that backward data of a stride-1 3×3 layer is: dy convolved with the flipped filters. */
function flippedGeometry(g: Conv2dGeometry): Conv2dGeometry {
  return {
    ...g,
    inChannels: g.outChannels,
    inHeight: g.outHeight,
    inWidth: g.outWidth,
    outChannels: g.inChannels,
    padH: 2 - g.padH,
    padW: 2 - g.padW,
    outHeight: g.inHeight,
    outWidth: g.inWidth,
  };
}

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
  private run<N extends KernelName>(
    kernel: N,
    total: number,
    grain: number,
    parallel: boolean,
    args: KernelArgs[N],
  ): void {
    this.runChunks(kernel, total, grain, this.chunks(total, grain, parallel, 4), args);
  }

  private chunks(total: number, grain: number, parallel: boolean, perThread: number): number {
    return parallel ? this.pool.chunksFor(Math.ceil(total / grain), perThread) : 1;
  }

  /** Writes `args` in the kernel's argument order (generated from its signature) and runs it. */
  private runChunks<N extends KernelName>(
    kernel: N,
    total: number,
    grain: number,
    chunks: number,
    args: KernelArgs[N],
  ): void {
    const a = this.pool.argv;
    const order = ARG_ORDER[kernel] as readonly (keyof KernelArgs[N])[];
    for (let i = 0; i < order.length; i++) {
      const v = args[order[i]] as number | boolean;
      a[i] = v === true ? 1 : v === false ? 0 : v;
    }
    this.pool.run(K[kernel], total, grain, chunks);
  }

  /** The geometry record's view (taken again if the memory was replaced by growth). */
  private geomInts(): Int32Array {
    if (this.geomView.buffer !== this.runtime.heap.buffer) {
      this.geomView = new Int32Array(this.runtime.heap.buffer, this.geom, 32);
    }
    return this.geomView;
  }

  /** Writes a convolution geometry record (assembly's Geom); returns its address. */
  private convGeom(g: Conv2dGeometry): number {
    writeGeom(this.geomInts(), g);
    return this.geom;
  }

  /** Writes a pooling geometry record (assembly's PoolGeom); returns its address. */
  private poolGeom(g: Pool2dGeometry): number {
    writePoolGeom(this.geomInts(), g);
    return this.geom;
  }

  // ---- kernels --------------------------------------------------------------------------------

  /** Returns false (the reference then runs) unless both tensors are this heap's, of one element type. */
  copy({ src, dst }: CopyArgs): boolean {
    if (src.constructor !== dst.constructor || !this.owns(src) || !this.owns(dst)) return false;
    const n = Math.min(src.size, dst.size) * 4;
    this.runtime.heap.bytes.copyWithin(dst.byteAddress, src.byteAddress, src.byteAddress + n);
    return true;
  }

  fill({ x, value }: FillArgs): void {
    const p = this.out(x);
    this.run('fill', x.size, 16, x.size >= PARALLEL_ELEMENTS, { x: p, value });
    this.unstage();
  }

  gemm({ transA, transB, m, n, k, alpha, a, b, beta, c }: GemmArgs): void {
    if (m === 0 || n === 0) return;
    const pa = this.ptr(a);
    const pb = this.ptr(b);
    const pc = beta === 0 ? this.out(c) : this.ptr(c, true);
    if (!transA && transB && k >= DOT_MIN_K) {
      this.gemmDot(m, n, k, alpha, pa, pb, beta, pc);
      this.unstage();
      return;
    }
    const base = this.scratch(this.runtime.gemmScratchBytes);
    const stride0 = this.scratchStride;
    const parallel = 2 * m * n * k >= PARALLEL_FLOPS;
    const KC = this.runtime.gemmKC;
    if (parallel && m * n <= SPLIT_K_MAX_C && k >= 4 * KC) {
      // A small C and a deep K (a Dense forward, x·Wᵀ, took the dot-product form above): split the
      // depth, each chunk computing a whole product that is added to C in chunk order afterwards.
      const chunks = this.chunks(k, SPLIT_K_GRAIN, true, 2);
      const stride = Math.ceil((m * n * 4) / 64) * 64;
      const pbase = this.partials((chunks - 1) * stride);
      this.runChunks('gemm', k, SPLIT_K_GRAIN, chunks, {
        mode: GemmSplit.Depth,
        transA,
        transB,
        m,
        n,
        k,
        alpha,
        a: pa,
        lda: transA ? m : k,
        b: pb,
        ldb: transB ? k : n,
        beta,
        c: pc,
        ldc: n,
        scratchBase: base,
        scratchStride: stride0,
        pre: 0,
        partialBase: pbase,
        partialStride: stride,
      });
      this.run('gemmDotReduce', Math.ceil((m * n) / 4), 1, false, {
        dst: pc,
        partialBase: pbase,
        partialStride: stride,
        parts: chunks - 1,
        size: m * n,
      });
      this.unstage();
      return;
    }
    // Otherwise split the larger dimension of C, in micro-tile units (MR rows or NR columns).
    const MR = this.runtime.gemmMR;
    const NR = this.runtime.gemmNR;
    const splitM = m > n;
    const units = splitM ? Math.ceil(m / MR) : Math.ceil(n / NR);
    let pre = 0;
    let chunks = 1;
    if (parallel && units > 1) {
      // Pack the other operand once, in parallel, for every chunk to share; the split dimension can
      // then be cut finely (4 chunks per thread) without packing anything twice.
      const bytes = (splitM ? Math.ceil(n / NR) * NR : Math.ceil(m / MR) * MR) * k * 4;
      if (bytes <= OWN_PANEL) {
        // Small enough for every chunk to pack its own copy: saves the packing run's wake-up and wait.
        chunks = this.chunks(units, 1, true, 2);
      } else if (bytes <= MAX_SHARED_PANEL) {
        pre = this.panel(bytes);
        if (splitM)
          this.run('packBFull', Math.ceil(n / NR), 1, true, {
            transB,
            n,
            k,
            b: pb,
            ldb: transB ? k : n,
            dst: pre,
          });
        else
          this.run('packAFull', Math.ceil(m / MR), 1, true, {
            transA,
            m,
            k,
            a: pa,
            lda: transA ? m : k,
            dst: pre,
          });
        chunks = this.chunks(units, 1, true, 4);
      } else {
        chunks = this.chunks(units, 1, true, 1);
      }
    }
    this.runChunks('gemm', units, 1, chunks, {
      mode: splitM ? GemmSplit.Rows : GemmSplit.Columns,
      transA,
      transB,
      m,
      n,
      k,
      alpha,
      a: pa,
      lda: transA ? m : k,
      b: pb,
      ldb: transB ? k : n,
      beta,
      c: pc,
      ldc: n,
      scratchBase: base,
      scratchStride: stride0,
      pre,
      partialBase: 0,
      partialStride: 0,
    });
    this.unstage();
  }

  im2col({ x, g, cols }: Im2colArgs): void {
    const px = this.ptr(x);
    const pc = this.out(cols);
    this.run('im2col', g.batch, 1, g.batch > 1 && cols.size >= PARALLEL_ELEMENTS, {
      x: px,
      cols: pc,
      geom: this.convGeom(g),
    });
    this.unstage();
  }

  col2im({ cols, g, dx }: Col2imArgs): void {
    const pc = this.ptr(cols);
    const pd = this.out(dx);
    this.run('col2im', g.batch, 1, g.batch > 1 && cols.size >= PARALLEL_ELEMENTS, {
      cols: pc,
      dx: pd,
      geom: this.convGeom(g),
    });
    this.unstage();
  }

  private convFlops(g: Conv2dGeometry): number {
    return 2 * g.batch * g.outChannels * g.inChannels * g.kernelH * g.kernelW * g.outHeight * g.outWidth;
  }

  /** Per-thread scratch of the convolution kernels (GEMM scratch and a cols buffer) for the geometry at `geom`. */
  private convScratch(geom: number): number {
    return this.scratch(this.convSizes().convScratchBytes(geom));
  }

  /** The weights packed once per call for every thread's GEMM to share (assembly's conv2dPackWeights). */
  private packConvWeights(w: number, bias: number, geom: number, transposed: boolean): number {
    const dst = this.panel(this.convSizes().convPackedWeightsBytes(geom));
    this.run('conv2dPackWeights', 1, 1, false, { w, bias, geom, transposed, dst });
    return dst;
  }

  conv2d({ x, w, bias, y, g }: Conv2dArgs): void {
    const px = this.ptr(x);
    const pw = this.ptr(w);
    const pb = bias === null ? 0 : this.ptr(bias);
    const py = this.out(y);
    this.convForward(px, pw, pb, py, g);
    this.unstage();
  }

  /** The convolution forward on heap addresses (staging is the caller's). */
  private convForward(px: number, pw: number, pb: number, py: number, g: Conv2dGeometry): void {
    const parallel = g.batch > 1 && this.convFlops(g) >= PARALLEL_FLOPS;
    if (winogradFits(g)) {
      this.winograd(px, pw, false, pb, py, g, parallel);
      return;
    }
    const geom = this.convGeom(g);
    const base = this.convScratch(geom);
    const stride = this.scratchStride;
    const wPacked = this.packConvWeights(pw, pb, geom, false);
    this.run('conv2d', g.batch, 1, parallel, {
      x: px,
      wPacked,
      bias: pb,
      y: py,
      geom,
      scratchBase: base,
      scratchStride: stride,
    });
  }

  conv2dBackwardData({ dy, w, dx, g }: Conv2dBackwardDataArgs): void {
    const pdy = this.ptr(dy);
    const pw = this.ptr(w);
    const pdx = this.out(dx);
    const parallel = g.batch > 1 && this.convFlops(g) >= PARALLEL_FLOPS;
    if (winogradFits(g)) {
      this.winograd(pdy, pw, true, 0, pdx, flippedGeometry(g), parallel);
      this.unstage();
      return;
    }
    const geom = this.convGeom(g);
    const base = this.convScratch(geom);
    const stride = this.scratchStride;
    const wPacked = this.packConvWeights(pw, 0, geom, true);
    this.run('conv2dBackwardData', g.batch, 1, parallel, {
      dy: pdy,
      wPacked,
      dx: pdx,
      geom,
      scratchBase: base,
      scratchStride: stride,
    });
    this.unstage();
  }

  conv2dBackwardWeights({ x, dy, dw, db, g, accumulate: acc }: Conv2dBackwardWeightsArgs): void {
    const accumulate = acc !== false;
    const px = this.ptr(x);
    const pdy = this.ptr(dy);
    const pdw = accumulate ? this.ptr(dw, true) : this.out(dw);
    const pdb = db === null ? 0 : accumulate ? this.ptr(db, true) : this.out(db);
    const parallel = g.batch > 1 && this.convFlops(g) >= PARALLEL_FLOPS;
    // Each chunk of samples sums into its own partial; the partials are then added in chunk order.
    const chunks = this.chunks(g.batch, 1, parallel, 4);
    if (winogradFits(g)) {
      this.winogradWeights(px, pdy, pdw, pdb, g, chunks, accumulate);
      this.unstage();
      return;
    }
    const wSize = g.outChannels * g.inChannels * g.kernelH * g.kernelW;
    const geom = this.convGeom(g);
    const base = this.convScratch(geom);
    const stride = this.scratchStride;
    const partStride = Math.ceil(((wSize + g.outChannels) * 4) / 64) * 64;
    const pbase = this.partials(chunks * partStride);
    this.runChunks('conv2dBackwardWeights', g.batch, 1, chunks, {
      x: px,
      dy: pdy,
      geom,
      scratchBase: base,
      scratchStride: stride,
      partialBase: pbase,
      partialStride: partStride,
    });
    const total = wSize + g.outChannels;
    this.run('conv2dReduceWeights', total, 16, total >= PARALLEL_ELEMENTS, {
      dw: pdw,
      db: pdb,
      geom,
      partialBase: pbase,
      partialStride: partStride,
      parts: chunks,
      accumulate: accumulate ? 1 : 0,
    });
    this.unstage();
  }

  maxPool2d({ x, y, argmax, g, relu }: MaxPool2dArgs): void {
    const px = this.ptr(x);
    const py = this.out(y);
    const pa = argmax === null ? 0 : this.out(argmax);
    const planes = g.batch * g.channels;
    this.run('maxPool2d', planes, 1, planes > 1 && x.size >= PARALLEL_ELEMENTS, {
      x: px,
      y: py,
      arg: pa,
      geom: this.poolGeom(g),
      relu: relu === true ? 1 : 0,
    });
    this.unstage();
  }

  maxPool2dBackward({ dy, argmax, dx, g, mask }: MaxPool2dBackwardArgs): void {
    const pdy = this.ptr(dy);
    const pa = this.ptr(argmax);
    const pm = mask == null ? 0 : this.ptr(mask);
    const pdx = this.out(dx);
    const planes = g.batch * g.channels;
    const geom = this.poolGeom(g);
    // The kernel's status word, past the record: set when an argmax lies outside its plane.
    this.geomInts()[STATUS_WORD] = 0;
    this.run('maxPool2dBackward', planes, 1, planes > 1 && dx.size >= PARALLEL_ELEMENTS, {
      dy: pdy,
      arg: pa,
      dx: pdx,
      geom,
      mask: pm,
      status: geom + 4 * STATUS_WORD,
    });
    this.unstage();
    if (this.geomInts()[STATUS_WORD] !== 0) {
      checkArgmaxInside(argmax, g);
      throw new RangeError('maxPool2dBackward: an argmax lies outside its plane');
    }
  }

  /** Returns false (the reference then runs) for the ops without a wasm kernel. */
  unary({ op, x, out }: UnaryArgs): boolean {
    if (op !== 'relu' && op !== 'sigmoid' && op !== 'tanh') return false;
    this.activation({ op, x, y: out, alpha: 0 });
    return true;
  }

  activation({ op, x, y, alpha }: ActivationArgs): void {
    const px = this.ptr(x);
    const py = x === y ? px : this.out(y);
    this.run('activation', x.size, 16, x.size >= PARALLEL_ELEMENTS, { op: ACT[op], x: px, y: py, alpha });
    if (x === y && !this.owns(x)) this.staged[this.staged.length - 1].write = true;
    this.unstage();
  }

  activationBackward({ op, x, y, dy, dx, alpha }: ActivationBackwardArgs): void {
    const usesX = op === 'relu' || op === 'leakyRelu';
    const px = usesX ? this.ptr(x) : 0;
    const py = usesX ? 0 : this.ptr(y);
    const pdy = this.ptr(dy, dy === dx);
    const pdx = dy === dx ? pdy : this.out(dx);
    this.run('activationBackward', dy.size, 16, dy.size >= PARALLEL_ELEMENTS, {
      op: ACT[op],
      x: px,
      y: py,
      dy: pdy,
      dx: pdx,
      alpha,
    });
    this.unstage();
  }

  axpby({ alpha, x, beta, y, out }: AxpbyArgs): void {
    const px = this.ptr(x, out === x);
    const py = beta === 0 ? px : y === x ? px : this.ptr(y, out === y);
    const po = out === x ? px : out === y && beta !== 0 ? py : this.out(out);
    this.run('axpby', out.size, 16, out.size >= PARALLEL_ELEMENTS, { alpha, x: px, beta, y: py, out: po });
    this.unstage();
  }

  addcmul({ y, a, b, value, beta, out }: AddcmulArgs): void {
    const [py, pa, pb, po] = this.operands(y, a, b, out, beta);
    this.run('addcmul', out.size, 16, out.size >= PARALLEL_ELEMENTS, {
      y: py,
      a: pa,
      b: pb,
      value,
      beta,
      out: po,
    });
    this.unstage();
  }

  addcdiv({ y, a, b, value, beta, sqrt, scale, eps, out }: AddcdivArgs): void {
    const [py, pa, pb, po] = this.operands(y, a, b, out, beta);
    const n = out.size;
    this.run('addcdiv', n, 16, n >= PARALLEL_ELEMENTS, {
      y: py,
      a: pa,
      b: pb,
      value,
      beta,
      sqrt: sqrt ? 1 : 0,
      scale,
      eps,
      out: po,
    });
    this.unstage();
  }

  /** Addresses of y, a, b and out for a fused elementwise kernel, out possibly being one of the inputs. */
  private operands(
    y: AnyTensor,
    a: AnyTensor,
    b: AnyTensor,
    out: AnyTensor,
    beta: number,
  ): [number, number, number, number] {
    const seen = new Map<AnyTensor, number>();
    const addr = (t: AnyTensor): number => {
      let p = seen.get(t);
      if (p === undefined) seen.set(t, (p = this.ptr(t, t === out)));
      return p;
    };
    const py = beta === 0 && y !== out ? 0 : addr(y);
    const pa = addr(a);
    const pb = addr(b);
    const po = seen.get(out) ?? this.out(out);
    return [py, pa, pb, po];
  }

  channelScaleShift({ x, scale, shift, y, accumulate }: ChannelScaleShiftArgs): void {
    const [N, C, inner] = channelLayout(x);
    if (x.size === 0) return;
    const px = this.ptr(x, x === y);
    const py = x === y ? px : accumulate ? this.ptr(y, true) : this.out(y);
    const ps = scale === null ? 0 : this.ptr(scale);
    const ph = shift === null ? 0 : this.ptr(shift);
    // Rows of one channel (inner > 1) or whole samples (inner = 1): elementwise, any split.
    const rows = inner === 1 ? N : N * C;
    this.run('channelScaleShift', rows, 1, rows > 1 && x.size >= PARALLEL_ELEMENTS, {
      x: px,
      scale: ps,
      shift: ph,
      y: py,
      C,
      inner,
      accumulate: accumulate ? 1 : 0,
    });
    this.unstage();
  }

  /** Returns false (the reference runs) for an empty x. */
  channelSum({ x, out, accumulate }: ChannelSumArgs): boolean {
    return this.channelReduce(x, null, null, null, out, null, accumulate);
  }

  /**
   * sum (+)= Σ (a − aCenter) and dot (+)= Σ (a − aCenter)·(b − bCenter) per channel (null drops a term):
   * the channels are split across chunks, so each channel's sums are one chunk's, in a fixed order.
   */
  private channelReduce(
    a: Tensor,
    b: Tensor | null,
    aCenter: Tensor | null,
    bCenter: Tensor | null,
    sum: Tensor | null,
    dot: Tensor | null,
    accumulate: boolean,
  ): boolean {
    if (a.size === 0) return false;
    const [N, C, inner] = channelLayout(a);
    const pa = this.ptr(a);
    const pb = b === null ? 0 : b === a ? pa : this.ptr(b);
    const pca = aCenter === null ? 0 : this.ptr(aCenter);
    const pcb = bCenter === null ? 0 : bCenter === aCenter ? pca : this.ptr(bCenter);
    const ps = sum === null ? 0 : accumulate ? this.ptr(sum, true) : this.out(sum);
    const pd = dot === null ? 0 : accumulate ? this.ptr(dot, true) : this.out(dot);
    // Each chunk's channels' running sums (assembly/channel.ts: 128 bytes a channel, 16-aligned).
    const base = this.scratch(inner === 1 ? 0 : C * 128 + 16);
    const stride = this.scratchStride;
    // Two chunks a thread: the chunk's channels of one sample are one run of memory, the longer the better.
    const grain = inner === 1 ? 4 : 1;
    const chunks = this.chunks(C, grain, C > 1 && a.size >= PARALLEL_ELEMENTS, 2);
    this.runChunks('channelReduce', C, grain, chunks, {
      a: pa,
      aCenter: pca,
      b: pb,
      bCenter: pcb,
      sum: ps,
      dot: pd,
      N,
      C,
      inner,
      accumulate: accumulate ? 1 : 0,
      scratchBase: base,
      scratchStride: stride,
    });
    this.unstage();
    return true;
  }

  /** Returns false (the reference runs) for an empty axis. */
  argmax({ x, axis, out }: ArgmaxArgs): boolean {
    // x as [outer, len, inner] around `axis`
    let outer = 1;
    let inner = 1;
    for (let i = 0; i < axis; i++) outer *= x.shape[i];
    for (let i = axis + 1; i < x.rank; i++) inner *= x.shape[i];
    const len = x.shape[axis];
    if (len === 0 || x.size === 0) return false;
    const px = this.ptr(x);
    const po = this.out(out);
    this.run('argmax', outer, 1, outer > 1 && x.size >= PARALLEL_ELEMENTS, { x: px, out: po, len, inner });
    this.unstage();
    return true;
  }

  sumSquares({ x }: SumSquaresArgs): number {
    const px = this.ptr(x);
    const s = this.runtime.direct.sumSquares(px, x.size);
    this.unstage();
    return s;
  }

  softmax({ x, out }: SoftmaxArgs): void {
    const [r, k] = rowsOf(x);
    const px = this.ptr(x);
    const po = x === out ? px : this.out(out);
    if (x === out && !this.owns(x)) this.staged[this.staged.length - 1].write = true;
    this.run('softmax', r, 1, r > 1 && x.size >= PARALLEL_ELEMENTS, { x: px, out: po, k });
    this.unstage();
  }

  logSoftmax({ x, out }: SoftmaxArgs): void {
    const [r, k] = rowsOf(x);
    const px = this.ptr(x);
    const po = x === out ? px : this.out(out);
    if (x === out && !this.owns(x)) this.staged[this.staged.length - 1].write = true;
    const base = this.scratch(k * 4);
    const stride = this.scratchStride;
    this.run('logSoftmax', r, 1, r > 1 && x.size >= PARALLEL_ELEMENTS, {
      x: px,
      out: po,
      k,
      scratchBase: base,
      scratchStride: stride,
    });
    this.unstage();
  }

  softmaxCrossEntropy({ logits, labels, dlogits }: SoftmaxCrossEntropyArgs): number {
    // Labels were range-checked by the op: the kernel indexes rows with them unchecked.
    const [n, k] = rowsOf(logits);
    const px = this.ptr(logits);
    const pl = this.ptr(labels);
    const pd = dlogits === null ? 0 : this.out(dlogits);
    const base = this.scratch(k * 4);
    const total = this.runtime.direct.softmaxCrossEntropy(px, pl, pd, n, k, base);
    this.unstage();
    return total / n;
  }

  /** Returns -1 (the reference runs) for rows of no classes. */
  countCorrect({ scores, labels }: CountCorrectArgs): number {
    const [n, k] = rowsOf(scores);
    if (k === 0) return -1;
    const ps = this.ptr(scores);
    const pl = this.ptr(labels);
    const c = this.runtime.direct.countCorrect(ps, pl, n, k);
    this.unstage();
    return c;
  }

  /**
   * out ← the 3×3 stride-1 convolution `g` of x by Winograd F(2×2, 3×3) (assembly/winograd.ts): the
   * filters transformed once per call, then threads taking whole samples. `flip`: w is the layer's
   * [g.inChannels, g.outChannels, 3, 3] filters of a backward data pass (see flippedGeometry).
   */
  private winograd(
    x: number,
    w: number,
    flip: boolean,
    bias: number,
    out: number,
    g: Conv2dGeometry,
    parallel: boolean,
  ): void {
    const geom = this.convGeom(g);
    const sizes = this.convSizes();
    const base = this.scratch(sizes.winogradScratchBytes(geom));
    const stride = this.scratchStride;
    const uPacked = this.panel(sizes.winogradPackedBytes(geom));
    this.run('winogradPackWeights', 1, 1, false, { w, geom, flip, dst: uPacked });
    this.run('winogradConv', g.batch, 1, parallel, {
      x,
      uPacked,
      bias,
      y: out,
      geom,
      scratchBase: base,
      scratchStride: stride,
    });
  }

  /**
   * dw, db (0: none) += the weight gradient of the Winograd-shaped layer `g`, as the adjoint of its
   * Winograd forward (assembly/winograd.ts): per-chunk partials in the transformed domain, added in
   * chunk order and mapped back to 3×3 filters.
   */
  private winogradWeights(
    x: number,
    dy: number,
    dw: number,
    db: number,
    g: Conv2dGeometry,
    chunks: number,
    accumulate: boolean,
  ): void {
    const geom = this.convGeom(g);
    const sizes = this.convSizes();
    const base = this.scratch(sizes.winogradScratchBytes(geom));
    const stride = this.scratchStride;
    const partStride = Math.ceil(sizes.winogradPartialBytes(geom) / 64) * 64;
    const pbase = this.partials(chunks * partStride);
    this.runChunks('winogradBackwardWeights', g.batch, 1, chunks, {
      x,
      dy,
      geom,
      scratchBase: base,
      scratchStride: stride,
      partialBase: pbase,
      partialStride: partStride,
    });
    const filters = g.outChannels * g.inChannels + g.outChannels;
    this.run('winogradReduceWeights', filters, 16, filters * 9 >= PARALLEL_ELEMENTS, {
      dw,
      db,
      geom,
      partialBase: pbase,
      partialStride: partStride,
      parts: chunks,
      accumulate: accumulate ? 1 : 0,
    });
  }

  /** conv.ts's size helpers, exported by the module beside the kernels (geometry record at `geom`). */
  private convSizes(): ConvSizeExports {
    return this.runtime.direct as unknown as ConvSizeExports;
  }

  /** The first index of x outside [0, bound), or -1 (SIMD, single-threaded: one pass over ints). */
  indexOutside({ x, bound }: IndexOutsideArgs): number {
    const px = this.ptr(x);
    const i = this.runtime.direct.indexOutside(px, x.size, bound);
    this.unstage();
    return i;
  }

  /** Returns false (the reference runs) for an empty a. */
  channelDot({ a, b, out, accumulate, aCenter, bCenter, sum }: ChannelDotArgs): boolean {
    return this.channelReduce(a, b, aCenter ?? null, bCenter ?? null, sum ?? null, out, accumulate);
  }

  channelCombine({ a, alpha, b, center, beta, shift, y }: ChannelCombineArgs): void {
    if (a.size === 0) return;
    const [N, C, inner] = channelLayout(a);
    const pa = this.ptr(a, y === a);
    const pb = b === a ? pa : this.ptr(b, y === b);
    const py = y === a ? pa : y === b ? pb : this.out(y);
    const rows = inner === 1 ? N : N * C;
    this.run('channelCombine', rows, 1, rows > 1 && a.size >= PARALLEL_ELEMENTS, {
      a: pa,
      alpha: this.ptr(alpha),
      b: pb,
      center: center === null ? 0 : this.ptr(center),
      beta: this.ptr(beta),
      shift: shift === null ? 0 : this.ptr(shift),
      y: py,
      C,
      inner,
    });
    this.unstage();
  }

  bernoulliMask({ mask, p, scale, rng }: BernoulliMaskArgs): void {
    this.maskDraws(mask, null, null, p, scale, rng);
  }

  dropout({ x, mask, out, p, scale, rng }: DropoutArgs): void {
    this.maskDraws(mask, x, out, p, scale, rng);
  }

  /**
   * mask ← Bernoulli(p)·scale and, with x, out ← x·mask: xoshiro128** run in the kernel on the
   * generator's state, written back after, so the draws and the generator's next state are those of
   * `rng.uniform()` element by element. The mask is cut into lanes of equal length, four a unit (one
   * unit a thread for a large mask), drawn side by side in SIMD lanes, each lane starting from the
   * state the sequential draws reach there (a jump-ahead), and a short tail: the same mask at any
   * thread count.
   */
  private maskDraws(
    mask: Tensor,
    x: Tensor | null,
    out: Tensor | null,
    p: number,
    scale: number,
    rng: Random,
  ): void {
    const n = mask.size;
    if (n === 0) return;
    const draw = p > 0 && p < 1;
    const units = draw && this.threads > 1 && n >= PARALLEL_ELEMENTS ? this.threads : 1;
    // 4·units lanes of q elements (a multiple of 4), then the tail [4·units·q, n)
    const q = draw ? 4 * Math.floor(n / (16 * units)) : 0;
    const lanes = 4 * units;
    const state = rng.getState();
    const words = this.rngWords();
    for (let i = 0; i < 4; i++) words[i] = state[i];
    if (draw && q > 0) {
      const m = jumpMatrix(q);
      for (let k = 1; k < lanes; k++) jump(m, words, 4 * (k - 1), 4 * k);
    } else {
      for (let k = 1; k < lanes; k++) words.copyWithin(4 * k, 0, 4);
    }
    // Its address now: staging below may grow the memory (an unshared one detaches the view).
    const statePtr = this.rngPtr;
    const pm = this.out(mask);
    const px = x === null ? 0 : this.ptr(x, x === out);
    const po = out === null ? 0 : out === x ? px : this.out(out);
    this.run('bernoulliMaskMul', units, 1, units > 1, {
      states: statePtr,
      q,
      units,
      n,
      draw: draw ? 1 : 0,
      limit: p * 4294967296,
      scale: p >= 1 ? 0 : scale,
      mask: pm,
      x: px,
      out: po,
    });
    this.unstage();
    if (draw) {
      // The last unit ends where the sequential draws end.
      const next = this.rngWords().subarray(4 * lanes, 4 * lanes + 4);
      rng.setState([next[0], next[1], next[2], next[3], state[4], state[5]]);
    }
  }

  /**
   * The generator-state block: four words a lane, four lanes a thread, and the state after the last
   * draw (allocated at the first draw; the view re-taken after growth).
   */
  private rngWords(): Uint32Array {
    const heap = this.runtime.heap;
    const words = 4 * (4 * MAX_THREADS + 1);
    // Allocate before taking the buffer: the allocation may grow (and so replace) it. The address is
    // kept apart: a view of a detached (grown, unshared) buffer reports byteOffset 0.
    if (this.rngPtr === 0) this.rngPtr = heap.alloc(4 * words).ptr;
    if (this.rngView === null || this.rngView.buffer !== heap.buffer)
      this.rngView = new Uint32Array(heap.buffer, this.rngPtr, words);
    return this.rngView;
  }
  private rngView: Uint32Array | null = null;
  private rngPtr = 0;

  /**
   * Operands of the output's size or scalars (no other broadcasting) have a kernel; other cases
   * return false (the reference runs).
   */
  binary({ op, a, b, out }: BinaryArgs): boolean {
    const n = out.size;
    if (n === 0 || (a.size !== n && a.size !== 1) || (b.size !== n && b.size !== 1)) return false;
    const pa = this.ptr(a, out === a);
    const pb = b === a ? pa : this.ptr(b, out === b);
    const po = out === a ? pa : out === b ? pb : this.out(out);
    this.run('binary', n, 16, n >= PARALLEL_ELEMENTS, {
      op: BINARY[op],
      a: pa,
      sa: a.size === n ? 1 : 0,
      b: pb,
      sb: b.size === n ? 1 : 0,
      out: po,
    });
    this.unstage();
    return true;
  }

  /**
   * Threads running kernels now: the caller and every worker that has started. Lower than
   * {@link WasmBackend.threads} until the workers are up: Node starts them on the first parallel
   * kernel, a browser once the thread that chose the backend returns to its event loop (an `await`).
   */
  get startedThreads(): number {
    return 1 + this.pool.startedWorkers;
  }

  /**
   * C ← α·A·Bᵀ + β·C with A stored [m, k] and B stored [n, k], in dot-product form (assembly's
   * gemmDot: nothing packed), split by depth (small C, deep K; {@link DOT_DEPTH_CHUNKS} chunks a
   * thread) or else by columns of C in 4-column units, one chunk a thread (finer chunks measured
   * slower: a column chunk reads the whole of A).
   */
  private gemmDot(
    m: number,
    n: number,
    k: number,
    alpha: number,
    pa: number,
    pb: number,
    beta: number,
    pc: number,
  ): void {
    const units = Math.ceil(n / 4);
    const parallel = 2 * m * n * k >= PARALLEL_FLOPS;
    if (parallel && this.threads > 1 && m * n <= SPLIT_K_MAX_C && k >= 4 * this.runtime.gemmKC) {
      // A small C and a deep K (a Dense layer's forward): split the depth, so that each thread reads
      // its own part of A and B rather than all of A; the partial products are added in chunk order.
      // Several chunks a thread: a thread descheduled for a while holds up one small chunk while the
      // others take the rest, rather than half the call; but no shallower than DOT_DEPTH_MIN where
      // there are threads enough (each chunk's C pass and partial sum cost the same at any depth).
      const chunks = Math.min(
        this.chunks(k, SPLIT_K_GRAIN, true, DOT_DEPTH_CHUNKS),
        Math.max(this.threads, Math.floor(k / DOT_DEPTH_MIN)),
      );
      const stride = Math.ceil((m * n * 4) / 64) * 64;
      const pbase = this.partials((chunks - 1) * stride);
      this.runChunks('gemmDotDepth', k, SPLIT_K_GRAIN, chunks, {
        m,
        n,
        k,
        alpha,
        a: pa,
        lda: k,
        b: pb,
        ldb: k,
        beta,
        c: pc,
        ldc: n,
        partialBase: pbase,
        partialStride: stride,
      });
      this.run('gemmDotReduce', Math.ceil((m * n) / 4), 1, false, {
        dst: pc,
        partialBase: pbase,
        partialStride: stride,
        parts: chunks - 1,
        size: m * n,
      });
      return;
    }
    this.runChunks('gemmDot', units, 1, this.chunks(units, 1, parallel, 1), {
      m,
      n,
      k,
      alpha,
      a: pa,
      lda: k,
      b: pb,
      ldb: k,
      beta,
      c: pc,
      ldc: n,
    });
  }

  sgdUpdate({
    param,
    grad,
    buffer,
    lr,
    momentum,
    dampening,
    weightDecay,
    nesterov,
    first,
  }: SgdUpdateArgs): void {
    const pp = this.ptr(param, true);
    const pg = this.ptr(grad);
    const pb = buffer === null ? 0 : this.ptr(buffer, true);
    const n = param.size;
    const flags = (buffer === null ? 0 : 1) | (nesterov ? 2 : 0) | (first ? 4 : 0);
    this.run('sgdUpdate', n, 16, n >= SGD_PARALLEL_ELEMENTS, {
      param: pp,
      grad: pg,
      buffer: pb,
      negLr: -lr,
      momentum,
      d1: 1 - dampening,
      weightDecay,
      flags,
    });
    this.unstage();
  }

  /**
   * Convolution, ReLU and 2×2 max pooling for inference. Stride-1 layers run fused (assembly's
   * conv2dMaxPool: the convolution's output is never stored); others run the convolution a block of
   * samples at a time into a buffer kept for the purpose, then the pooling without indices. So do
   * the layers Winograd computes (2.25× fewer multiplications: twice as fast as the fused direct
   * sums) and filters under 3 wide (the fused kernel's loops over taps then cost more than the
   * taps: a 1×1 layer of 64 channels ran 1.8× slower fused than as a GEMM).
   */
  conv2dMaxPool2d({ x, w, bias, y, g, pool, relu, argmax }: Conv2dMaxPool2dArgs): void {
    const px = this.ptr(x);
    const pw = this.ptr(w);
    const pb = bias === null ? 0 : this.ptr(bias);
    const py = this.out(y);
    const pa = argmax == null ? 0 : this.out(argmax);
    const parallel = g.batch > 1 && this.convFlops(g) >= PARALLEL_FLOPS;
    if (pa !== 0 && !winogradFits(g)) {
      // With indices (training): each sample's convolution as conv2d computes it, into the thread's
      // scratch, pooled from there: the unfused results to the bit, without the convolution's output
      // (4× the pooled one) going through memory. Fused sums with indices ran slower than this.
      const geom = this.convGeom(g);
      const poolGeom = geom + 4 * POOL_RECORD_AT;
      writePoolGeom(this.geomInts().subarray(POOL_RECORD_AT), pool);
      const wPacked = this.packConvWeights(pw, pb, geom, false);
      const base = this.scratch(this.convIndexedSizes().convPoolIndexedScratchBytes(geom));
      this.run('conv2dMaxPoolIndexed', g.batch, 1, parallel, {
        x: px,
        wPacked,
        bias: pb,
        y: py,
        arg: pa,
        geom,
        poolGeom,
        relu: relu === true ? 1 : 0,
        scratchBase: base,
        scratchStride: this.scratchStride,
      });
      this.unstage();
      return;
    }
    if (g.strideH === 1 && g.strideW === 1 && g.kernelW >= 3 && !winogradFits(g)) {
      const geom = this.convGeom(g);
      const base = this.scratch(this.convPoolSizes().convPoolScratchBytes(geom));
      this.run('conv2dMaxPool', g.batch, 1, parallel, {
        x: px,
        w: pw,
        bias: pb,
        y: py,
        geom,
        relu: relu === true ? 1 : 0,
        scratchBase: base,
        scratchStride: this.scratchStride,
      });
      this.unstage();
      return;
    }
    const inSize = g.inChannels * g.inHeight * g.inWidth * 4;
    const convSize = g.outChannels * g.outHeight * g.outWidth * 4;
    const outSize = g.outChannels * pool.outHeight * pool.outWidth * 4;
    const per = Math.max(1, Math.min(g.batch, Math.floor(CONV_POOL_BLOCK / convSize)));
    const h = this.convPoolBuffer(per * convSize);
    for (let n0 = 0; n0 < g.batch; n0 += per) {
      const nb = Math.min(per, g.batch - n0);
      this.convForward(px + n0 * inSize, pw, pb, h, { ...g, batch: nb });
      const pg = { ...pool, batch: nb };
      const planes = nb * g.outChannels;
      this.run('maxPool2d', planes, 1, planes > 1 && nb * convSize >= 4 * PARALLEL_ELEMENTS, {
        x: h,
        y: py + n0 * outSize,
        arg: pa === 0 ? 0 : pa + n0 * outSize,
        geom: this.poolGeom(pg),
        relu: relu === true ? 1 : 0,
      });
    }
    this.unstage();
  }

  /**
   * The weight gradient of a convolution followed by max pooling, from the pooled gradient: the filters
   * assembly's poolWeightsFits takes (3×≤4, 5×5…8) run its conv2dPoolWeights (chunks own output
   * channels, one chunk a thread: each pads every sample's input); others route
   * the pooled gradient to the convolution's output (a buffer kept for the purpose), then run the
   * convolution's weight gradient on it.
   */
  conv2dMaxPool2dBackwardWeights(a: Conv2dMaxPool2dBackwardWeightsArgs): void {
    const { x, dy, argmax, mask, dw, db, g, pool } = a;
    const accumulate = a.accumulate !== false;
    const geom = this.convGeom(g);
    const sizes = this.poolWeightsSizes();
    if (!sizes.poolWeightsFits(geom)) {
      const h = this.poolGradBuffer([g.batch, g.outChannels, g.outHeight, g.outWidth]);
      this.maxPool2dBackward({ dy, argmax, dx: h, g: pool, mask });
      this.conv2dBackwardWeights({ x, dy: h, dw, db, g, accumulate });
      return;
    }
    const px = this.ptr(x);
    const pdy = this.ptr(dy);
    const pa = this.ptr(argmax);
    const pm = mask === null ? 0 : this.ptr(mask);
    const pdw = accumulate ? this.ptr(dw, true) : this.out(dw);
    const pdb = db === null ? 0 : accumulate ? this.ptr(db, true) : this.out(db);
    const base = this.scratch(sizes.poolWeightsScratchBytes(geom));
    this.geomInts()[STATUS_WORD] = 0;
    const parallel = g.outChannels > 1 && this.convFlops(g) >= 4 * PARALLEL_FLOPS;
    this.runChunks('conv2dPoolWeights', g.outChannels, 1, this.chunks(g.outChannels, 1, parallel, 1), {
      x: px,
      dy: pdy,
      arg: pa,
      mask: pm,
      dw: pdw,
      db: pdb,
      geom,
      batch: g.batch,
      pooled: pool.outHeight * pool.outWidth,
      accumulate: accumulate ? 1 : 0,
      scratchBase: base,
      scratchStride: this.scratchStride,
      status: geom + 4 * STATUS_WORD,
    });
    this.unstage();
    if (this.geomInts()[STATUS_WORD] !== 0) {
      checkArgmaxInside(argmax, pool);
      throw new RangeError('conv2dMaxPool2dBackwardWeights: an argmax lies outside its plane');
    }
  }

  private poolWeightsSizes(): {
    poolWeightsFits(geom: number): number;
    poolWeightsScratchBytes(geom: number): number;
  } {
    return this.runtime.direct as unknown as {
      poolWeightsFits(geom: number): number;
      poolWeightsScratchBytes(geom: number): number;
    };
  }

  /** The convolution-output gradient of {@link conv2dMaxPool2dBackwardWeights}'s general path (kept). */
  private poolGradBuffer(shape: number[]): Tensor {
    const t = this.poolGrad;
    if (t !== undefined && t.shape.length === 4 && t.shape.every((d, i) => d === shape[i])) return t;
    if (t !== undefined) (t.storage as WasmStorage).release();
    return (this.poolGrad = new Tensor(shape, this.allocate(shape.reduce((p, d) => p * d, 1))));
  }
  private poolGrad: Tensor | undefined;

  private convIndexedSizes(): { convPoolIndexedScratchBytes(geom: number): number } {
    return this.runtime.direct as unknown as { convPoolIndexedScratchBytes(geom: number): number };
  }

  private convPoolSizes(): { convPoolScratchBytes(geom: number): number } {
    return this.runtime.direct as unknown as { convPoolScratchBytes(geom: number): number };
  }

  /** The buffer of {@link conv2dMaxPool2d}'s unfused path (kept and grown). */
  private convPoolBuffer(bytes: number): number {
    if (bytes > this.convPoolBlock.size) {
      const heap = this.runtime.heap;
      if (this.convPoolBlock.size > 0) heap.release(this.convPoolBlock.ptr, this.convPoolBlock.size);
      this.convPoolBlock = heap.alloc(bytes);
    }
    return this.convPoolBlock.ptr;
  }
  private convPoolBlock = { ptr: 0, size: 0 };
}

/** Bytes of convolution output {@link WasmBackend.conv2dMaxPool2d} computes at a time when not fused. */
const CONV_POOL_BLOCK = 16 << 20;

let registered = false;

/**
 * Registers the wasm implementations of the kernels this backend accelerates (once per process; the
 * factory calls it). An implementation that declines a case (returns false) runs the reference.
 */
export function registerWasmKernels(): void {
  if (registered) return;
  registered = true;
  const on = <A, R>(kernel: k.Kernel<A, R>, impl: (args: A, be: WasmBackend) => R): void =>
    registerKernel<A, R, WasmBackend>('wasm', kernel, impl);
  const orRef =
    <A>(kernel: k.Kernel<A, void>, impl: (args: A, be: WasmBackend) => boolean) =>
    (args: A, be: WasmBackend): void => {
      if (!impl(args, be)) kernel.reference(args);
    };
  on(
    k.copy,
    orRef(k.copy, (a, be) => be.copy(a)),
  );
  on(k.fill, (a, be) => be.fill(a));
  on(k.gemm, (a, be) => be.gemm(a));
  on(k.im2col, (a, be) => be.im2col(a));
  on(k.col2im, (a, be) => be.col2im(a));
  on(k.conv2d, (a, be) => be.conv2d(a));
  on(k.conv2dBackwardData, (a, be) => be.conv2dBackwardData(a));
  on(k.conv2dBackwardWeights, (a, be) => be.conv2dBackwardWeights(a));
  on(k.maxPool2d, (a, be) => be.maxPool2d(a));
  on(k.maxPool2dBackward, (a, be) => be.maxPool2dBackward(a));
  on(
    k.unary,
    orRef(k.unary, (a, be) => be.unary(a)),
  );
  on(k.activation, (a, be) => be.activation(a));
  on(k.activationBackward, (a, be) => be.activationBackward(a));
  on(k.axpby, (a, be) => be.axpby(a));
  on(k.addcmul, (a, be) => be.addcmul(a));
  on(k.addcdiv, (a, be) => be.addcdiv(a));
  on(k.channelScaleShift, (a, be) => be.channelScaleShift(a));
  on(
    k.channelSum,
    orRef(k.channelSum, (a, be) => be.channelSum(a)),
  );
  on(
    k.channelDot,
    orRef(k.channelDot, (a, be) => be.channelDot(a)),
  );
  on(k.channelCombine, (a, be) => be.channelCombine(a));
  on(k.bernoulliMask, (a, be) => be.bernoulliMask(a));
  on(k.dropout, (a, be) => be.dropout(a));
  on(
    k.binary,
    orRef(k.binary, (a, be) => be.binary(a)),
  );
  on(
    k.argmax,
    orRef(k.argmax, (a, be) => be.argmax(a)),
  );
  on(k.sumSquares, (a, be) => be.sumSquares(a));
  on(k.softmax, (a, be) => be.softmax(a));
  on(k.logSoftmax, (a, be) => be.logSoftmax(a));
  on(k.softmaxCrossEntropy, (a, be) => be.softmaxCrossEntropy(a));
  on(k.countCorrect, (a, be) => {
    const c = be.countCorrect(a);
    return c < 0 ? k.countCorrect.reference(a) : c;
  });
  on(k.indexOutside, (a, be) => be.indexOutside(a));
  on(k.sgdUpdate, (a, be) => be.sgdUpdate(a));
  on(k.conv2dMaxPool2d, (a, be) => be.conv2dMaxPool2d(a));
  on(k.conv2dMaxPool2dBackwardWeights, (a, be) => be.conv2dMaxPool2dBackwardWeights(a));
}
