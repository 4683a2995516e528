import { afterAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../backend.js';
import { Random } from '../../random.js';
import { conv2dGeometry, pool2dGeometry, type Shape, sizeOf } from '../../shape.js';
import { IntTensor, Tensor } from '../../tensor.js';
import { on as kernelsOn, reference } from '../../../test/positional.js';
import * as kernels from '../../kernels/index.js';
import { callKernel, runKernel } from '../../kernels/kernel.js';
import { createWasmBackend, supportedWasmVariants, type WasmBackend } from './index.js';
import { jump, jumpMatrix } from './xoshiro-jump.js';

const js = reference;
const single = createWasmBackend({ threads: 1 }) as WasmBackend;
// 3 threads on any machine: uneven static splits, and workers that may wake late.
const multi = createWasmBackend({ threads: 3, adaptive: false }) as WasmBackend;
afterAll(() => multi.terminate());

const rng = new Random(1234);

function rand(b: Backend, shape: Shape, scale = 1): Tensor {
  const t = new Tensor(shape, b.allocate(sizeOf(shape)));
  rng.fillNormal(t.data, 0, scale);
  return t;
}

function on(b: Backend, src: Tensor): Tensor {
  const t = new Tensor(src.shape, b.allocate(src.size));
  t.data.set(src.data);
  return t;
}

function ints(b: Backend, src: IntTensor): IntTensor {
  const t = new IntTensor(src.shape, b.allocate(src.size));
  t.data.set(src.data);
  return t;
}

/** max |a − e| ≤ 1e-4 · max(1, max |e|) */
function close(actual: Tensor, expected: Tensor, what: string): void {
  const a = actual.data;
  const e = expected.data;
  expect(a.length, what).toBe(e.length);
  let mag = 1;
  for (let i = 0; i < e.length; i++) if (Number.isFinite(e[i])) mag = Math.max(mag, Math.abs(e[i]));
  let worst = 0;
  let at = -1;
  for (let i = 0; i < e.length; i++) {
    const d = Number.isNaN(e[i])
      ? Number.isNaN(a[i])
        ? 0
        : Number.POSITIVE_INFINITY
      : Math.abs(a[i] - e[i]);
    if (!(d <= worst)) {
      worst = d;
      at = i;
    }
  }
  expect(worst, `${what}: worst at ${at}: ${a[at]} vs ${e[at]} (magnitude ${mag})`).toBeLessThanOrEqual(
    1e-4 * mag,
  );
}

function bitsEqual(a: Tensor, b: Tensor): boolean {
  const x = new Uint32Array(a.data.buffer, a.data.byteOffset, a.size);
  const y = new Uint32Array(b.data.buffer, b.data.byteOffset, b.size);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

const backends: [string, WasmBackend][] = [
  ['1 thread', single],
  ['3 threads', multi],
];
// Every other compiled variant this runtime validates (relaxed-SIMD FMA on Node ≥ 22, or Node 20 with
// --experimental-wasm-relaxed-simd; the unshared single-threaded module everywhere).
for (const variant of supportedWasmVariants()) {
  if (variant === single.variant) continue;
  backends.push([
    `${variant} module, 2 threads`,
    createWasmBackend({ variant, threads: 2, adaptive: false }) as WasmBackend,
  ]);
}
afterAll(() => {
  for (const [, b] of backends) b.terminate();
});

describe.each(backends)('wasm backend (%s) against the reference', (_, wb) => {
  it('gemm: every transpose combination, odd sizes, blocking edges, alpha/beta', () => {
    const shapes: [number, number, number][] = [
      [1, 1, 1],
      [3, 5, 7],
      [17, 33, 9],
      [64, 128, 300],
      [5, 1100, 3],
      [130, 20, 257],
      [9, 37, 1100], // k across two KC blocks
      [13, 40, 2100], // small C, deep K: split over K when threaded
      [4, 16, 0],
    ];
    for (const [m, n, k] of shapes) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          for (const [alpha, beta] of [
            [1, 0],
            [0.5, 1],
            [-2, 0.25],
          ]) {
            const a = rand(js, transA ? [k, m] : [m, k]);
            const b = rand(js, transB ? [n, k] : [k, n]);
            const c = rand(js, [m, n]);
            if (beta === 0) c.data.fill(Number.NaN); // β = 0 ignores C, even NaN
            const cw = on(wb, c);
            kernelsOn(js).gemm(transA, transB, m, n, k, alpha, a, b, beta, c);
            kernelsOn(wb).gemm(transA, transB, m, n, k, alpha, on(wb, a), on(wb, b), beta, cw);
            close(
              cw,
              c,
              `gemm ${transA ? 'T' : 'N'}${transB ? 'T' : 'N'} ${m}x${n}x${k} α=${alpha} β=${beta}`,
            );
          }
        }
      }
    }
  });

  const convCases: [Shape, Shape, number | [number, number], number | [number, number]][] = [
    [[3, 1, 9, 11], [4, 1, 3, 3], 1, 1],
    [[2, 3, 8, 7], [5, 3, 3, 3], 2, 1],
    [
      [2, 3, 8, 7],
      [5, 3, 2, 3],
      [1, 2],
      [0, 1],
    ],
    [[4, 6, 5, 5], [3, 6, 1, 1], 1, 0],
    [[2, 2, 7, 9], [3, 2, 3, 3], 2, 0],
    [[5, 1, 28, 28], [8, 1, 3, 3], 1, 1],
    [[2, 4, 7, 10], [6, 4, 3, 3], 1, 0],
    [[2, 2, 6, 5], [3, 2, 5, 5], 1, 2],
  ];

  it('convolution forward, backward data and weights; im2col and col2im', () => {
    for (const [xs, ws, stride, pad] of convCases) {
      const g = conv2dGeometry(xs, ws, stride, pad);
      const ys = [g.batch, g.outChannels, g.outHeight, g.outWidth];
      const what = `conv x${JSON.stringify(xs)} w${JSON.stringify(ws)} s${stride} p${pad}`;
      const x = rand(js, xs);
      const w = rand(js, ws);
      const bias = rand(js, [g.outChannels]);
      const y = rand(js, ys);
      const yw = on(wb, y);
      kernelsOn(js).conv2d(x, w, bias, y, g);
      kernelsOn(wb).conv2d(on(wb, x), on(wb, w), on(wb, bias), yw, g);
      close(yw, y, `${what} forward`);
      kernelsOn(wb).conv2d(on(wb, x), on(wb, w), null, yw, g);
      kernelsOn(js).conv2d(x, w, null, y, g);
      close(yw, y, `${what} forward without bias`);

      const dy = rand(js, ys);
      const dx = rand(js, xs);
      const dxw = on(wb, dx);
      kernelsOn(js).conv2dBackwardData(dy, w, dx, g);
      kernelsOn(wb).conv2dBackwardData(on(wb, dy), on(wb, w), dxw, g);
      close(dxw, dx, `${what} backward data`);

      const dw = rand(js, ws);
      const db = rand(js, [g.outChannels]);
      const dww = on(wb, dw);
      const dbw = on(wb, db);
      kernelsOn(js).conv2dBackwardWeights(x, dy, dw, db, g);
      kernelsOn(wb).conv2dBackwardWeights(on(wb, x), on(wb, dy), dww, dbw, g);
      close(dww, dw, `${what} backward weights (accumulates)`);
      close(dbw, db, `${what} backward bias (accumulates)`);
      kernelsOn(js).conv2dBackwardWeights(x, dy, dw, null, g);
      kernelsOn(wb).conv2dBackwardWeights(on(wb, x), on(wb, dy), dww, null, g);
      close(dww, dw, `${what} backward weights without bias`);

      const colShape = [g.batch, g.inChannels * g.kernelH * g.kernelW, g.outHeight * g.outWidth];
      const cols = rand(js, colShape);
      const colsW = on(wb, cols);
      kernelsOn(js).im2col(x, g, cols);
      kernelsOn(wb).im2col(on(wb, x), g, colsW);
      close(colsW, cols, `${what} im2col`);
      kernelsOn(js).col2im(cols, g, dx);
      kernelsOn(wb).col2im(on(wb, cols), g, dxw);
      close(dxw, dx, `${what} col2im`);
    }
  });

  it('max pooling forward (values and argmax, NaN propagates) and backward', () => {
    const cases: [Shape, number, number | undefined, number][] = [
      [[2, 3, 28, 28], 2, undefined, 0],
      [[1, 2, 13, 11], 2, 2, 0],
      [[2, 2, 9, 10], 3, 2, 1],
      [[1, 1, 6, 6], 3, 1, 1],
    ];
    for (const [xs, k, s, p] of cases) {
      const g = pool2dGeometry(xs, k, s, p);
      const ys = [g.batch, g.channels, g.outHeight, g.outWidth];
      const x = rand(js, xs);
      x.data[5] = Number.NaN;
      x.data[x.size - 3] = Number.NaN;
      // ties: the first maximum must win
      x.data[40] = 7;
      x.data[41] = 7;
      const y = rand(js, ys);
      const arg = new IntTensor(ys, js.allocate(sizeOf(ys)));
      const yw = on(wb, y);
      const argw = new IntTensor(ys, wb.allocate(sizeOf(ys)));
      kernelsOn(js).maxPool2d(x, y, arg, g);
      kernelsOn(wb).maxPool2d(on(wb, x), yw, argw, g);
      close(yw, y, `maxPool ${xs} k${k} s${s} p${p}`);
      expect(Array.from(argw.data)).toEqual(Array.from(arg.data));
      const dy = rand(js, ys);
      const dx = rand(js, xs);
      const dxw = on(wb, dx);
      kernelsOn(js).maxPool2dBackward(dy, arg, dx, g);
      kernelsOn(wb).maxPool2dBackward(on(wb, dy), argw, dxw, g);
      close(dxw, dx, `maxPool backward ${xs} k${k} s${s} p${p}`);
    }
  });

  it('activations forward and backward (also in place), unary relu/sigmoid/tanh', () => {
    for (const n of [1, 7, 4099, 70001]) {
      const x = rand(js, [n], 4);
      x.data[0] = n > 1 ? Number.NaN : 0;
      if (n > 3) x.data[2] = 1e-7;
      for (const op of ['relu', 'leakyRelu', 'sigmoid', 'tanh'] as const) {
        const y = rand(js, [n]);
        const yw = on(wb, y);
        kernelsOn(js).activation(op, x, y, 0.1);
        kernelsOn(wb).activation(op, on(wb, x), yw, 0.1);
        close(yw, y, `${op} forward n=${n}`);
        const inPlace = on(wb, x);
        kernelsOn(wb).activation(op, inPlace, inPlace, 0.1);
        close(inPlace, y, `${op} forward in place n=${n}`);
        const dy = rand(js, [n]);
        const dx = rand(js, [n]);
        const dxw = on(wb, dx);
        kernelsOn(js).activationBackward(op, x, y, dy, dx, 0.1);
        kernelsOn(wb).activationBackward(op, on(wb, x), on(wb, y), on(wb, dy), dxw, 0.1);
        close(dxw, dx, `${op} backward n=${n}`);
        const dyInPlace = on(wb, dy);
        kernelsOn(wb).activationBackward(op, on(wb, x), on(wb, y), dyInPlace, dyInPlace, 0.1);
        close(dyInPlace, dx, `${op} backward in place n=${n}`);
      }
      for (const op of ['relu', 'sigmoid', 'tanh'] as const) {
        const y = rand(js, [n]);
        const yw = on(wb, y);
        kernelsOn(js).unary(op, x, y);
        kernelsOn(wb).unary(op, on(wb, x), yw);
        close(yw, y, `unary ${op}`);
      }
    }
  });

  it('sigmoid and tanh stay accurate at the extremes', () => {
    const vals = [-100, -88, -20, -1, -0.06, -1e-3, 0, 1e-3, 0.06, 0.0625, 1, 20, 88, 100];
    const x = on(js, Tensor.fromArray(vals));
    for (const op of ['sigmoid', 'tanh'] as const) {
      const y = on(js, x);
      const yw = on(wb, x);
      kernelsOn(js).activation(op, x, y, 0);
      kernelsOn(wb).activation(op, on(wb, x), yw, 0);
      for (let i = 0; i < vals.length; i++) {
        expect(Math.abs(yw.data[i] - y.data[i]), `${op}(${vals[i]})`).toBeLessThanOrEqual(
          2e-6 * Math.max(Math.abs(y.data[i]), 1e-30) + 1e-38,
        );
      }
    }
  });

  it('fill, copy, axpby (β = 0 ignores y), sumSquares', () => {
    for (const n of [3, 1000, 50001]) {
      const x = rand(js, [n]);
      const y = rand(js, [n]);
      const yw = on(wb, y);
      kernelsOn(js).axpby(0.7, x, -1.3, y);
      kernelsOn(wb).axpby(0.7, on(wb, x), -1.3, yw);
      close(yw, y, `axpby n=${n}`);
      yw.data.fill(Number.NaN);
      y.data.fill(Number.NaN);
      kernelsOn(js).axpby(2, x, 0, y);
      kernelsOn(wb).axpby(2, on(wb, x), 0, yw);
      close(yw, y, `axpby β=0 n=${n}`);
      kernelsOn(wb).fill(yw, 3.5);
      expect(yw.data.every((v) => v === 3.5)).toBe(true);
      const c = new Tensor([n], wb.allocate(n));
      kernelsOn(wb).copy(on(wb, x), c);
      expect(bitsEqual(c, x)).toBe(true);
      const s = kernelsOn(wb).sumSquares(on(wb, x));
      expect(Math.abs(s - kernelsOn(js).sumSquares(x))).toBeLessThanOrEqual(1e-9 * s);
    }
  });

  it('addBias and biasGrad for dense [N, C] and conv [N, C, H, W]', () => {
    for (const shape of [
      [64, 128],
      [5, 3],
      [3, 7, 5, 5],
      [64, 32, 28, 28],
    ]) {
      const y = rand(js, shape);
      const bias = rand(js, [shape[1]]);
      const yw = on(wb, y);
      kernelsOn(js).addBias(y, bias);
      kernelsOn(wb).addBias(yw, on(wb, bias));
      close(yw, y, `addBias ${shape}`);
      const db = rand(js, [shape[1]]);
      const dbw = on(wb, db);
      kernelsOn(js).biasGrad(y, db);
      kernelsOn(wb).biasGrad(on(wb, y), dbw);
      close(dbw, db, `biasGrad ${shape}`);
    }
  });

  it('softmax, logSoftmax, softmax cross-entropy, countCorrect', () => {
    for (const [r, k] of [
      [64, 10],
      [3, 1],
      [7, 13],
      [2, 1000],
    ]) {
      const x = rand(js, [r, k], 5);
      x.data[0] = 60;
      const o = rand(js, [r, k]);
      const ow = on(wb, o);
      kernelsOn(js).softmax(x, o);
      kernelsOn(wb).softmax(on(wb, x), ow);
      close(ow, o, `softmax ${r}x${k}`);
      kernelsOn(js).logSoftmax(x, o);
      kernelsOn(wb).logSoftmax(on(wb, x), ow);
      close(ow, o, `logSoftmax ${r}x${k}`);
      const inPlace = on(wb, x);
      kernelsOn(wb).logSoftmax(inPlace, inPlace);
      close(inPlace, o, `logSoftmax in place ${r}x${k}`);
      const labels = new IntTensor([r], js.allocate(r));
      for (let i = 0; i < r; i++) labels.data[i] = rng.int(k);
      const d = rand(js, [r, k]);
      const dw = on(wb, d);
      const loss = kernelsOn(js).softmaxCrossEntropy(x, labels, d);
      const lw = kernelsOn(wb).softmaxCrossEntropy(on(wb, x), ints(wb, labels), dw);
      expect(Math.abs(lw - loss)).toBeLessThanOrEqual(1e-5 * Math.max(1, loss));
      close(dw, d, `softmaxCrossEntropy gradient ${r}x${k}`);
      expect(kernelsOn(wb).softmaxCrossEntropy(on(wb, x), labels, null)).toBeCloseTo(loss, 5);
      expect(kernelsOn(wb).countCorrect(on(wb, x), ints(wb, labels))).toBe(
        kernelsOn(js).countCorrect(x, labels),
      );
    }
    const bad = IntTensor.fromArray([0, 10]);
    // The kernel indexes rows by label unchecked: the validation every op runs first refuses them.
    const args = { logits: rand(wb, [2, 10]), labels: bad, dlogits: null };
    expect(() => callKernel(kernels.softmaxCrossEntropy, args, wb)).toThrow(/label 10 of row 1/);
  });

  it('argmax along every axis (first maximum; NaN wins)', () => {
    for (const shape of [[64, 10], [3, 4, 5], [7], [2, 1, 3]]) {
      const x = rand(js, shape);
      x.data[1] = Number.NaN;
      x.data[x.size - 1] = x.data[x.size - 2]; // a tie
      for (let axis = 0; axis < shape.length; axis++) {
        const outShape = shape.filter((_, i) => i !== axis);
        const n = sizeOf(outShape);
        const expected = new IntTensor(outShape, js.allocate(n));
        const actual = new IntTensor(outShape, wb.allocate(n));
        kernelsOn(js).argmax(x, axis, expected);
        kernelsOn(wb).argmax(on(wb, x), axis, actual);
        expect(Array.from(actual.data), `argmax ${shape} axis ${axis}`).toEqual(Array.from(expected.data));
      }
    }
  });

  it('the fused optimizer ops: axpby, addcmul, addcdiv (in place on each operand, β = 0, √)', () => {
    const n = 40003;
    const make = () => [rand(js, [n]), rand(js, [n]), rand(js, [n]).fill(0.5)];
    for (const into of ['y', 'a', 'b', 'new'] as const) {
      for (const [beta, sqrt] of [
        [0.9, true],
        [0, false],
        [1, true],
      ] as const) {
        const [y, a, b] = make();
        for (let i = 0; i < n; i++) b.data[i] = Math.abs(y.data[i]) + 0.1; // a positive denominator
        const [yw, aw, bw] = [on(wb, y), on(wb, a), on(wb, b)];
        const pick = (t: Tensor[], fresh: Tensor) =>
          into === 'y' ? t[0] : into === 'a' ? t[1] : into === 'b' ? t[2] : fresh;
        const outJ = pick([y, a, b], new Tensor([n], js.allocate(n)));
        const outW = pick([yw, aw, bw], new Tensor([n], wb.allocate(n)));
        const what = `into ${into}, β ${beta}, sqrt ${sqrt}`;
        runKernel(kernels.addcdiv, { y, a, b, value: -0.01, beta, sqrt, scale: 3, eps: 1e-3, out: outJ }, js);
        runKernel(
          kernels.addcdiv,
          { y: yw, a: aw, b: bw, value: -0.01, beta, sqrt, scale: 3, eps: 1e-3, out: outW },
          wb,
        );
        close(outW, outJ, `addcdiv ${what}`);
        runKernel(kernels.addcmul, { y, a, b, value: 0.1, beta, out: outJ }, js);
        runKernel(kernels.addcmul, { y: yw, a: aw, b: bw, value: 0.1, beta, out: outW }, wb);
        close(outW, outJ, `addcmul ${what}`);
        if (into !== 'b') {
          runKernel(kernels.axpby, { alpha: -0.5, x: a, beta, y, out: outJ }, js);
          runKernel(kernels.axpby, { alpha: -0.5, x: aw, beta, y: yw, out: outW }, wb);
          close(outW, outJ, `axpby ${what}`);
        }
        for (const [tw, tj] of [
          [yw, y],
          [aw, a],
          [bw, b],
        ])
          close(tw, tj, `inputs after ${what}`);
      }
    }
  });

  it('works on unaligned views (narrow at odd offsets)', () => {
    const big = rand(wb, [1 + 5 * 7 + 1 + 7 * 9 + 3 + 5 * 9]);
    const a = big.reshape([-1]).narrow(1, 35).reshape([5, 7]);
    const b = big.reshape([-1]).narrow(37, 63).reshape([7, 9]);
    const c = big.reshape([-1]).narrow(103, 45).reshape([5, 9]);
    const expected = on(js, c);
    kernelsOn(js).gemm(false, false, 5, 9, 7, 1, on(js, a), on(js, b), 0.5, expected);
    kernelsOn(wb).gemm(false, false, 5, 9, 7, 1, a, b, 0.5, c);
    close(c, expected, 'gemm on views at offsets 1, 37 and 103 elements');
    const r = big.reshape([-1]).narrow(3, 101);
    const rExpected = on(js, r);
    kernelsOn(js).activation('tanh', rExpected, rExpected, 0);
    kernelsOn(wb).activation('tanh', r, r, 0);
    close(r, rExpected, 'tanh on a view at offset 3');
  });

  it('works on tensors it does not own (staged through copies)', () => {
    const a = rand(js, [20, 30]);
    const b = rand(js, [30, 10]);
    const c = rand(js, [20, 10]);
    const cw = on(js, c);
    kernelsOn(js).gemm(false, false, 20, 10, 30, 1, a, b, 0.5, c);
    kernelsOn(wb).gemm(false, false, 20, 10, 30, 1, a, b, 0.5, cw);
    close(cw, c, 'gemm on js-owned tensors');
    const g = conv2dGeometry([2, 2, 6, 6], [3, 2, 3, 3], 1, 1);
    const x = rand(js, [2, 2, 6, 6]);
    const w = rand(js, [3, 2, 3, 3]);
    const y = rand(js, [2, 3, 6, 6]);
    const yw = on(js, y);
    kernelsOn(js).conv2d(x, w, null, y, g);
    kernelsOn(wb).conv2d(x, w, null, yw, g);
    close(yw, y, 'conv2d on js-owned tensors');
    const r = rand(js, [100]);
    const expected = on(js, r);
    kernelsOn(js).activation('relu', expected, expected, 0);
    kernelsOn(wb).activation('relu', r, r, 0);
    close(r, expected, 'relu in place on a js-owned tensor');
    const s = rand(js, [4, 10]);
    const sExpected = on(js, s);
    kernelsOn(js).softmax(sExpected, sExpected);
    kernelsOn(wb).softmax(s, s);
    close(s, sExpected, 'softmax in place on a js-owned tensor');
    // The mask's draws and the generator's next state come back through the staged copies too.
    const dIn = rand(js, [3, 50]);
    const want = {
      x: dIn,
      mask: rand(js, [3, 50]),
      out: rand(js, [3, 50]),
      p: 0.3,
      scale: 2,
      rng: new Random(4),
    };
    const got = { ...want, mask: rand(js, [3, 50]), out: rand(js, [3, 50]), rng: new Random(4) };
    kernels.dropout.reference(want);
    runKernel(kernels.dropout, got, wb);
    expect(Array.from(got.mask.data)).toEqual(Array.from(want.mask.data));
    expect(Array.from(got.out.data)).toEqual(Array.from(want.out.data));
    expect(got.rng.getState()).toEqual(want.rng.getState());
    const mean = rand(js, [50]);
    const dot = rand(js, [50]);
    const dotW = on(js, dot);
    const sum = rand(js, [50]);
    const sumW = on(js, sum);
    kernels.channelDot.reference({ a: dIn, b: dIn, out: dot, accumulate: true, bCenter: mean, sum });
    runKernel(
      kernels.channelDot,
      { a: dIn, b: dIn, out: dotW, accumulate: true, bCenter: mean, sum: sumW },
      wb,
    );
    close(dotW, dot, 'channelDot on js-owned tensors');
    close(sumW, sum, 'its sum');
  });
});

describe('wasm backend determinism and memory', () => {
  it('a jump of L steps reaches the state of L sequential draws', () => {
    for (const steps of [0, 1, 5, 1000, 40001]) {
      const r = new Random(steps + 3);
      const words = new Uint32Array(8);
      words.set(r.getState().slice(0, 4));
      jump(jumpMatrix(steps), words, 0, 4);
      for (let i = 0; i < steps; i++) r.nextUint32();
      expect(Array.from(words.subarray(4)), `${steps} steps`).toEqual(r.getState().slice(0, 4));
    }
  });

  it('a Bernoulli mask is the sequential one at any thread count, and so is the next state', () => {
    const n = 70001; // past the parallel threshold, split unevenly
    const masks = [single, multi].map((b) => {
      const mask = new Tensor([n], b.allocate(n));
      const rng = new Random(11);
      runKernel(kernels.bernoulliMask, { mask, p: 0.4, scale: 2, rng }, b);
      return { mask: Array.from(mask.data), state: rng.getState() };
    });
    const rng = new Random(11);
    const want = Array.from({ length: n }, () => (rng.uniform() < 0.4 ? 0 : 2));
    expect(masks[0].mask).toEqual(want);
    expect(masks[1].mask).toEqual(want);
    expect(masks[0].state).toEqual(rng.getState());
    expect(masks[1].state).toEqual(rng.getState());
  });

  it('a Bernoulli mask drawn after an unshared memory grew is still the sequential one', () => {
    if (!supportedWasmVariants().includes('unshared')) return;
    const b = createWasmBackend({ variant: 'checked', threads: 1 });
    try {
      const draw = (seed: number) => {
        const mask = new Tensor([1000], b.allocate(1000));
        const rng = new Random(seed);
        runKernel(kernels.bernoulliMask, { mask, p: 0.4, scale: 2, rng }, b);
        const r = new Random(seed);
        const want = Array.from({ length: 1000 }, () => (r.uniform() < 0.4 ? 0 : 2));
        expect(Array.from(mask.data), `seed ${seed}`).toEqual(want);
        expect(rng.getState()).toEqual(r.getState());
      };
      draw(1);
      // Growing the memory detaches the unshared buffer and every view of it.
      const big = b.allocate(4 << 20);
      expect(big.length).toBe(4 << 20);
      draw(2);
    } finally {
      b.terminate();
    }
  });

  it('per-channel sums do not depend on the thread count (each channel summed by one chunk)', () => {
    const shape = [64, 5, 17, 19];
    const x = rand(single, shape);
    const mean = rand(single, [5]);
    const results = [single, multi].map((b) => {
      const xb = on(b, x);
      const out = new Tensor([5], b.allocate(5));
      const sum = new Tensor([5], b.allocate(5));
      runKernel(
        kernels.channelDot,
        { a: xb, b: xb, out, accumulate: false, aCenter: on(b, mean), bCenter: on(b, mean) },
        b,
      );
      runKernel(kernels.channelSum, { x: xb, out: sum, accumulate: false }, b);
      return [...out.data, ...sum.data];
    });
    expect(results[1]).toEqual(results[0]);
  });

  it('multi-threaded results are bit-identical run to run (GEMM split over N or M: equal to 1 thread)', () => {
    // A·Bᵀ in dot-product form, split over K (small C, deep K): deterministic, summed in chunk order
    const a = rand(multi, [64, 6272], 0.1);
    const b = rand(multi, [128, 6272], 0.1);
    const c1 = new Tensor([64, 128], multi.allocate(64 * 128));
    const c2 = new Tensor([64, 128], multi.allocate(64 * 128));
    const c3 = new Tensor([64, 128], single.allocate(64 * 128));
    c1.data.fill(1);
    c2.data.fill(1);
    c3.data.fill(1);
    kernelsOn(multi).gemm(false, true, 64, 128, 6272, 0.5, a, b, 2, c1);
    kernelsOn(multi).gemm(false, true, 64, 128, 6272, 0.5, a, b, 2, c2);
    kernelsOn(single).gemm(false, true, 64, 128, 6272, 0.5, a, b, 2, c3);
    expect(bitsEqual(c1, c2)).toBe(true);
    close(c1, c3, 'K-split dot-product GEMM against one thread');
    // … and over N (a wider C): every element summed in one order whatever the thread count
    const wb = rand(multi, [512, 6272], 0.1);
    const w1 = new Tensor([64, 512], multi.allocate(64 * 512));
    const w2 = new Tensor([64, 512], single.allocate(64 * 512));
    kernelsOn(multi).gemm(false, true, 64, 512, 6272, 1, a, wb, 0, w1);
    kernelsOn(single).gemm(false, true, 64, 512, 6272, 1, a, wb, 0, w2);
    expect(bitsEqual(w1, w2)).toBe(true);
    // K split (small C, deep K): deterministic, summed in chunk order
    const ka = rand(multi, [64, 6272], 0.1);
    const kb = rand(multi, [6272, 128], 0.1);
    const k1 = new Tensor([64, 128], multi.allocate(64 * 128));
    const k2 = new Tensor([64, 128], multi.allocate(64 * 128));
    const k3 = new Tensor([64, 128], single.allocate(64 * 128));
    for (const t of [k1, k2, k3]) t.data.fill(1);
    kernelsOn(multi).gemm(false, false, 64, 128, 6272, 0.5, ka, kb, 2, k1);
    kernelsOn(multi).gemm(false, false, 64, 128, 6272, 0.5, ka, kb, 2, k2);
    kernelsOn(single).gemm(false, false, 64, 128, 6272, 0.5, ka, kb, 2, k3);
    expect(bitsEqual(k1, k2)).toBe(true);
    close(k1, k3, 'K-split GEMM against one thread');
    // N split: every C element is summed in the same order whatever the thread count
    const d = rand(multi, [64, 128], 0.1);
    const e1 = new Tensor([64, 6272], multi.allocate(64 * 6272));
    const e2 = new Tensor([64, 6272], single.allocate(64 * 6272));
    kernelsOn(multi).gemm(false, false, 64, 6272, 128, 1, d, b.reshape([128, 6272]), 0, e1);
    kernelsOn(single).gemm(false, false, 64, 6272, 128, 1, d, b.reshape([128, 6272]), 0, e2);
    expect(bitsEqual(e1, e2)).toBe(true);

    const g = conv2dGeometry([16, 1, 28, 28], [32, 1, 3, 3], 1, 1);
    const x = rand(multi, [16, 1, 28, 28]);
    const dy = rand(multi, [16, 32, 28, 28]);
    const runs: Tensor[] = [];
    for (let r = 0; r < 3; r++) {
      const dw = new Tensor([32, 1, 3, 3], multi.allocate(288)).fill(0);
      const db = new Tensor([32], multi.allocate(32)).fill(0);
      kernelsOn(multi).conv2dBackwardWeights(x, dy, dw, db, g);
      runs.push(dw, db);
    }
    expect(bitsEqual(runs[0], runs[2]) && bitsEqual(runs[0], runs[4])).toBe(true);
    expect(bitsEqual(runs[1], runs[3]) && bitsEqual(runs[1], runs[5])).toBe(true);
  });

  it('Winograd-shaped 3×3 layers: bit-identical run to run; forward and input gradient equal to 1 thread', () => {
    const g = conv2dGeometry([12, 16, 14, 14], [32, 16, 3, 3], 1, 1);
    const x = rand(multi, [12, 16, 14, 14]);
    const w = rand(multi, [32, 16, 3, 3], 0.2);
    const bias = rand(multi, [32]);
    const dy = rand(multi, [12, 32, 14, 14]);
    const fresh = (b: WasmBackend, shape: number[]) => new Tensor(shape, b.allocate(sizeOf(shape)));
    const [y1, y2, y3] = [
      fresh(multi, [12, 32, 14, 14]),
      fresh(multi, [12, 32, 14, 14]),
      fresh(single, [12, 32, 14, 14]),
    ];
    kernelsOn(multi).conv2d(x, w, bias, y1, g);
    kernelsOn(multi).conv2d(x, w, bias, y2, g);
    kernelsOn(single).conv2d(x, w, bias, y3, g);
    expect(bitsEqual(y1, y2) && bitsEqual(y1, y3)).toBe(true);
    const [dx1, dx2, dx3] = [
      fresh(multi, [12, 16, 14, 14]),
      fresh(multi, [12, 16, 14, 14]),
      fresh(single, [12, 16, 14, 14]),
    ];
    kernelsOn(multi).conv2dBackwardData(dy, w, dx1, g);
    kernelsOn(multi).conv2dBackwardData(dy, w, dx2, g);
    kernelsOn(single).conv2dBackwardData(dy, w, dx3, g);
    expect(bitsEqual(dx1, dx2) && bitsEqual(dx1, dx3)).toBe(true);
    const runs: Tensor[] = [];
    for (let r = 0; r < 2; r++) {
      const dw = fresh(multi, [32, 16, 3, 3]).fill(0);
      const db = fresh(multi, [32]).fill(0);
      kernelsOn(multi).conv2dBackwardWeights(x, dy, dw, db, g);
      runs.push(dw, db);
    }
    expect(bitsEqual(runs[0], runs[2]) && bitsEqual(runs[1], runs[3])).toBe(true);
  });

  it('gives the same bits whichever thread runs each chunk (workers or the caller alone)', () => {
    const g = conv2dGeometry([16, 1, 28, 28], [32, 1, 3, 3], 1, 1);
    const x = rand(multi, [16, 1, 28, 28]);
    const dy = rand(multi, [16, 32, 28, 28]);
    const pool = (multi as unknown as { pool: { solo: number } }).pool;
    const once = (): Tensor => {
      const dw = new Tensor([32, 1, 3, 3], multi.allocate(288)).fill(0);
      kernelsOn(multi).conv2dBackwardWeights(x, dy, dw, null, g);
      return dw;
    };
    const parallel = once();
    pool.solo = 1; // the next call runs every chunk on the calling thread
    const alone = once();
    expect(pool.solo).toBe(0);
    expect(bitsEqual(parallel, alone)).toBe(true);
  });

  it('keeps tensors valid when the memory grows', () => {
    const a = rand(single, [1000]);
    const before = Array.from(a.data);
    const oldBuffer = a.data.buffer;
    const big = new Tensor([48 * 1024 * 1024], single.allocate(48 * 1024 * 1024)); // 192 MiB: forces growth
    kernelsOn(single).fill(big, 1);
    expect(a.data.buffer).not.toBe(oldBuffer);
    expect(Array.from(a.data)).toEqual(before);
    const y = new Tensor([1000], single.allocate(1000));
    kernelsOn(single).axpby(2, a, 0, y);
    expect(y.data[999]).toBe(Math.fround(2 * before[999]));
    expect(big.data[big.size - 1]).toBe(1);
  });
});
