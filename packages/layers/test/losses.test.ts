import { IntTensor, Tensor, listBackends, setBackend } from '@scratchnet/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { CategoricalCrossEntropy, type Loss, MSE, SoftmaxCrossEntropy, createLoss } from '../src/index.js';
import { rand } from './gradcheck.js';

/** Central differences of the mean loss against loss.backward(), for every output element. */
function lossGradCheck(loss: Loss, output: Tensor, target: IntTensor | Tensor, eps = 1e-3): void {
  loss.forward(output, target);
  const analytic = Float64Array.from(loss.backward().data);
  const o = output.data;
  for (let i = 0; i < output.size; i++) {
    const v = o[i];
    o[i] = v + eps;
    const lp = loss.forward(output, target);
    o[i] = v - eps;
    const lm = loss.forward(output, target);
    o[i] = v;
    const n = (lp - lm) / (2 * eps);
    expect(Math.abs(analytic[i] - n), `${loss.type} d/doutput[${i}]: ${analytic[i]} vs ${n}`).toBeLessThan(
      2e-4 + 1e-2 * Math.abs(n),
    );
  }
}

/** Rows of probabilities (softmax of random logits), away from the clip. */
function probabilities(n: number, k: number, seed: number): Tensor {
  const p = rand([n, k], seed, -1, 1);
  const d = p.data;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < k; j++) s += d[i * k + j] = Math.exp(d[i * k + j]);
    for (let j = 0; j < k; j++) d[i * k + j] /= s;
  }
  return p;
}

describe.each(listBackends())('losses (%s backend)', (backend) => {
  beforeAll(() => {
    setBackend(backend);
  });

  const labels = IntTensor.fromArray([2, 0, 1, 2]);

  it('SoftmaxCrossEntropy: hand-worked value and gradient', () => {
    const loss = new SoftmaxCrossEntropy();
    // log(e + e² + e³) − 3
    expect(loss.forward(Tensor.fromArray([[1, 2, 3]]), IntTensor.fromArray([2]))).toBeCloseTo(0.40760596, 6);
    const s = [Math.exp(1), Math.exp(2), Math.exp(3)];
    const z = s[0] + s[1] + s[2];
    const g = loss.backward().data;
    expect(g[0]).toBeCloseTo(s[0] / z, 6);
    expect(g[1]).toBeCloseTo(s[1] / z, 6);
    expect(g[2]).toBeCloseTo(s[2] / z - 1, 6);
  });

  it('SoftmaxCrossEntropy is stable for huge logits', () => {
    const loss = new SoftmaxCrossEntropy();
    expect(loss.forward(Tensor.fromArray([[1000, 0, -1000]]), IntTensor.fromArray([1]))).toBeCloseTo(1000, 3);
    expect(Number.isFinite(loss.backward().data[0])).toBe(true);
  });

  it('SoftmaxCrossEntropy gradient matches finite differences', () => {
    lossGradCheck(new SoftmaxCrossEntropy(), rand([4, 3], 1, -2, 2), labels);
  });

  it('CategoricalCrossEntropy: value with labels and with target distributions, gradient', () => {
    const loss = new CategoricalCrossEntropy();
    expect(loss.forward(Tensor.fromArray([[0.2, 0.3, 0.5]]), IntTensor.fromArray([1]))).toBeCloseTo(
      -Math.log(0.3),
      6,
    );
    const soft = Tensor.fromArray([[0.5, 0.5, 0]]);
    expect(loss.forward(Tensor.fromArray([[0.2, 0.3, 0.5]]), soft)).toBeCloseTo(
      -(0.5 * Math.log(0.2) + 0.5 * Math.log(0.3)),
      6,
    );
    // a confident mistake is large but finite (probabilities clipped to 1e-7)
    expect(loss.forward(Tensor.fromArray([[1, 0]]), IntTensor.fromArray([1]))).toBeCloseTo(
      -Math.log(1e-7),
      3,
    );
    lossGradCheck(new CategoricalCrossEntropy(), probabilities(4, 3, 2), labels, 1e-4);
    lossGradCheck(new CategoricalCrossEntropy(), probabilities(4, 3, 3), probabilities(4, 3, 4), 1e-4);
  });

  it('MSE: one-hot labels and float targets, gradient', () => {
    const loss = new MSE();
    // ((0.5 − 1)² + (−1 − 0)²) / 2
    expect(loss.forward(Tensor.fromArray([[0.5, -1]]), IntTensor.fromArray([0]))).toBeCloseTo(0.625, 6);
    expect(Array.from(loss.backward().data)).toEqual([-0.5, -1]);
    expect(loss.forward(Tensor.fromArray([[1, 2, 3]]), Tensor.fromArray([[1, 0, 0]]))).toBeCloseTo(13 / 3, 6);
    lossGradCheck(new MSE(), rand([4, 3], 5), labels);
    lossGradCheck(new MSE(), rand([2, 5], 6), rand([2, 5], 7));
  });

  it('reject labels out of range, wrong shapes and unknown names', () => {
    const out = rand([2, 3], 8);
    expect(() => new SoftmaxCrossEntropy().forward(out, IntTensor.fromArray([0, 3]))).toThrow(
      'SoftmaxCrossEntropy: label 3 of sample 1 is outside [0, 3) for 3 classes',
    );
    expect(() => new SoftmaxCrossEntropy().forward(out, IntTensor.fromArray([0]))).toThrow(
      'SoftmaxCrossEntropy: labels must be [2] for output [2, 3], got [1]',
    );
    expect(() => new MSE().forward(out, rand([3, 2], 9))).toThrow(
      'MSE: target [3, 2] does not match output [2, 3]',
    );
    expect(() => createLoss('hinge' as never)).toThrow("unknown loss 'hinge'");
  });
});
