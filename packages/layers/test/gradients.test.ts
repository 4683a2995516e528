import { IntTensor, Random, type Shape, type Tensor, listBackends, setBackend } from '@scratchnet/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AvgPool2d,
  BatchNorm1d,
  BatchNorm2d,
  Conv2d,
  Dense,
  Dropout,
  Flatten,
  type Layer,
  LeakyReLU,
  MaxPool2d,
  ReLU,
  Sigmoid,
  Softmax,
  Sequential,
  SoftmaxCrossEntropy,
  Tanh,
} from '../src/index.js';
import { awayFromZero, distinct, gradCheck, rand } from './gradcheck.js';

function built<L extends Layer>(layer: L, shape: Shape, seed = 1): L {
  layer.build(shape, new Random(seed));
  return layer;
}

describe.each(listBackends())('finite-difference gradients: input and parameters (%s backend)', (backend) => {
  beforeAll(() => {
    setBackend(backend);
  });

  it('Conv2d, stride 1, padding 1, with bias', () => {
    const conv = built(new Conv2d({ filters: 3, kernelSize: 3, padding: 1 }), [2, 5, 5]);
    gradCheck(conv, rand([2, 2, 5, 5], 2));
  });

  it('Conv2d, stride 2, no padding, rectangular kernel, no bias', () => {
    const conv = built(new Conv2d({ filters: 2, kernelSize: [3, 2], stride: 2, useBias: false }), [3, 7, 6]);
    gradCheck(conv, rand([2, 3, 7, 6], 3));
  });

  it("Conv2d, padding 'same' with a 5×5 kernel", () => {
    const conv = built(new Conv2d({ filters: 2, kernelSize: 5, padding: 'same' }), [1, 6, 6]);
    gradCheck(conv, rand([1, 1, 6, 6], 4));
  });

  it('Dense', () => {
    gradCheck(built(new Dense(4), [6]), rand([3, 6], 5));
    gradCheck(built(new Dense({ units: 3, useBias: false }), [5]), rand([2, 5], 6));
  });

  it('MaxPool2d (2×2; 3×3 stride 2 with padding, overlapping windows)', () => {
    gradCheck(built(new MaxPool2d(2), [2, 4, 6]), distinct([2, 2, 4, 6], 7), { eps: 1e-3 });
    gradCheck(
      built(new MaxPool2d({ poolSize: 3, stride: 2, padding: 1 }), [2, 5, 5]),
      distinct([2, 2, 5, 5], 8),
      {
        eps: 1e-3,
      },
    );
  });

  it('AvgPool2d (with and without counting padding)', () => {
    gradCheck(built(new AvgPool2d(2), [2, 4, 4]), rand([2, 2, 4, 4], 9));
    gradCheck(
      built(new AvgPool2d({ poolSize: 3, stride: 2, padding: 1, countIncludePad: false }), [1, 5, 5]),
      rand([2, 1, 5, 5], 10),
    );
    gradCheck(
      built(new AvgPool2d({ poolSize: 3, stride: 1, padding: 1 }), [1, 4, 4]),
      rand([1, 1, 4, 4], 11),
    );
  });

  it('Flatten', () => {
    gradCheck(built(new Flatten(), [2, 3, 2]), rand([2, 2, 3, 2], 12));
  });

  it('activations: ReLU, LeakyReLU, Sigmoid, Tanh', () => {
    const x = (seed: number): Tensor => awayFromZero(rand([3, 2, 4], seed, -3, 3));
    gradCheck(built(new ReLU(), [2, 4]), x(13));
    gradCheck(built(new LeakyReLU(0.1), [2, 4]), x(14));
    gradCheck(built(new Sigmoid(), [2, 4]), x(15));
    gradCheck(built(new Tanh(), [2, 4]), x(16));
  });

  it('Softmax (flat and over the last axis of a 2-d sample)', () => {
    gradCheck(built(new Softmax(), [5]), rand([3, 5], 17, -2, 2));
    gradCheck(built(new Softmax(), [2, 4]), rand([2, 2, 4], 18, -2, 2));
  });

  it('Dropout in training (same mask replayed) and in evaluation (identity)', () => {
    const rng = new Random(5);
    const drop = new Dropout(0.4);
    drop.build([10], rng);
    const state = rng.getState();
    gradCheck(drop, rand([4, 10], 19), { training: true, beforeForward: () => rng.setState(state) });
    gradCheck(drop, rand([4, 10], 20), { training: false });
  });

  it('BatchNorm2d in training (batch statistics) and evaluation (running statistics)', () => {
    const bn = built(new BatchNorm2d(), [3, 2, 2]);
    // non-trivial γ, β and running statistics
    const [w, b] = bn.parameters();
    w.value.data.set([1.5, -0.7, 0.9]);
    b.value.data.set([0.1, 0.2, -0.3]);
    const [mean, variance] = bn.buffers();
    (mean.value as Tensor).data.set([0.2, -0.1, 0.05]);
    (variance.value as Tensor).data.set([0.5, 1.7, 0.9]);
    gradCheck(bn, rand([4, 3, 2, 2], 21, -2, 2), { training: true });
    (mean.value as Tensor).data.set([0.2, -0.1, 0.05]);
    (variance.value as Tensor).data.set([0.5, 1.7, 0.9]);
    gradCheck(bn, rand([4, 3, 2, 2], 22, -2, 2), { training: false });
  });

  it('BatchNorm1d on [C] and [C, L] in training and evaluation', () => {
    const bn = built(new BatchNorm1d(), [4]);
    bn.parameters()[0].value.data.set([0.5, 1.2, -1, 2]);
    gradCheck(bn, rand([5, 4], 23, -2, 2), { training: true });
    gradCheck(bn, rand([5, 4], 24, -2, 2), { training: false });
    const bnl = built(new BatchNorm1d(), [2, 3]);
    gradCheck(bnl, rand([3, 2, 3], 25, -2, 2), { training: true });
  });

  it('the checker itself rejects a wrong gradient (input or parameter)', () => {
    const dense = built(new Dense(3), [4]);
    const x = rand([2, 4], 26);
    const wrongDx: Layer = {
      type: 'WrongDx',
      build: (s) => s,
      forward: (t) => dense.forward(t),
      backward: (dy) => {
        const dx = dense.backward(dy);
        dx.data[1] *= 1.1;
        return dx;
      },
      parameters: () => dense.parameters(),
      buffers: () => [],
      getConfig: () => ({ type: 'WrongDx' }),
    };
    expect(() => gradCheck(wrongDx, x)).toThrow(/d\/dx\[1\]/);
    const wrongDw: Layer = {
      ...wrongDx,
      backward: (dy) => {
        const dx = dense.backward(dy);
        dense.parameters()[0].grad.data[5] += 0.05;
        return dx;
      },
    };
    expect(() => gradCheck(wrongDw, x)).toThrow(/d\/dweight\[5\]/);
  });

  it('a whole model (conv → BN → ReLU → pool → flatten → dense → loss): every parameter gradient', () => {
    const model = new Sequential(
      [
        new Conv2d({ filters: 3, kernelSize: 3, padding: 1 }),
        new BatchNorm2d(),
        new ReLU(),
        new MaxPool2d(2),
        new Flatten(),
        new Dense(5),
        new Tanh(),
        new Dense(3),
      ],
      { inputShape: [2, 4, 4], seed: 3 },
    );
    const x = rand([4, 2, 4, 4], 27);
    const y = IntTensor.fromArray([0, 2, 1, 2]);
    const loss = new SoftmaxCrossEntropy();
    const objective = (): number => loss.forward(model.forward(x, { training: true }), y);
    model.zeroGrad();
    objective();
    model.backward(loss.backward());
    // small steps: ReLU and max-pool kinks are piecewise, and a big step would cross them
    const eps = 1e-3;
    for (const p of model.namedParameters()) {
      const g = Float64Array.from(p.grad.data);
      for (let i = 0; i < p.value.size; i++) {
        const v = p.value.data[i];
        p.value.data[i] = v + eps;
        const lp = objective();
        p.value.data[i] = v - eps;
        const lm = objective();
        p.value.data[i] = v;
        const n = (lp - lm) / (2 * eps);
        expect(Math.abs(g[i] - n), `${p.name}[${i}]: analytic ${g[i]}, numeric ${n}`).toBeLessThan(
          1e-3 + 2e-2 * Math.abs(n),
        );
      }
    }
  });
});
