// The CLI's compiled preprocessing kernels and forward pass (assembly/, built into
// src/generated/preprocess-wasm.ts): one small WebAssembly module, instantiated on first use. V8 compiles it to machine code at once
// (Liftoff), where the datasets library's JavaScript would run cold in the interpreter on a one-shot
// start. Each kernel gives the same bits as the JavaScript it stands in for (test/wasm.test.ts); the
// JavaScript runs when WebAssembly cannot be used.
import { PREPROCESS_WASM } from './generated/preprocess-wasm.js';

/** The slice of the WebAssembly API used here (the CLI compiles without DOM typings). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}

/** The module's exports (pointers are byte offsets into `memory`). */
export interface PreprocessKernels {
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
  borderClosing(
    src: number,
    dst: number,
    w: number,
    h: number,
    r: number,
    padded: number,
    a: number,
    v: number,
    pre: number,
    suf: number,
  ): void;
  labelComponents(
    mask: number,
    ink: number,
    labels: number,
    stack: number,
    stats: number,
    w: number,
    h: number,
  ): number;
  histogramRank(
    data: number,
    n: number,
    lo: number,
    scale: number,
    bins: number,
    want: number,
    hist: number,
  ): number;
  unfilterRows(raw: number, at: number, rows: number, rowBytes: number, bpp: number): number;
  /** CRC-32 of `n` bytes at `p` (a signed i32: `>>> 0` makes it the library's); `table` is scratch for 256 u32. */
  crc32(p: number, n: number, table: number): number;
  rowsOf8Bits(
    raw: number,
    row: number,
    stride: number,
    rows: number,
    cols: number,
    channels: number,
    first: number,
    rowStep: number,
    dx: number,
    keyed: number,
    key0: number,
    key1: number,
    key2: number,
    lum: number,
    alpha: number,
    /** Scratch for 256 f32: plain gray rows go through a table of the levels' luminance. */
    table: number,
  ): void;
  shrinkRows(
    raw: number,
    stride: number,
    channels: number,
    width: number,
    height: number,
    outWidth: number,
    outHeight: number,
    dst: number,
    scratch: number,
    paper: number,
  ): void;
  /** -1 when no pixel of the rows is transparent, else the paper decodeImage composites them onto. */
  rowsPaper(
    raw: number,
    stride: number,
    channels: number,
    width: number,
    height: number,
    table: number,
  ): number;
  shrinkRowsScratch(width: number, height: number, outWidth: number, outHeight: number): number;
  steepestProjection(
    ink: number,
    w: number,
    h: number,
    on: number,
    slopes: number,
    count: number,
    pad: number,
    coverage: number,
    coords: number,
    counts: number,
    score: number,
  ): number;
  STATS_BYTES: { value: number };
  inflateZlib(src: number, srcLen: number, dst: number, cap: number, work: number): number;
  INFLATE_WORK_BYTES: { value: number };
  firstNonFinite(p: number, n: number): number;
  conv2d(
    x: number,
    wt: number,
    bias: number,
    y: number,
    c: number,
    h: number,
    w: number,
    f: number,
    kh: number,
    kw: number,
    sh: number,
    sw: number,
    ph: number,
    pw: number,
    oh: number,
    ow: number,
    scratch: number,
  ): void;
  conv3x3(
    x: number,
    wt: number,
    bias: number,
    y: number,
    c: number,
    h: number,
    w: number,
    f: number,
    ph: number,
    pw: number,
    scratch: number,
  ): void;
  batchNorm(
    x: number,
    gamma: number,
    beta: number,
    mean: number,
    variance: number,
    eps: number,
    c: number,
    plane: number,
  ): void;
  batchNormReluPool(
    x: number,
    y: number,
    gamma: number,
    beta: number,
    mean: number,
    variance: number,
    eps: number,
    c: number,
    h: number,
    w: number,
    pool: number,
  ): void;
  relu(x: number, n: number): void;
  maxPool2d(
    x: number,
    y: number,
    c: number,
    h: number,
    w: number,
    kh: number,
    kw: number,
    sh: number,
    sw: number,
    ph: number,
    pw: number,
    oh: number,
    ow: number,
  ): void;
  /** 1 when every output is finite, else 0. */
  dense(x: number, wt: number, bias: number, y: number, n: number, units: number): number;
  paperOf(
    at: number,
    w: number,
    h: number,
    r: number,
    a: number,
    v: number,
    pre: number,
    suf: number,
    hist: number,
  ): number;
  inkOver(paper: number, light: number, n: number, floor: number, hist: number): void;
  removeShadowInk(
    mask: number,
    ink: number,
    w: number,
    h: number,
    level: number,
    rho: number,
    fa: number,
    fb: number,
    wide: number,
    labels: number,
    stack: number,
    stats: number,
    weak: number,
    v: number,
    pre: number,
    suf: number,
  ): number;
  complement(lum: number, out: number, n: number): void;
  extremes(data: number, n: number, out: number): void;
  strokeLevel(ink: number, n: number, hist: number): number;
  strokeWidth(img: number, w: number, h: number): number;
  frameInk(small: number, bw: number, bh: number, frame: number, input: number, pixels: number): void;
  thresholdInk(ink: number, out: number, n: number, on: number): void;
  labelKinds(labels: number, kind: number, kinds: number, out: number, n: number): void;
  cropInk(
    ink: number,
    mask: number,
    out: number,
    w: number,
    bx: number,
    by: number,
    bw: number,
    bh: number,
    scale: number,
    offset: number,
  ): void;
  decodeDcScan(
    bytes: number,
    length: number,
    comps: number,
    ncomp: number,
    blocksX: number,
    blocksY: number,
    restartInterval: number,
    grid: number,
    gridW: number,
    gridLen: number,
    q: number,
    preds: number,
  ): number;
  decodeJpegScan(
    bytes: number,
    length: number,
    at: number,
    comps: number,
    ncomp: number,
    mcusX: number,
    mcusY: number,
    restartInterval: number,
    zigzag: number,
    zz: number,
  ): number;
  jpegLuminance(
    comps: number,
    ncomp: number,
    width: number,
    height: number,
    maxH: number,
    maxV: number,
    lum: number,
  ): void;
}

/** Largest memory the kernels are given; bigger work runs in JavaScript. */
const MAX_BYTES = 2 ** 30;

/** The compiled module, null when WebAssembly is unavailable, undefined before the first call. */
let compiled: object | null | undefined;

/** The instance of the module, or null when WebAssembly is unavailable. */
function instantiate(): PreprocessKernels | null {
  try {
    const wa = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
    if (wa === undefined) return null;
    // Node's native base64 decoder: a per-character callback costs milliseconds when run cold.
    if (compiled === undefined) compiled = new wa.Module(Buffer.from(PREPROCESS_WASM, 'base64'));
    return compiled === null ? null : (new wa.Instance(compiled).exports as PreprocessKernels);
  } catch {
    compiled = null;
    return null;
  }
}

/** `k` with at least `bytes` of memory, or null when it cannot have them. */
function withRoom(k: PreprocessKernels | null, bytes: number): PreprocessKernels | null {
  if (k === null || !(bytes <= MAX_BYTES)) return null;
  const need = Math.ceil((bytes - k.memory.buffer.byteLength) / 65536);
  if (need > 0) {
    try {
      k.memory.grow(need);
    } catch {
      return null;
    }
  }
  return k;
}

/** The preprocessing instance, null when WebAssembly is unavailable, undefined before the first call. */
let kernels: PreprocessKernels | null | undefined;

/** Whether the preprocessing memory must keep its size: views of it are in use (src/wasm-png-rows.ts). */
let pinned = false;

/**
 * The kernels with at least `bytes` of memory (its contents are scratch: each call lays out its own
 * arrays from offset 0, or past the planes of a picture being decoded there; the forward pass and
 * the model file's checks too, src/forward.ts, src/model-file.ts: one instance, one memory, whose
 * pages the image's preprocessing has touched already), or null when they cannot be used (no
 * WebAssembly, too much memory, or more than the memory holds while it is pinned).
 */
export function preprocessKernels(bytes: number): PreprocessKernels | null {
  if (kernels === undefined) kernels = instantiate();
  if (pinned && kernels !== null && !(bytes <= kernels.memory.buffer.byteLength)) return null;
  return withRoom(kernels, bytes);
}

/**
 * Pins the preprocessing memory at its size (growing it detaches every view of it), or unpins it:
 * while pinned, a kernel needing more falls back to the library's JavaScript.
 */
export function pinPreprocessMemory(on: boolean): void {
  pinned = on;
}
