import { afterAll, describe, expect, it } from 'vitest';
import { createWasmBackend, supportedWasmVariants } from '../src/backends/wasm/index.js';
import { conv2d, conv2dBackwardData, conv2dBackwardWeights } from '../src/kernels/index.js';
import { callKernel } from '../src/kernels/kernel.js';
import { Random } from '../src/random.js';
import { type Shape, conv2dGeometry, sizeOf } from '../src/shape.js';
import { Tensor } from '../src/tensor.js';

// At a fixed thread count every convolution result is bit-identical run to run, whichever thread
// takes which chunk (the pool is adaptive: idle threads take others' chunks). LeNet-5's two layers and
// the simple CNN's first layer: the direct and outer-product kernels, with per-chunk weight partials.
const layers: [string, Shape, Shape, number][] = [
  ['Conv 5×5 ×6 pad 2 on 28×28', [16, 1, 28, 28], [6, 1, 5, 5], 2],
  ['Conv 5×5 6 → 16 on 14×14', [16, 6, 14, 14], [16, 6, 5, 5], 0],
  ['Conv 3×3 ×32 pad 1 on 28×28', [16, 1, 28, 28], [32, 1, 3, 3], 1],
];

describe.skipIf(supportedWasmVariants().length === 0)('convolution on 2 threads', () => {
  const b = createWasmBackend({ threads: 2 });
  afterAll(() => b.terminate());
  const t = (shape: Shape, seed: number): Tensor => {
    const x = new Tensor(shape, b.allocate(sizeOf(shape)));
    new Random(seed).fillNormal(x.data, 0, 1);
    return x;
  };
  it.each(layers)('%s: bit-identical run to run', (_, xs, ws, pad) => {
    const g = conv2dGeometry(xs, ws, 1, pad);
    const ys = [g.batch, g.outChannels, g.outHeight, g.outWidth];
    const x = t(xs, 1);
    const w = t(ws, 2);
    const bias = t([g.outChannels], 3);
    const dy = t(ys, 4);
    const run = (): Float32Array[] => {
      const y = t(ys, 5);
      const dx = t(xs, 6);
      const dw = t(ws, 7);
      const db = t([g.outChannels], 8);
      callKernel(conv2d, { x, w, bias, y, g }, b);
      callKernel(conv2dBackwardData, { dy, w, dx, g }, b);
      callKernel(conv2dBackwardWeights, { x, dy, dw, db, g }, b);
      return [y, dx, dw, db].map((r) => Float32Array.from(r.data));
    };
    const first = run();
    for (let i = 0; i < 4; i++) {
      const again = run();
      for (let k = 0; k < first.length; k++) {
        // Object.is: NaN matches NaN, and +0 and −0 differ
        let differ = 0;
        for (let e = 0; e < first[k].length; e++) if (!Object.is(again[k][e], first[k][e])) differ++;
        expect(differ, `output ${k}, run ${i + 2}: elements that differ`).toBe(0);
      }
    }
  });
});
