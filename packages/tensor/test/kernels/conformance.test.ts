/**
 * Kernel conformance: every kernel, on every backend, against its reference implementation. Each case
 * builds its arguments twice from the same seeds (once in reference storage, once in the backend's
 * own), runs the reference on the first and the backend's registered implementation (or the reference
 * it falls back to) on the second, and compares every output and the returned value.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { ActivationOp, Backend, BinaryOp, ReduceOp, UnaryOp } from '../../src/backend.js';
import { JsBackend } from '../../src/backends/js/index.js';
import type { WasmBackend } from '../../src/backends/wasm/backend.js';
import { createWasmBackend, supportedWasmVariants } from '../../src/backends/wasm/index.js';
import * as k from '../../src/kernels/index.js';
import { type Kernel, listKernels, runKernel } from '../../src/kernels/kernel.js';
import { Random } from '../../src/random.js';
import { type Shape, conv2dGeometry, pool2dGeometry, sizeOf } from '../../src/shape.js';
import { type AnyTensor, IntTensor, Tensor } from '../../src/tensor.js';

/** Makes seeded tensors in one backend's storage. */
class Maker {
  constructor(readonly backend: Backend) {}
  /** Normal draws (seeded by `seed`), optionally made positive. */
  t(shape: Shape, seed: number, options: { positive?: boolean; scale?: number } = {}): Tensor {
    const t = new Tensor(shape, this.backend.allocate(sizeOf(shape)));
    new Random(seed).fillNormal(t.data, 0, options.scale ?? 1);
    if (options.positive) for (let i = 0; i < t.size; i++) t.data[i] = Math.abs(t.data[i]) + 0.1;
    return t;
  }
  /** Uniform integers in [0, high). */
  ints(shape: Shape, seed: number, high: number): IntTensor {
    const t = new IntTensor(shape, this.backend.allocate(sizeOf(shape)));
    const r = new Random(seed);
    for (let i = 0; i < t.size; i++) t.data[i] = Math.floor(r.uniform() * high);
    return t;
  }
}

interface Built {
  args: unknown;
  /** The tensors the kernel writes (compared after the run). */
  outputs: AnyTensor[];
}

interface Case {
  kernel: Kernel<unknown, unknown>;
  name: string;
  build(m: Maker): Built;
}

const cases: Case[] = [];
function add<A>(
  kernel: Kernel<A, unknown>,
  name: string,
  build: (m: Maker) => { args: A; outputs: AnyTensor[] },
) {
  cases.push({ kernel: kernel as Kernel<unknown, unknown>, name, build });
}

const N = 40003; // past the parallel threshold, and not a multiple of the SIMD width

add(k.fill, 'large', (m) => {
  const x = m.t([N], 1);
  return { args: { x, value: 3.25 }, outputs: [x] };
});
add(k.copy, 'float', (m) => {
  const src = m.t([N], 1);
  const dst = m.t([N], 2);
  return { args: { src, dst }, outputs: [dst] };
});
for (const [mm, n, kk] of [
  [3, 5, 7],
  [17, 33, 9],
  [64, 128, 300],
  [13, 40, 2100],
  [203, 21, 150], // m > n: rows split across threads, B packed once and shared
  [4, 16, 0],
] as const) {
  for (const [transA, transB] of [
    [false, false],
    [false, true],
    [true, false],
    [true, true],
  ] as const) {
    add(k.gemm, `${mm}×${n}×${kk} transA=${transA} transB=${transB}`, (m) => {
      const a = m.t(transA ? [kk, mm] : [mm, kk], 1);
      const b = m.t(transB ? [n, kk] : [kk, n], 2);
      const c = m.t([mm, n], 3);
      return { args: { transA, transB, m: mm, n, k: kk, alpha: 0.5, a, b, beta: 0.25, c }, outputs: [c] };
    });
  }
}
const convCases: [string, Shape, Shape, number, number][] = [
  ['3×3 pad 1', [4, 3, 9, 8], [5, 3, 3, 3], 1, 1],
  ['3×2 stride 2', [2, 2, 7, 6], [3, 2, 3, 2], 2, 0],
  ['1×1 pointwise', [3, 4, 5, 5], [2, 4, 1, 1], 1, 0],
  ['mnist-sized', [8, 1, 28, 28], [32, 1, 3, 3], 1, 1],
  // few output channels (the weight gradient then runs as dW = dy · colsᵀ)
  ['5×5 pad 2, 6 filters', [3, 1, 12, 11], [6, 1, 5, 5], 1, 2],
  // one input channel, stride 1, rows of whole SIMD vectors: the direct weight gradient (odd O,
  // filters wider than one 5-tap group)
  ['5×5 pad 2, 1 → 7 channels', [3, 1, 12, 12], [7, 1, 5, 5], 1, 2],
  ['7×7, 1 → 3 channels', [2, 1, 9, 10], [3, 1, 7, 7], 1, 0],
  // one input channel, stride 1, ≤ 8 filters: the direct forward (output rows 6 and 5 wide: partial
  // vectors, blocks of 16 pixels spanning rows of the padded plane)
  ['LeNet-5 first layer', [5, 1, 28, 28], [6, 1, 5, 5], 1, 2],
  ['3×3 pad 1, 1 → 5 channels, 6 wide', [2, 1, 5, 6], [5, 1, 3, 3], 1, 1],
  ['3×3 pad 1, 1 → 3 channels, 5 wide', [3, 1, 6, 5], [3, 1, 3, 3], 1, 1],
  // stride 1, ≥ 2 input channels, 5×5, output rows 9 to 12 wide: the direct row forward (odd O,
  // padding, partial last vector)
  ['LeNet-5 second layer', [4, 6, 14, 14], [16, 6, 5, 5], 1, 0],
  ['5×5 pad 1, 3 → 5 channels, 11 wide', [2, 3, 9, 13], [5, 3, 5, 5], 1, 1],
  ['5×5, 2 → 3 channels, 12 wide', [2, 2, 13, 16], [3, 2, 5, 5], 1, 0],
  ['5×5, 4 → 2 channels, 9 wide', [1, 4, 9, 13], [2, 4, 5, 5], 1, 0],
  // stride 1, ≥ 2 input channels, 9 to 32 filters: the weight gradient as an outer product over
  // pixels (O not a multiple of 4, an odd number of taps, pixels not a multiple of 4, two channel tiles)
  ['5×5 pad 1, 3 → 10 channels', [3, 3, 9, 7], [10, 3, 5, 5], 1, 1],
  ['3×3 pad 2, 2 → 20 channels', [2, 2, 6, 5], [20, 2, 3, 3], 1, 2],
  ['3×3, 5 → 13 channels, 1 output row', [3, 5, 3, 9], [13, 5, 3, 3], 1, 0],
  // ≤ 8 filters: two channel vectors × four taps (25 taps: a partial last tap group)
  ['5×5 pad 2, 1 → 8 channels, 7 wide', [2, 1, 6, 7], [8, 1, 5, 5], 1, 2],
  ['3×2 pad 1, 2 → 3 channels', [3, 2, 5, 6], [3, 2, 3, 2], 1, 1],
  // one input channel, > 8 filters: conv-direct.ts's weight gradient (5-tap groups, an odd filter)
  ['5×5 pad 2, 1 → 10 channels', [2, 1, 8, 12], [10, 1, 5, 5], 1, 2],
  ['7×7, 1 → 9 channels', [2, 1, 9, 10], [9, 1, 7, 7], 1, 0],
  // 3-wide or narrower: three channels at a time, the last one or two as a pair (2-wide: partial taps)
  ['3×2 pad 1, 1 → 10 channels', [2, 1, 7, 9], [10, 1, 3, 2], 1, 1],
  // 3×3 pad 1 over ≤ 3 channels, whole vectors per output plane: the weight gradient as flat dot
  // products over masked planes (32 filters: a last triple of two; 2 channels, 4 filters: a single)
  ['3×3 pad 1, 1 → 32 channels, 28×28', [3, 1, 28, 28], [32, 1, 3, 3], 1, 1],
  ['3×3 pad 1, 2 → 4 channels, 8 wide', [2, 2, 6, 8], [4, 2, 3, 3], 1, 1],
  // stride 1, 8 to 32 filters over ≤ 8 channels, 5×5 or larger, rows ≤ 16: the direct backward data
  // (O not a multiple of 4, an odd C, partial pixel quads, padding, a 6-wide filter)
  ['5×5 pad 2, 3 → 9 channels, 7 wide', [2, 3, 7, 7], [9, 3, 5, 5], 1, 2],
  ['5×6 pad 3, 2 → 8 channels', [2, 2, 6, 9], [8, 2, 5, 6], 1, 3],
  ['5×5 pad 4, 1 → 12 channels, 16 wide', [2, 1, 5, 16], [12, 1, 5, 5], 1, 4],
  // C·kH·kW + bias = 577 depths: more than one GEMM depth block
  ['3×3 pad 1, 64 channels', [2, 64, 6, 5], [7, 64, 3, 3], 1, 1],
  // 3×3 stride 1 with ≥ 16 channels each side: Winograd F(2×2, 3×3), odd sizes (edge tiles)
  ['3×3 pad 1, 32 → 16 channels', [3, 32, 9, 7], [16, 32, 3, 3], 1, 1],
  ['3×3 pad 0, 16 → 20 channels', [2, 16, 8, 11], [20, 16, 3, 3], 1, 0],
  ['3×3 pad 2, 17 → 16 channels', [2, 17, 5, 6], [16, 17, 3, 3], 1, 2],
  ['3×3 pad 1, 32 → 64 channels, 14×14', [6, 32, 14, 14], [64, 32, 3, 3], 1, 1],
];
for (const [name, xs, ws, stride, pad] of convCases) {
  const g = conv2dGeometry(xs, ws, stride, pad);
  const ys = [g.batch, g.outChannels, g.outHeight, g.outWidth];
  const cs = [g.batch, g.inChannels * g.kernelH * g.kernelW, g.outHeight * g.outWidth];
  add(k.conv2d, name, (m) => {
    const y = m.t(ys, 4);
    return { args: { x: m.t(xs, 1), w: m.t(ws, 2), bias: m.t([g.outChannels], 3), y, g }, outputs: [y] };
  });
  add(k.conv2d, `${name}, no bias`, (m) => {
    const y = m.t(ys, 4);
    return { args: { x: m.t(xs, 1), w: m.t(ws, 2), bias: null, y, g }, outputs: [y] };
  });
  add(k.conv2dBackwardData, name, (m) => {
    const dx = m.t(xs, 5);
    return { args: { dy: m.t(ys, 4), w: m.t(ws, 2), dx, g }, outputs: [dx] };
  });
  add(k.conv2dBackwardWeights, `${name} (accumulates)`, (m) => {
    const dw = m.t(ws, 6);
    const db = m.t([g.outChannels], 7);
    return { args: { x: m.t(xs, 1), dy: m.t(ys, 4), dw, db, g }, outputs: [dw, db] };
  });
  add(k.conv2dBackwardWeights, `${name} (overwrites)`, (m) => {
    const dw = m.t(ws, 6);
    const db = m.t([g.outChannels], 7);
    return { args: { x: m.t(xs, 1), dy: m.t(ys, 4), dw, db, g, accumulate: false }, outputs: [dw, db] };
  });
  add(k.im2col, name, (m) => {
    const cols = m.t(cs, 8);
    return { args: { x: m.t(xs, 1), cols, g }, outputs: [cols] };
  });
  add(k.col2im, name, (m) => {
    const dx = m.t(xs, 9);
    return { args: { cols: m.t(cs, 8), dx, g }, outputs: [dx] };
  });
}
const poolCases: [string, Shape, number, number, number][] = [
  ['2×2', [4, 3, 8, 6], 2, 2, 0],
  ['3×3 stride 2 pad 1', [2, 3, 7, 7], 3, 2, 1],
  ['mnist-sized', [8, 32, 28, 28], 2, 2, 0],
  // 2×2 stride 2 with 7 and 5 outputs a row (the last SIMD step overlaps), an odd width and
  // height (a row and a column in no window), and fewer than 4 outputs a row
  ['2×2, 14×14', [3, 5, 14, 14], 2, 2, 0],
  ['2×2, 10×10', [3, 4, 10, 10], 2, 2, 0],
  ['2×2, 11×9', [2, 3, 11, 9], 2, 2, 0],
  ['2×2, 7×7', [2, 3, 7, 7], 2, 2, 0],
];
/**
 * Rewrites x with few distinct values (ties), ±0 and ±∞, and NaN in some planes only: max pooling
 * must pick the same first maximum, and the first NaN, as the reference.
 */
function poolSpecials(x: Tensor, seed: number, plane: number): Tensor {
  const r = new Random(seed);
  const levels = [0, -0, 1, 1, 2, -1, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  for (let i = 0; i < x.size; i++) {
    const u = r.uniform();
    const withNaN = Math.floor(i / plane) % 3 === 1;
    x.data[i] = withNaN && u < 0.03 ? Number.NaN : levels[Math.floor(u * levels.length)];
  }
  return x;
}
for (const [name, xs, size, stride, pad] of poolCases) {
  const g = pool2dGeometry(xs, size, stride, pad);
  const ys = [g.batch, g.channels, g.outHeight, g.outWidth];
  add(k.maxPool2d, name, (m) => {
    const y = m.t(ys, 2);
    const argmax = m.ints(ys, 3, 1);
    return { args: { x: m.t(xs, 1), y, argmax, g }, outputs: [y, argmax] };
  });
  add(k.maxPool2dBackward, name, (m) => {
    const x = m.t(xs, 1);
    const argmax = m.ints(ys, 3, 1);
    k.maxPool2d.reference({ x, y: m.t(ys, 2), argmax, g }); // valid indices
    const dx = m.t(xs, 4);
    return { args: { dy: m.t(ys, 5), argmax, dx, g }, outputs: [dx] };
  });
  const plane = g.inHeight * g.inWidth;
  add(k.maxPool2d, `${name}, ties, ±0, ±∞ and NaN`, (m) => {
    const y = m.t(ys, 2);
    const argmax = m.ints(ys, 3, 1);
    return { args: { x: poolSpecials(m.t(xs, 1), 6, plane), y, argmax, g }, outputs: [y, argmax] };
  });
  add(k.maxPool2dBackward, `${name}, one argmax a plane outside its window, in the last column`, (m) => {
    const x = m.t(xs, 1);
    const argmax = m.ints(ys, 3, 1);
    k.maxPool2d.reference({ x, y: m.t(ys, 2), argmax, g });
    const outPlane = g.outHeight * g.outWidth;
    // the first row's last window gets index 0 (the plane's first input), once per plane
    for (let o = g.outWidth - 1; o < argmax.size; o += outPlane) argmax.data[o] = 0;
    const dx = m.t(xs, 4);
    return { args: { dy: m.t(ys, 5), argmax, dx, g }, outputs: [dx] };
  });
  add(k.maxPool2d, `${name}, relu; ties, ±0, ±∞ and NaN`, (m) => {
    const y = m.t(ys, 2);
    const argmax = m.ints(ys, 3, 1);
    const x = poolSpecials(m.t(xs, 1), 6, plane);
    return { args: { x, y, argmax, g, relu: true }, outputs: [y, argmax] };
  });
  add(k.maxPool2dBackward, `${name}, masked by a relu'd output`, (m) => {
    const x = poolSpecials(m.t(xs, 1), 6, plane);
    const argmax = m.ints(ys, 3, 1);
    const mask = m.t(ys, 2);
    k.maxPool2d.reference({ x, y: mask, argmax, g, relu: true });
    const dx = m.t(xs, 4);
    return { args: { dy: m.t(ys, 5), argmax, dx, g, mask }, outputs: [dx] };
  });
  add(k.maxPool2dBackward, `${name}, masked, hand-made argmax anywhere in the plane`, (m) => {
    const dx = m.t(xs, 4);
    const args = { dy: m.t(ys, 5), argmax: m.ints(ys, 7, plane), dx, g, mask: m.t(ys, 8) };
    return { args, outputs: [dx] };
  });
  add(k.maxPool2dBackward, `${name}, hand-made argmax anywhere in the plane`, (m) => {
    const dx = m.t(xs, 4);
    return { args: { dy: m.t(ys, 5), argmax: m.ints(ys, 7, plane), dx, g }, outputs: [dx] };
  });
  for (const countIncludePad of [true, false]) {
    add(k.avgPool2d, `${name} countIncludePad=${countIncludePad}`, (m) => {
      const y = m.t(ys, 2);
      return { args: { x: m.t(xs, 1), y, g, countIncludePad }, outputs: [y] };
    });
    add(k.avgPool2dBackward, `${name} countIncludePad=${countIncludePad}`, (m) => {
      const dx = m.t(xs, 4);
      return { args: { dy: m.t(ys, 5), dx, g, countIncludePad }, outputs: [dx] };
    });
  }
}
for (const op of ['add', 'sub', 'mul', 'div', 'maximum', 'minimum'] as BinaryOp[]) {
  add(k.binary, `${op}, broadcast [4, 1, 5] ∘ [3, 1]`, (m) => {
    const out = m.t([4, 3, 5], 3);
    return { args: { op, a: m.t([4, 1, 5], 1), b: m.t([3, 1], 2, { positive: true }), out }, outputs: [out] };
  });
  add(k.binary, `${op}, same shape, in place`, (m) => {
    const a = m.t([N], 1);
    return { args: { op, a, b: m.t([N], 2, { positive: true }), out: a }, outputs: [a] };
  });
  add(k.binary, `${op}, same shape, into b`, (m) => {
    const b = m.t([N], 2, { positive: true });
    return { args: { op, a: m.t([N], 1), b, out: b }, outputs: [b] };
  });
  add(k.binary, `${op}, [N] ∘ scalar [1]`, (m) => {
    const out = m.t([N], 3);
    return { args: { op, a: m.t([N], 1), b: m.t([1], 2, { positive: true }), out }, outputs: [out] };
  });
  add(k.binary, `${op}, scalar [] ∘ [N]`, (m) => {
    const out = m.t([N], 3);
    return { args: { op, a: m.t([], 1), b: m.t([N], 2, { positive: true }), out }, outputs: [out] };
  });
}
add(k.binary, 'maximum and NaN on either side', (m) => {
  const a = m.t([11], 1);
  const b = m.t([11], 2);
  a.data[1] = Number.NaN;
  b.data[2] = Number.NaN;
  a.data[9] = Number.NaN;
  b.data[10] = Number.NaN;
  const out = m.t([11], 3);
  return { args: { op: 'maximum' as BinaryOp, a, b, out }, outputs: [out] };
});
for (const op of ['neg', 'abs', 'exp', 'log', 'sqrt', 'square', 'relu', 'sigmoid', 'tanh'] as UnaryOp[]) {
  add(k.unary, op, (m) => {
    const out = m.t([N], 2);
    return { args: { op, x: m.t([N], 1, { positive: op === 'log' || op === 'sqrt' }), out }, outputs: [out] };
  });
}
for (const op of ['relu', 'leakyRelu', 'sigmoid', 'tanh'] as ActivationOp[]) {
  add(k.activation, op, (m) => {
    const y = m.t([N], 2);
    return { args: { op, x: m.t([N], 1, { scale: 4 }), y, alpha: 0.1 }, outputs: [y] };
  });
  add(k.activation, `${op} in place`, (m) => {
    const x = m.t([N], 1, { scale: 4 });
    return { args: { op, x, y: x, alpha: 0.1 }, outputs: [x] };
  });
  add(k.activationBackward, op, (m) => {
    const x = m.t([N], 1, { scale: 4 });
    const y = m.t([N], 2);
    k.activation.reference({ op, x, y, alpha: 0.1 });
    const dx = m.t([N], 4);
    return { args: { op, x, y, dy: m.t([N], 3), dx, alpha: 0.1 }, outputs: [dx] };
  });
}
for (const [momentum, dampening, weightDecay, nesterov, first] of [
  [0.9, 0, 0, false, false],
  [0.9, 0, 0, false, true],
  [0.9, 0.3, 1e-3, false, false],
  [0.9, 0, 5e-4, true, false],
  [0.9, 0, 5e-4, true, true],
  [0, 0, 0, false, false],
  [0, 0, 1e-2, false, false],
] as const) {
  add(
    k.sgdUpdate,
    `μ=${momentum} τ=${dampening} λ=${weightDecay}${nesterov ? ' Nesterov' : ''}${first ? ', first step' : ''}`,
    (m) => {
      const param = m.t([N], 1);
      const buffer = momentum === 0 ? null : m.t([N], 3);
      const args = {
        param,
        grad: m.t([N], 2),
        buffer,
        lr: 0.05,
        momentum,
        dampening,
        weightDecay,
        nesterov,
        first,
      };
      return { args, outputs: buffer === null ? [param] : [param, buffer] };
    },
  );
}
for (const beta of [0, 0.9]) {
  add(k.axpby, `β=${beta} into y`, (m) => {
    const y = m.t([N], 2);
    return { args: { alpha: -0.5, x: m.t([N], 1), beta, y, out: y }, outputs: [y] };
  });
  add(k.axpby, `β=${beta} into x`, (m) => {
    const x = m.t([N], 1);
    return { args: { alpha: -0.5, x, beta, y: m.t([N], 2), out: x }, outputs: [x] };
  });
  add(k.addcmul, `β=${beta} into y`, (m) => {
    const y = m.t([N], 3);
    return { args: { y, a: m.t([N], 1), b: m.t([N], 2), value: 0.1, beta, out: y }, outputs: [y] };
  });
  add(k.addcmul, `β=${beta}, a·a into a fresh out`, (m) => {
    const a = m.t([N], 1);
    const out = m.t([N], 4);
    return { args: { y: m.t([N], 3), a, b: a, value: 0.1, beta, out }, outputs: [out] };
  });
  for (const sqrt of [true, false]) {
    add(k.addcdiv, `β=${beta} sqrt=${sqrt} into y`, (m) => {
      const y = m.t([N], 3);
      const args = {
        y,
        a: m.t([N], 1),
        b: m.t([N], 2, { positive: true }),
        value: -0.01,
        beta,
        sqrt,
        scale: 2,
        eps: 1e-3,
        out: y,
      };
      return { args, outputs: [y] };
    });
  }
}
for (const [name, shape] of [
  ['dense [N, C]', [64, 10]],
  ['conv [N, C, H, W]', [8, 32, 14, 14]],
  ['odd [N, C, L]', [5, 6, 7]],
  ['large [N, C, H, W]', [64, 8, 9, 9]],
] as const) {
  add(k.channelScaleShift, `${name}: bias in place`, (m) => {
    const y = m.t(shape, 1);
    return { args: { x: y, scale: null, shift: m.t([shape[1]], 2), y, accumulate: false }, outputs: [y] };
  });
  add(k.channelScaleShift, `${name}: scale and shift`, (m) => {
    const y = m.t(shape, 3);
    return {
      args: { x: m.t(shape, 1), scale: m.t([shape[1]], 4), shift: m.t([shape[1]], 2), y, accumulate: false },
      outputs: [y],
    };
  });
  add(k.channelScaleShift, `${name}: accumulate`, (m) => {
    const y = m.t(shape, 3);
    return {
      args: { x: m.t(shape, 1), scale: m.t([shape[1]], 4), shift: null, y, accumulate: true },
      outputs: [y],
    };
  });
  add(k.channelScaleShift, `${name}: shift only, accumulate`, (m) => {
    const y = m.t(shape, 3);
    return {
      args: { x: m.t(shape, 1), scale: null, shift: m.t([shape[1]], 2), y, accumulate: true },
      outputs: [y],
    };
  });
  add(k.channelScaleShift, `${name}: scale and shift in place`, (m) => {
    const y = m.t(shape, 1);
    return {
      args: { x: y, scale: m.t([shape[1]], 4), shift: m.t([shape[1]], 2), y, accumulate: false },
      outputs: [y],
    };
  });
  for (const [what, centred, shifted] of [
    ['a·α + (b − μ)·β + h', true, true],
    ['a·α + b·β', false, false],
  ] as const) {
    add(k.channelCombine, `${name}: ${what}`, (m) => {
      const y = m.t(shape, 5);
      const args = {
        a: m.t(shape, 1),
        alpha: m.t([shape[1]], 2),
        b: m.t(shape, 3, { scale: 3 }),
        center: centred ? m.t([shape[1]], 4) : null,
        beta: m.t([shape[1]], 6),
        shift: shifted ? m.t([shape[1]], 7) : null,
        y,
      };
      return { args, outputs: [y] };
    });
  }
  add(k.channelCombine, `${name}: into a`, (m) => {
    const a = m.t(shape, 1);
    const args = {
      a,
      alpha: m.t([shape[1]], 2),
      b: m.t(shape, 3),
      center: m.t([shape[1]], 4),
      beta: m.t([shape[1]], 6),
      shift: m.t([shape[1]], 7),
      y: a,
    };
    return { args, outputs: [a] };
  });
  for (const accumulate of [true, false]) {
    add(k.channelDot, `${name}: squared deviations Σ (x − μ)², accumulate=${accumulate}`, (m) => {
      const x = m.t(shape, 1, { scale: 2 });
      const mean = m.t([shape[1]], 2);
      const out = m.t([shape[1]], 3, { positive: true });
      return { args: { a: x, b: x, out, accumulate, aCenter: mean, bCenter: mean }, outputs: [out] };
    });
    add(k.channelDot, `${name}: Σ dy and Σ dy·(x − μ) in one pass, accumulate=${accumulate}`, (m) => {
      const out = m.t([shape[1]], 3);
      const sum = m.t([shape[1]], 4);
      const args = {
        a: m.t(shape, 1),
        b: m.t(shape, 2, { scale: 3 }),
        out,
        accumulate,
        aCenter: null,
        bCenter: m.t([shape[1]], 5),
        sum,
      };
      return { args, outputs: [out, sum] };
    });
    add(k.channelSum, `${name} accumulate=${accumulate}`, (m) => {
      const out = m.t([shape[1]], 2);
      return { args: { x: m.t(shape, 1), out, accumulate }, outputs: [out] };
    });
    add(k.channelDot, `${name} accumulate=${accumulate}`, (m) => {
      const out = m.t([shape[1]], 3);
      return { args: { a: m.t(shape, 1), b: m.t(shape, 2), out, accumulate }, outputs: [out] };
    });
  }
}
for (const op of ['sum', 'mean', 'max', 'min'] as ReduceOp[]) {
  for (const axis of [0, 1, 2]) {
    add(k.reduce, `${op} axis ${axis}`, (m) => {
      const x = m.t([5, 6, 7], 1);
      const shape = [5, 6, 7];
      shape.splice(axis, 1);
      const out = m.t(shape, 2);
      return { args: { op, x, axis, out }, outputs: [out] };
    });
  }
}
for (const axis of [0, 1, 2]) {
  add(k.argmax, `axis ${axis}`, (m) => {
    const shape = [5, 6, 7];
    shape.splice(axis, 1);
    const out = m.ints(shape, 2, 1);
    return { args: { x: m.t([5, 6, 7], 1), axis, out }, outputs: [out] };
  });
}
add(k.sumSquares, 'large', (m) => ({ args: { x: m.t([N], 1) }, outputs: [] }));
for (const kernel of [k.softmax, k.logSoftmax]) {
  add(kernel, '[70, 10]', (m) => {
    const out = m.t([70, 10], 2);
    return { args: { x: m.t([70, 10], 1, { scale: 5 }), out }, outputs: [out] };
  });
}
add(k.softmaxCrossEntropy, 'with gradient', (m) => {
  const dlogits = m.t([64, 10], 3);
  return {
    args: { logits: m.t([64, 10], 1, { scale: 3 }), labels: m.ints([64], 2, 10), dlogits },
    outputs: [dlogits],
  };
});
add(k.softmaxCrossEntropy, 'loss only', (m) => ({
  args: { logits: m.t([64, 10], 1, { scale: 3 }), labels: m.ints([64], 2, 10), dlogits: null },
  outputs: [],
}));
add(k.countCorrect, '[64, 10]', (m) => ({
  args: { scores: m.t([64, 10], 1), labels: m.ints([64], 2, 10) },
  outputs: [],
}));
// The first bad index, wherever it falls: in a 16-wide SIMD block, the scalar tail, or nowhere.
for (const [name, at, value] of [
  ['all inside', -1, 0],
  ['negative in a block', 1000, -1],
  ['bound itself in a block', 17, 784],
  ['huge in the tail', N - 2, 0x7fffffff],
  ['first element', 0, 785],
] as const) {
  add(k.indexOutside, name, (m) => {
    const x = m.ints([N], 3, 784);
    if (at >= 0) {
      x.data[at] = value;
      x.data[at + 1] = -5; // a later bad index never wins over the first
    }
    return { args: { x, bound: 784 }, outputs: [] };
  });
}
for (const p of [0.3, 0, 1]) {
  add(k.bernoulliMask, `p = ${p}`, (m) => {
    const mask = m.t([1003], 1);
    return { args: { mask, p, scale: 1 / 0.7, rng: new Random(77) }, outputs: [mask] };
  });
}
add(k.bernoulliMask, 'large, p = 0.5', (m) => {
  const mask = m.t([N], 1);
  return { args: { mask, p: 0.5, scale: 2, rng: new Random(78) }, outputs: [mask] };
});
for (const p of [0.25, 0, 1]) {
  add(k.dropout, `p = ${p}`, (m) => {
    const mask = m.t([N], 1);
    const out = m.t([N], 2);
    return {
      args: { x: m.t([N], 3), mask, out, p, scale: 1 / 0.75, rng: new Random(79) },
      outputs: [mask, out],
    };
  });
}
add(k.dropout, 'in place', (m) => {
  const mask = m.t([64, 3, 7, 7], 1);
  const x = m.t([64, 3, 7, 7], 3);
  return { args: { x, mask, out: x, p: 0.4, scale: 1 / 0.6, rng: new Random(80) }, outputs: [mask, x] };
});
// Masks shorter than the 16 elements of one SIMD step of four lanes, with a tail after the lanes,
// and thresholds at the ends of the 32-bit range (p·2³² just under 2³², and under 1).
for (const [size, p] of [
  [13, 0.5],
  [1000, 1 - 2 ** -40],
  [1000, 2 ** -33],
  [64 * 128, 0.4],
] as const) {
  add(k.bernoulliMask, `[${size}], p = ${p}`, (m) => {
    const mask = m.t([size], 1);
    return { args: { mask, p, scale: 3, rng: new Random(81) }, outputs: [mask] };
  });
}
add(k.dropout, 'large with a tail, p = 0.4', (m) => {
  const shape = [65, 63, 7, 7];
  const mask = m.t(shape, 1);
  const out = m.t(shape, 2);
  return {
    args: { x: m.t(shape, 3), mask, out, p: 0.4, scale: 1 / 0.6, rng: new Random(82) },
    outputs: [mask, out],
  };
});
// Winograd F(2×2, 3×3) output edges: output rows 1, 2, 3, 5, 6 and 10 wide (a row of four tiles cut
// after 1 … 7 columns), and odd heights.
for (const [name, xs, ws, pad] of [
  ['Winograd, 1×1 and 3×3 outputs', [2, 16, 3, 5], [16, 16, 3, 3], 0],
  ['Winograd, 5 wide', [2, 16, 7, 7], [17, 16, 3, 3], 0],
  ['Winograd, 2 and 6 wide', [1, 18, 4, 6], [16, 18, 3, 3], 1],
  ['Winograd, 10 wide, 5 high', [3, 16, 5, 10], [16, 16, 3, 3], 1],
] as const) {
  const g = conv2dGeometry(xs, ws, 1, pad);
  const ys = [g.batch, g.outChannels, g.outHeight, g.outWidth];
  add(k.conv2d, name, (m) => {
    const y = m.t(ys, 4);
    return { args: { x: m.t(xs, 1), w: m.t(ws, 2), bias: m.t([g.outChannels], 3), y, g }, outputs: [y] };
  });
  add(k.conv2dBackwardData, name, (m) => {
    const dx = m.t(xs, 5);
    return { args: { dy: m.t(ys, 4), w: m.t(ws, 2), dx, g }, outputs: [dx] };
  });
  add(k.conv2dBackwardWeights, name, (m) => {
    const dw = m.t(ws, 6);
    const db = m.t([g.outChannels], 7);
    return { args: { x: m.t(xs, 1), dy: m.t(ys, 4), dw, db, g }, outputs: [dw, db] };
  });
  add(k.conv2dBackwardWeights, `${name} (overwrites, no bias)`, (m) => {
    const dw = m.t(ws, 6);
    return { args: { x: m.t(xs, 1), dy: m.t(ys, 4), dw, db: null, g, accumulate: false }, outputs: [dw] };
  });
}
// Per-channel reductions read sample by sample: rows longer than one f32 block (1024), and a parallel
// split of 7 channels.
for (const [name, shape] of [
  ['rows past one block', [3, 5, 1030]],
  ['7 channels split across threads', [40, 7, 130]],
] as const) {
  add(k.channelSum, name, (m) => {
    const out = m.t([shape[1]], 2);
    return { args: { x: m.t(shape, 1), out, accumulate: false }, outputs: [out] };
  });
  add(k.channelDot, `${name}: squared deviations`, (m) => {
    const x = m.t(shape, 1, { scale: 2 });
    const mean = m.t([shape[1]], 2);
    const out = m.t([shape[1]], 3);
    return { args: { a: x, b: x, out, accumulate: false, aCenter: mean, bCenter: mean }, outputs: [out] };
  });
  add(k.channelDot, `${name}: Σ dy and Σ dy·(x − μ)`, (m) => {
    const out = m.t([shape[1]], 3);
    const sum = m.t([shape[1]], 4);
    const args = {
      a: m.t(shape, 1),
      b: m.t(shape, 5),
      out,
      accumulate: true,
      aCenter: null,
      bCenter: m.t([shape[1]], 6),
      sum,
    };
    return { args, outputs: [out, sum] };
  });
}
add(k.oneHot, '[20] of 7', (m) => {
  const out = m.t([20, 7], 1);
  return { args: { labels: m.ints([20], 2, 7), out }, outputs: [out] };
});
add(k.crossEntropy, 'with gradient', (m) => {
  const probs = m.t([16, 5], 1, { positive: true });
  const grad = m.t([16, 5], 3);
  return {
    args: { probs, target: m.t([16, 5], 2, { positive: true }), grad, epsilon: 1e-7 },
    outputs: [grad],
  };
});
// GEMM paths by shape: A·Bᵀ in dot-product form (k ≥ 64: depth tails past whole groups of four and
// past a 1024-depth block, an odd row, columns past whole 4-column tiles), and B read in place for a
// shallow A·B (n past whole 8-column slivers); α = 1, β = 0 over a NaN-filled C (C must not be read).
for (const [mm, n, kk, transA, transB] of [
  [7, 10, 2063, false, true],
  [9, 30, 4099, false, true], // split by depth on two threads
  [64, 10, 128, false, true],
  [5, 3, 67, false, true],
  [20, 70, 100, false, false],
  [12, 200, 64, true, false],
] as const) {
  for (const [alpha, beta] of [
    [0.5, 0.25],
    [1, 0],
    [1, 1],
  ] as const) {
    add(k.gemm, `${mm}×${n}×${kk} transA=${transA} transB=${transB} α=${alpha} β=${beta}`, (m) => {
      const a = m.t(transA ? [kk, mm] : [mm, kk], 4);
      const b = m.t(transB ? [n, kk] : [kk, n], 5);
      const c = m.t([mm, n], 6);
      if (beta === 0) c.data.fill(Number.NaN);
      return { args: { transA, transB, m: mm, n, k: kk, alpha, a, b, beta, c }, outputs: [c] };
    });
  }
}

// Convolution, ReLU and 2×2 pooling fused for inference: stride 1 (fused: one and several input
// channels, O not a multiple of 8 or 4, odd convolution outputs leaving a row and a column out of
// every window, no bias, no ReLU) and the layers the wasm backend does not fuse (stride 2, Winograd,
// filters under 3 wide: the convolution a block at a time, then the pooling).
for (const [name, xs, ws, stride, pad, relu, bias] of [
  ['mnist-sized', [6, 1, 28, 28], [32, 1, 3, 3], 1, 1, true, true],
  ['LeNet-5 first layer', [3, 1, 28, 28], [6, 1, 5, 5], 1, 2, true, true],
  ['LeNet-5 second layer', [3, 6, 14, 14], [16, 6, 5, 5], 1, 0, true, true],
  ['3×3 pad 1, 2 → 11 channels, 7×9 outputs', [2, 2, 7, 9], [11, 2, 3, 3], 1, 1, true, true],
  ['3×2 pad 1, 2 → 5 channels, not fused', [2, 2, 7, 8], [5, 2, 3, 2], 1, 1, true, true],
  ['3×3, 3 → 3 channels, no ReLU, no bias', [3, 3, 9, 10], [3, 3, 3, 3], 1, 0, false, false],
  ['3×3 pad 1, 32 → 16 channels', [2, 32, 8, 6], [16, 32, 3, 3], 1, 1, true, true],
  ['3×3 stride 2 pad 1, 2 → 5 channels', [3, 2, 12, 11], [5, 2, 3, 3], 2, 1, true, true],
] as const) {
  const g = conv2dGeometry(xs, ws, stride, pad);
  const pool = pool2dGeometry([g.batch, g.outChannels, g.outHeight, g.outWidth], 2, 2, 0);
  const ys = [g.batch, g.outChannels, pool.outHeight, pool.outWidth];
  const args = (m: Maker, x: Tensor) => {
    const y = m.t(ys, 4);
    const b = bias ? m.t([g.outChannels], 3) : null;
    return { args: { x, w: m.t(ws, 2), bias: b, y, g, pool, relu }, outputs: [y] };
  };
  add(k.conv2dMaxPool2d, name, (m) => args(m, m.t(xs, 1)));
  add(k.conv2dMaxPool2d, `${name}; ties, ±0, ±∞ and NaN`, (m) =>
    args(m, poolSpecials(m.t(xs, 1), 9, xs[2] * xs[3])),
  );
  // with the pooling's indices (training): the first maximum of each window, or its first NaN
  const withArgmax = (m: Maker, x: Tensor) => {
    const built = args(m, x);
    const argmax = m.ints(ys, 5, 7);
    return { args: { ...built.args, argmax }, outputs: [...built.outputs, argmax] };
  };
  add(k.conv2dMaxPool2d, `${name}, argmax`, (m) => withArgmax(m, m.t(xs, 1)));
  add(k.conv2dMaxPool2d, `${name}, argmax; ties, ±0, ±∞ and NaN`, (m) =>
    withArgmax(m, poolSpecials(m.t(xs, 1), 9, xs[2] * xs[3])),
  );
}
// The weight gradient of a convolution, ReLU and max pooling block from the pooled gradient: 3-row
// filters ≤ 4 wide and 5-row ones 5 to 8 wide run the wasm kernel (one and two input channels, pooled
// planes not a multiple of 4, 2-wide filters, a strided convolution, overlapping 3×3 windows); a 3×5
// filter the general path.
for (const [name, xs, ws, stride, pad, poolSize, poolStride] of [
  ['mnist-sized', [6, 1, 28, 28], [32, 1, 3, 3], 1, 1, 2, 2],
  ['3×3 pad 1, 2 → 5 channels, 7×11 outputs', [3, 2, 7, 11], [5, 2, 3, 3], 1, 1, 2, 2],
  ['3×2 pad 1, 1 → 7 channels', [2, 1, 9, 8], [7, 1, 3, 2], 1, 1, 2, 2],
  ['3×3 stride 2, 3 → 4 channels', [2, 3, 13, 12], [4, 3, 3, 3], 2, 0, 2, 2],
  ['3×3 pad 1, overlapping 3×3 windows of stride 2', [2, 1, 10, 9], [6, 1, 3, 3], 1, 1, 3, 2],
  ['LeNet-5 first layer', [3, 1, 12, 12], [6, 1, 5, 5], 1, 2, 2, 2],
  ['5×7 pad 1, 2 → 3 channels, 9×11 outputs', [2, 2, 11, 15], [3, 2, 5, 7], 1, 1, 2, 2],
  ['3×5, 1 → 4 channels (general path)', [2, 1, 8, 11], [4, 1, 3, 5], 1, 0, 2, 2],
] as const) {
  const g = conv2dGeometry(xs, ws, stride, pad);
  const pool = pool2dGeometry([g.batch, g.outChannels, g.outHeight, g.outWidth], poolSize, poolStride, 0);
  const ys = [g.batch, g.outChannels, pool.outHeight, pool.outWidth];
  const hs = [g.batch, g.outChannels, g.outHeight, g.outWidth];
  const plane = g.outHeight * g.outWidth;
  for (const [variant, relu, bias, accumulate, anywhere] of [
    ['relu, bias, overwriting', true, true, false, false],
    ['no relu, no bias, accumulating', false, false, true, false],
    ['relu, hand-made argmax anywhere in the plane', true, true, true, true],
  ] as const) {
    add(k.conv2dMaxPool2dBackwardWeights, `${name}; ${variant}`, (m) => {
      const argmax = anywhere ? m.ints(ys, 7, plane) : m.ints(ys, 3, 1);
      const mask = m.t(ys, 8);
      if (!anywhere) k.maxPool2d.reference({ x: m.t(hs, 6), y: mask, argmax, g: pool, relu });
      const dw = m.t(ws, 4);
      const db = bias ? m.t([g.outChannels], 5) : null;
      const args = {
        x: m.t(xs, 1),
        dy: m.t(ys, 2),
        argmax,
        mask: relu ? mask : null,
        dw,
        db,
        g,
        pool,
        accumulate,
      };
      return { args, outputs: db === null ? [dw] : [dw, db] };
    });
  }
}
// Max pooling without indices (inference).
for (const [name, xs, size, stride, pad] of poolCases) {
  const g = pool2dGeometry(xs, size, stride, pad);
  const ys = [g.batch, g.channels, g.outHeight, g.outWidth];
  for (const relu of [false, true]) {
    add(k.maxPool2d, `${name}, no argmax${relu ? ', relu' : ''}; ties, ±0, ±∞ and NaN`, (m) => {
      const y = m.t(ys, 2);
      const x = poolSpecials(m.t(xs, 1), 6, g.inHeight * g.inWidth);
      return { args: { x, y, argmax: null, g, relu }, outputs: [y] };
    });
  }
}

/** max |a − e| ≤ 1e-4 · max(1, max |e|), NaN where NaN, ±∞ where ±∞; ints exactly. */
function expectConforms(actual: AnyTensor, expected: AnyTensor, what: string): void {
  const a = actual.data;
  const e = expected.data;
  expect(a.length, what).toBe(e.length);
  if (expected instanceof IntTensor) {
    expect(Array.from(a), what).toEqual(Array.from(e));
    return;
  }
  let mag = 1;
  for (let i = 0; i < e.length; i++) if (Number.isFinite(e[i])) mag = Math.max(mag, Math.abs(e[i]));
  for (let i = 0; i < e.length; i++) {
    const bad = Number.isNaN(e[i])
      ? !Number.isNaN(a[i])
      : !(a[i] === e[i] || Math.abs(a[i] - e[i]) <= 1e-4 * mag);
    if (bad) expect.fail(`${what}: element ${i} is ${a[i]}, the reference gives ${e[i]}`);
  }
}

const reference = new JsBackend();
const backends: [string, Backend][] = [['js', reference]];
const wasm: WasmBackend[] = [];
const variants = supportedWasmVariants();
if (variants.length > 0) {
  const one = createWasmBackend({ threads: 1 });
  const two = createWasmBackend({ threads: 2, adaptive: false });
  wasm.push(one, two);
  backends.push([`wasm, 1 thread (${one.variant})`, one], [`wasm, 2 threads (${two.variant})`, two]);
  if (variants.includes('unshared') && one.variant !== 'unshared') {
    const unshared = createWasmBackend({ variant: 'unshared', threads: 1 });
    wasm.push(unshared);
    backends.push(['wasm, unshared module', unshared]);
  }
  if (variants.includes('unshared')) {
    // Assertions kept: every kernel's entry checks pass on valid arguments, and the results still conform.
    const checked = createWasmBackend({ variant: 'checked', threads: 1 });
    wasm.push(checked);
    backends.push(['wasm, checked module', checked]);
  }
}
afterAll(() => {
  for (const b of wasm) b.terminate();
});

it('every kernel has a conformance case', () => {
  const covered = new Set(cases.map((c) => c.kernel.name));
  expect(
    listKernels()
      .filter((kernel) => !covered.has(kernel.name))
      .map((kernel) => kernel.name),
  ).toEqual([]);
});

describe.each(backends)('kernels on %s conform to the reference', (_, backend) => {
  it.each(cases.map((c) => [`${c.kernel.name}: ${c.name}`, c] as const))('%s', (_, c) => {
    const want = c.build(new Maker(reference));
    c.kernel.validate(want.args);
    const expectedValue = c.kernel.reference(want.args);
    const got = c.build(new Maker(backend));
    const value = runKernel(c.kernel, got.args, backend);
    if (typeof expectedValue === 'number') {
      expect(value).toBeCloseTo(expectedValue, Math.abs(expectedValue) > 100 ? 1 : 4);
    }
    for (let i = 0; i < want.outputs.length; i++)
      expectConforms(got.outputs[i], want.outputs[i], `output ${i}`);
  });
});
