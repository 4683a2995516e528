/**
 * Sequential's evaluation-mode forward: Conv2d → ReLU → MaxPool2d(2) in one fused op, max pooling
 * without indices. It must give the unfused forward's output, and a backward after it must still work.
 */
import { type Tensor, listBackends, setBackend } from '@scratchnet/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BatchNorm2d,
  Conv2d,
  Dense,
  Flatten,
  type Layer,
  MaxPool2d,
  ReLU,
  Sequential,
} from '../src/index.js';
import { rand } from './gradcheck.js';

/** Runs the layers one by one (no fusion at all): the output, copied. */
function layerByLayer(model: Sequential, x: Tensor): Float32Array {
  let h = x;
  for (const layer of model.layers) h = layer.forward(h);
  return h.data.slice();
}

/** max |a − e| / max(1, max |e|), with NaN where NaN required. */
function relativeError(a: Float32Array, e: Float32Array): number {
  expect(a.length).toBe(e.length);
  let mag = 1;
  let err = 0;
  for (let i = 0; i < e.length; i++) {
    expect(Number.isNaN(a[i])).toBe(Number.isNaN(e[i]));
    if (!Number.isNaN(e[i])) {
      mag = Math.max(mag, Math.abs(e[i]));
      err = Math.max(err, Math.abs(a[i] - e[i]));
    }
  }
  return err / mag;
}

const model = (layers: Layer[], inputShape: number[]): Sequential =>
  new Sequential(layers, { inputShape, seed: 7 });

describe.each(listBackends())('Sequential evaluation-mode forward (%s backend)', (backend) => {
  beforeAll(() => {
    setBackend(backend);
  });

  it('runs Conv2d → ReLU → MaxPool2d(2) fused, to the bit of the layers run one by one', () => {
    // 12 filters of one channel, 3×3 pad 1: the convolution sums its taps in the fused kernel's order
    const m = model(
      [
        new Conv2d({ filters: 12, kernelSize: 3, padding: 1 }),
        new ReLU(),
        new MaxPool2d(2),
        new Flatten(),
        new Dense(5),
      ],
      [1, 10, 9],
    );
    const x = rand([3, 1, 10, 9], 1);
    x.data[40] = Number.NaN; // sample 0 goes through the NaN-keeping path
    const want = layerByLayer(m, x);
    expect(want.some(Number.isNaN)).toBe(true);
    expect(m.forward(x).data).toEqual(want);
    // the fused op ran: the convolution kept nothing for its own backward
    expect(() => m.layers[0].backward(rand([3, 12, 10, 9], 9))).toThrow(/backward before forward/);
  });

  it('fuses a Conv2d followed by a MaxPool2d(2) without ReLU, and pools after a BatchNorm → ReLU without indices', () => {
    const m = model(
      [
        new Conv2d({ filters: 6, kernelSize: 5, padding: 2 }),
        new MaxPool2d(2),
        new Conv2d({ filters: 9, kernelSize: 3 }),
        new BatchNorm2d(),
        new ReLU(),
        new MaxPool2d(2),
        new Flatten(),
        new Dense(4),
      ],
      [2, 14, 13],
    );
    const x = rand([4, 2, 14, 13], 2);
    // within float32 rounding: some backends sum these convolutions in another order than the fused op
    expect(relativeError(m.forward(x).data, layerByLayer(m, x))).toBeLessThan(1e-5);
  });

  it('runs the unfused forward again when a backward follows, for the same gradients as after a training forward', () => {
    const build = () =>
      model(
        [
          new Conv2d({ filters: 4, kernelSize: 3, padding: 1 }),
          new ReLU(),
          new MaxPool2d(2),
          new Flatten(),
          new Dense(3),
        ],
        [1, 6, 6],
      );
    const x = rand([2, 1, 6, 6], 3);
    const dy = rand([2, 3], 4);
    const trained = build();
    trained.forward(x, { training: true });
    const dxWant = trained.backward(dy).data.slice();
    const evaluated = build();
    evaluated.forward(x);
    expect(evaluated.backward(dy).data).toEqual(dxWant);
    for (const [i, p] of evaluated.namedParameters().entries())
      expect(p.grad.data).toEqual(trained.namedParameters()[i].grad.data);
  });

  it('keeps nothing for a layer-level backward after the inference methods', () => {
    const conv = new Conv2d({ filters: 2, kernelSize: 3 });
    const pool = new MaxPool2d(2);
    model([conv, pool], [1, 6, 6]);
    conv.forwardMaxPool(rand([1, 1, 6, 6], 5), true);
    expect(() => conv.backward(rand([1, 2, 4, 4], 6))).toThrow(/backward before forward/);
    pool.forwardInference(rand([1, 2, 4, 4], 7), false);
    expect(() => pool.backward(rand([1, 2, 2, 2], 8))).toThrow(/backward before forward/);
  });
});
