import { describe, expect, it } from 'vitest';
import type { Backend } from '../src/backend.js';
import { JsBackend } from '../src/backends/js/index.js';
import { createWasmBackend, type WasmBackend } from '../src/backends/wasm/index.js';
import { WasmRuntime } from '../src/backends/wasm/runtime.js';
import { CONTROL_BYTES, ThreadPool } from '../src/backends/wasm/threads.js';
import { conv2d, conv2dBackwardData, gemm } from '../src/kernels/index.js';
import { callKernel, kernelsImplementedBy } from '../src/kernels/kernel.js';
import { Random } from '../src/random.js';
import { conv2dGeometry, type Shape, sizeOf } from '../src/shape.js';
import { Tensor } from '../src/tensor.js';

// Many more threads than cores: workers start late (seconds after the first parallel call), while the
// caller keeps running kernels and growing the shared memory. Every result must still be right.
const js = new JsBackend();
const rng = new Random(77);

function rand(b: Backend, shape: Shape): Tensor {
  const t = new Tensor(shape, b.allocate(sizeOf(shape)));
  rng.fillNormal(t.data, 0, 1);
  return t;
}
function copyTo(b: Backend, src: Tensor): Tensor {
  const t = new Tensor(src.shape, b.allocate(src.size));
  t.data.set(src.data);
  return t;
}
function maxDiff(a: Tensor, b: Tensor): number {
  let m = 0;
  for (let i = 0; i < a.size; i++) m = Math.max(m, Math.abs(a.data[i] - b.data[i]));
  return m;
}

/**
 * One small convolution forward and backward-data and one GEMM, through the kernel registry on `wb`
 * (its registered implementations; each record validated first), checked against the js reference.
 */
function step(wb: WasmBackend, round: number, i: number): void {
  const c = 2 + (i % 3);
  // x: [8, c, 10, 10], w: [6, c, 3, 3], y: [8, 6, 10, 10] (padding 1)
  const x = rand(js, [8, c, 10, 10]);
  const w = rand(js, [6, c, 3, 3]);
  const bias = rand(js, [6]);
  const g = conv2dGeometry(x.shape, w.shape, 1, 1);
  const yShape = [8, 6, g.outHeight, g.outWidth];
  const y = new Tensor(yShape, js.allocate(sizeOf(yShape)));
  callKernel(conv2d, { x, w, bias, y, g }, js);
  const yw = new Tensor(yShape, wb.allocate(sizeOf(yShape)));
  callKernel(conv2d, { x: copyTo(wb, x), w: copyTo(wb, w), bias: copyTo(wb, bias), y: yw, g }, wb);
  expect(maxDiff(yw, y), `round ${round}, step ${i}: conv2d`).toBeLessThan(1e-4);

  const dy = rand(js, yShape);
  const dx = new Tensor(x.shape, js.allocate(x.size));
  callKernel(conv2dBackwardData, { dy, w, dx, g }, js);
  const dxw = new Tensor(x.shape, wb.allocate(x.size));
  callKernel(conv2dBackwardData, { dy: copyTo(wb, dy), w: copyTo(wb, w), dx: dxw, g }, wb);
  expect(maxDiff(dxw, dx), `round ${round}, step ${i}: conv2dBackwardData`).toBeLessThan(1e-4);

  // a: [48, 96] · b: [96, 40] → c: [48, 40]
  const a = rand(js, [48, 96]);
  const b = rand(js, [96, 40]);
  const cm = new Tensor([48, 40], js.allocate(48 * 40));
  const mnk = { transA: false, transB: false, m: 48, n: 40, k: 96, alpha: 1, beta: 0 };
  callKernel(gemm, { ...mnk, a, b, c: cm }, js);
  const cw = new Tensor([48, 40], wb.allocate(48 * 40));
  callKernel(gemm, { ...mnk, a: copyTo(wb, a), b: copyTo(wb, b), c: cw }, wb);
  expect(maxDiff(cw, cm), `round ${round}, step ${i}: gemm`).toBeLessThan(1e-3);
}

describe('wasm backend with far more threads than cores', () => {
  it('has its own implementations of the kernels stressed here (not the reference they fall back to)', () => {
    createWasmBackend({ threads: 1 }).terminate();
    expect(kernelsImplementedBy('wasm')).toEqual(
      expect.arrayContaining(['conv2d', 'conv2dBackwardData', 'gemm']),
    );
  });

  it('computes right while late workers start and the memory grows (backends created again and again)', () => {
    const keep: Tensor[] = [];
    for (let round = 0; round < 4; round++) {
      const wb = createWasmBackend({ threads: 64 - 8 * round, adaptive: false });
      try {
        for (let i = 0; i < 40; i++) {
          step(wb, round, i);
          // Grow the memory now and then while the workers are still starting up.
          if (i % 8 === 0) keep.push(new Tensor([1 << 20], wb.allocate(1 << 20)));
        }
      } finally {
        wb.terminate();
      }
    }
  });
});

describe('a kernel that fails on a worker thread', () => {
  it("reports the worker's own error text", () => {
    const rt = WasmRuntime.get() as WasmRuntime;
    const ctl = rt.heap.alloc(CONTROL_BYTES).ptr;
    // The workers run the real 'fill' kernel, the caller a slow no-op: only workers touch the bad address.
    const slow = () => {
      const end = performance.now() + 0.5;
      while (performance.now() < end);
    };
    const pool = new ThreadPool(3, [slow], ['fill'], rt.module, rt.memory, ctl);
    pool.adaptive = false;
    let error: unknown;
    try {
      // fill(tid, chunk, lo, hi, pointer, value): a pointer past the end of the memory traps.
      pool.argv[0] = rt.heap.capacity + 65536;
      pool.argv[1] = 1;
      for (let i = 0; i < 200 && error === undefined; i++) {
        try {
          pool.run(0, 64 * 16, 16, 64);
        } catch (e) {
          error = e;
        }
      }
    } finally {
      pool.terminate();
    }
    expect(String(error)).toMatch(
      /wasm backend: kernel 'fill' failed on a worker thread \(worker \d+, chunk \d+: RuntimeError: memory access out of bounds; memory as this worker sees it: \d+ bytes, as the caller does: \d+\)/,
    );
  });
});
