import { Random, Tensor } from '@scratchnet/tensor';

/** A float tensor of `shape` holding `values`. */
function of(shape: number[], values: number[]): Tensor {
  const t = new Tensor(shape);
  t.data.set(values);
  return t;
}
import { describe, expect, it } from 'vitest';
import {
  BaseLayer,
  type BackwardOptions,
  BatchNorm2d,
  Conv2d,
  Dense,
  Flatten,
  type Layer,
  MaxPool2d,
  type Parameter,
  ReLU,
  Sequential,
  accumulatesGrads,
} from '../src/index.js';
import { rand } from './gradcheck.js';

/** Runs the layers one by one (no fusion, gradients zeroed first): output, dx and gradients. */
function layerByLayer(
  model: Sequential,
  x: Tensor,
  dy: Tensor,
): { y: Float32Array; dx: Float32Array; grads: Float32Array[] } {
  model.zeroGrad();
  let h = x;
  for (const layer of model.layers) h = layer.forward(h);
  const y = h.data.slice();
  let g = dy;
  for (let i = model.layers.length - 1; i >= 0; i--) g = model.layers[i].backward(g);
  return { y, dx: g.data.slice(), grads: model.namedParameters().map((p) => p.grad.data.slice()) };
}

const convReluPool = (): Sequential =>
  new Sequential(
    [
      new Conv2d({ filters: 3, kernelSize: 3, padding: 1 }),
      new ReLU(),
      new MaxPool2d(2),
      new Flatten(),
      new Dense(4),
    ],
    { inputShape: [2, 6, 10], seed: 3 },
  );

describe('Sequential: a ReLU followed by a MaxPool2d', () => {
  it('gives the output, input gradient and parameter gradients of the layers run one by one, to the bit', () => {
    const model = convReluPool();
    const x = rand([3, 2, 6, 10], 11);
    // A NaN and windows that are all negative (their gradient must stay 0 wherever the argmax is).
    x.data[17] = Number.NaN;
    for (let i = 40; i < 80; i++) x.data[i] = -1 - i / 100;
    const dy = rand([3, 4], 12);
    const ref = layerByLayer(model, x, dy);
    expect(ref.y.some(Number.isNaN)).toBe(true);
    model.zeroGrad();
    const y = model.forward(x);
    expect(y.data).toEqual(ref.y);
    const dx = model.backward(dy);
    expect(dx.data).toEqual(ref.dx);
    for (const [i, p] of model.namedParameters().entries()) expect(p.grad.data).toEqual(ref.grads[i]);
  });

  it('runs the ReLU on the pooled output: relu(maxpool(x)) = maxpool(relu(x))', () => {
    const pool = new MaxPool2d(2);
    pool.build([1, 2, 4], new Random(0));
    const x = of([1, 1, 2, 4], [-3, -1, 5, 2, -2, -4, 1, 7]);
    expect([...pool.forwardRelu(x).data]).toEqual([0, 7]);
    // dy reaches x only at a positive maximum
    expect([...pool.backward(of([1, 1, 1, 2], [10, 20])).data]).toEqual([0, 0, 0, 0, 0, 0, 0, 20]);
    // a plain forward afterwards is a plain max pool again
    expect([...pool.forward(x).data]).toEqual([-1, 7]);
    expect([...pool.backward(of([1, 1, 1, 2], [10, 20])).data]).toEqual([0, 10, 0, 0, 0, 0, 0, 20]);
  });
});

/** A layer with one parameter that only knows how to accumulate (no `overwritesGrads`). */
class Accumulating extends BaseLayer {
  readonly type = 'Accumulating';
  private readonly p: Parameter = { name: 'weight', value: of([2], [1, 1]), grad: new Tensor([2]) };
  protected doBuild(inputShape: readonly number[]): readonly number[] {
    return inputShape;
  }
  forward(x: Tensor): Tensor {
    return x;
  }
  backward(dy: Tensor, options?: BackwardOptions): Tensor {
    expect(accumulatesGrads(options)).toBe(true);
    this.p.grad.data[0] += 1;
    this.p.grad.data[1] += dy.data[0];
    return dy;
  }
  override parameters(): Parameter[] {
    return [this.p];
  }
  getConfig() {
    return { type: this.type };
  }
}

/** y = w·x with a scalar weight that may be shared; honours `accumulate: false`. */
class Scale extends BaseLayer {
  readonly type = 'Scale';
  override readonly overwritesGrads = true;
  private x: Tensor | undefined;
  constructor(private readonly w: Parameter) {
    super();
  }
  protected doBuild(inputShape: readonly number[]): readonly number[] {
    return inputShape;
  }
  forward(x: Tensor): Tensor {
    this.x = x;
    const y = new Tensor(x.shape);
    for (let i = 0; i < x.size; i++) y.data[i] = this.w.value.data[0] * x.data[i];
    return y;
  }
  backward(dy: Tensor, options?: BackwardOptions): Tensor {
    const x = this.x as Tensor;
    let s = accumulatesGrads(options) ? this.w.grad.data[0] : 0;
    const dx = new Tensor(dy.shape);
    for (let i = 0; i < dy.size; i++) {
      s += dy.data[i] * x.data[i];
      dx.data[i] = this.w.value.data[0] * dy.data[i];
    }
    this.w.grad.data[0] = s;
    return dx;
  }
  override parameters(): Parameter[] {
    return [this.w];
  }
  getConfig() {
    return { type: this.type };
  }
}

describe('Sequential.backward with accumulate: false', () => {
  it('overwrites every gradient, as zeroGrad then backward would, and accumulates by default', () => {
    const layers: Layer[] = [new Dense(3), new Accumulating(), new ReLU(), new Dense(2)];
    const model = new Sequential(layers, { inputShape: [4], seed: 5 });
    const x = rand([5, 4], 1);
    const dy = rand([5, 2], 2);
    model.zeroGrad();
    model.forward(x);
    model.backward(dy);
    const once = model.namedParameters().map((p) => p.grad.data.slice());
    model.backward(dy); // default: adds
    for (const [i, p] of model.namedParameters().entries())
      expect(p.grad.data).toEqual(once[i].map((v) => v + v));
    model.backward(dy, { accumulate: false });
    for (const [i, p] of model.namedParameters().entries()) expect(p.grad.data).toEqual(once[i]);
    expect(model.namedParameters()[2].grad.data[0]).toBe(1);
  });

  it('overwrites the gradients of Conv2d (with and without bias, Winograd-sized too) and BatchNorm2d', () => {
    const model = new Sequential(
      [
        new Conv2d({ filters: 16, kernelSize: 3, padding: 1 }),
        new BatchNorm2d(),
        new ReLU(),
        new Conv2d({ filters: 16, kernelSize: 3, padding: 1, useBias: false }),
        new Flatten(),
        new Dense(3),
      ],
      { inputShape: [2, 6, 5], seed: 4 },
    );
    expect(model.layers.every((l) => l.parameters().length === 0 || l.overwritesGrads === true)).toBe(true);
    const x = rand([3, 2, 6, 5], 7);
    const dy = rand([3, 3], 8);
    model.zeroGrad();
    model.forward(x, { training: true });
    model.backward(dy);
    const once = model.namedParameters().map((p) => p.grad.data.slice());
    model.backward(dy);
    for (const [i, p] of model.namedParameters().entries()) expect(p.grad.data).not.toEqual(once[i]);
    model.backward(dy, { accumulate: false });
    for (const [i, p] of model.namedParameters().entries()) expect(p.grad.data).toEqual(once[i]);
  });

  it('zeroes a gradient tensor two layers share instead of letting either overwrite it', () => {
    const tied: Parameter = { name: 'weight', value: of([1], [2]), grad: new Tensor([1]) };
    const model = new Sequential([new Scale(tied), new Scale(tied)], { inputShape: [3], seed: 2 });
    const x = rand([4, 3], 3);
    const dy = rand([4, 3], 4);
    model.zeroGrad();
    model.forward(x);
    model.backward(dy);
    const sum = tied.grad.data[0];
    expect(sum).not.toBe(0);
    model.backward(dy, { accumulate: false });
    expect(tied.grad.data[0]).toBe(sum);
  });
});
