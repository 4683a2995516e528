/**
 * Sequential's training step on a first Conv2d → (ReLU →) MaxPool2d block: the forward runs the block
 * as one op that keeps the pooling's argmax (the convolution's output never stored), and the backward
 * without the input gradient takes the convolution's gradients straight from the pooled gradient,
 * never routing it to the pooling's input. The gradients must be those of the layers run one by one, within
 * float32 rounding (another summation order), and the same to the bit on every run; a backward that
 * wants the input gradient still gets it.
 */
import { type Tensor, listBackends, setBackend, setKernelObserver } from '@scratchnet/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { Conv2d, Dense, Flatten, type Layer, MaxPool2d, ReLU, Sequential } from '../src/index.js';
import { rand } from './gradcheck.js';

/** Gradients of the layers run one by one (gradients zeroed first, every layer's dx computed). */
function layerByLayer(model: Sequential, x: Tensor, dy: Tensor): Float32Array[] {
  model.zeroGrad();
  let h = x;
  for (const layer of model.layers) h = layer.forward(h, { training: true });
  let g = dy;
  for (let i = model.layers.length - 1; i >= 0; i--) g = model.layers[i].backward(g);
  return model.namedParameters().map((p) => p.grad.data.slice());
}

/** max |a − e| / max(1, max |e|). */
function relativeError(a: Float32Array, e: Float32Array): number {
  expect(a.length).toBe(e.length);
  let mag = 1;
  let err = 0;
  for (let i = 0; i < e.length; i++) {
    mag = Math.max(mag, Math.abs(e[i]));
    err = Math.max(err, Math.abs(a[i] - e[i]));
  }
  return err / mag;
}

const blocks: [string, () => Layer[], number[]][] = [
  [
    'Conv2d 3×3 → ReLU → MaxPool2d(2) (the simple-cnn block)',
    () => [
      new Conv2d({ filters: 8, kernelSize: 3, padding: 1 }),
      new ReLU(),
      new MaxPool2d(2),
      new Flatten(),
      new Dense(5),
    ],
    [1, 12, 10],
  ],
  [
    'Conv2d 3×3 → MaxPool2d(2), two input channels',
    () => [new Conv2d({ filters: 5, kernelSize: 3 }), new MaxPool2d(2), new Flatten(), new Dense(3)],
    [2, 9, 11],
  ],
  [
    'Conv2d 5×5 → ReLU → MaxPool2d(2) (LeNet-5)',
    () => [
      new Conv2d({ filters: 6, kernelSize: 5, padding: 2 }),
      new ReLU(),
      new MaxPool2d(2),
      new Flatten(),
      new Dense(4),
    ],
    [1, 8, 8],
  ],
];

describe.each(listBackends())('Sequential backward of a first conv block (%s backend)', (backend) => {
  beforeAll(() => {
    setBackend(backend);
  });

  for (const [name, layers, inputShape] of blocks) {
    it(`${name}: the gradients of the layers one by one, within rounding, the same every run`, () => {
      const model = new Sequential(layers(), { inputShape, seed: 9 });
      const x = rand([4, ...inputShape], 21);
      const dy = rand([4, model.outputShape[0]], 22);
      const ref = layerByLayer(model, x, dy);
      const run = (): Float32Array[] => {
        model.forward(x, { training: true });
        model.backward(dy, { inputGrad: false, accumulate: false });
        return model.namedParameters().map((p) => p.grad.data.slice());
      };
      const seen = new Set<string>();
      setKernelObserver((k) => seen.add(k.name));
      let first: Float32Array[];
      try {
        first = run();
      } finally {
        setKernelObserver(undefined);
      }
      // the convolution's output is never stored, nor the pooled gradient routed to it
      expect(seen.has('conv2dMaxPool2d')).toBe(true);
      expect(seen.has('conv2dMaxPool2dBackwardWeights')).toBe(true);
      for (const name of ['conv2d', 'maxPool2d', 'maxPool2dBackward'])
        expect(seen.has(name), name).toBe(false);
      for (const [i, g] of first.entries()) {
        expect(relativeError(g, ref[i]), model.namedParameters()[i].name).toBeLessThan(1e-5);
        // the first block's gradients are not all zero: the test sees them
        expect(g.some((v) => v !== 0)).toBe(true);
      }
      const again = run();
      for (const [i, g] of again.entries()) expect(g).toEqual(first[i]);
      // the layers after the block run as before: their gradients to the bit
      for (let i = 2; i < first.length; i++) expect(first[i]).toEqual(ref[i]);
      // with the input gradient: the layers one by one, the same gradients within rounding
      model.forward(x, { training: true });
      const dx = model.backward(dy, { accumulate: false });
      expect(dx.shape).toEqual([4, ...inputShape]);
      expect(dx.data.some((v) => v !== 0)).toBe(true);
      for (const [i, p] of model.namedParameters().entries())
        expect(relativeError(p.grad.data, ref[i])).toBeLessThan(1e-5);
      run();
      // accumulating adds the same gradients again
      model.backward(dy, { inputGrad: false });
      for (const [i, p] of model.namedParameters().entries()) {
        expect(
          relativeError(
            p.grad.data,
            first[i].map((v) => 2 * v),
          ),
        ).toBeLessThan(1e-6);
      }
    });
  }
});
