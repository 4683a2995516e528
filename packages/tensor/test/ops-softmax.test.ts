import { describe, expect, it } from 'vitest';
import { logSoftmax, softmax, softmaxCrossEntropy } from '../src/ops/index.js';
import { IntTensor, Tensor } from '../src/tensor.js';
import { expectClose, rand, useTestBackend } from './helpers.js';

useTestBackend();

const T = Tensor.fromArray;

describe('softmax and logSoftmax', () => {
  it('hand-worked values', () => {
    const s = softmax(T([0, Math.log(3)]));
    expectClose(s.data, [0.25, 0.75]);
    const l = logSoftmax(T([[0, Math.log(3)]]));
    expectClose(l.data, [Math.log(0.25), Math.log(0.75)]);
  });

  it('stays finite with huge logits', () => {
    const x = T([
      [1000, 0, -1000],
      [3e38, 3e38, -3e38],
      [-1e30, -1e30, -1e30],
    ]);
    const s = softmax(x);
    expectClose(s.data, [1, 0, 0, 0.5, 0.5, 0, 1 / 3, 1 / 3, 1 / 3]);
    const l = logSoftmax(x);
    expectClose([l.data[0], l.data[1], l.data[2]], [0, -1000, -2000]);
    expect(l.data[3]).toBeCloseTo(-Math.LN2, 6);
    expect(l.data[6]).toBeCloseTo(-Math.log(3), 6);
  });

  it('along any axis equals the last-axis kernel on the transposed data', () => {
    const x = rand([3, 4, 2], 7);
    for (const axis of [0, 1]) {
      const s = softmax(x, { axis });
      const l = logSoftmax(x, { axis });
      // reference: direct formula per line along the axis
      const stride = axis === 0 ? 8 : 2;
      const n = x.shape[axis];
      for (let i = 0; i < x.size; i++) {
        const k = Math.floor(i / stride) % n;
        const base = i - k * stride;
        let m = Number.NEGATIVE_INFINITY;
        for (let j = 0; j < n; j++) m = Math.max(m, x.data[base + j * stride]);
        let z = 0;
        for (let j = 0; j < n; j++) z += Math.exp(x.data[base + j * stride] - m);
        expect(s.data[i]).toBeCloseTo(Math.exp(x.data[i] - m) / z, 6);
        expect(l.data[i]).toBeCloseTo(x.data[i] - m - Math.log(z), 5);
      }
    }
  });

  it('writes in place into x, and validates', () => {
    const x = T([1, 2, 3]);
    expect(softmax(x, { out: x })).toBe(x);
    expectClose([x.data[0] + x.data[1] + x.data[2]], [1]);
    expect(() => softmax(T(1))).toThrow('softmax: needs at least 1 axis, got a scalar');
    expect(() => logSoftmax(T([1, 2]), { axis: 1 })).toThrow(
      'logSoftmax: axis 1 is out of range for a tensor of rank 1',
    );
  });
});

describe('softmaxCrossEntropy', () => {
  it('hand-worked loss: uniform logits give log K', () => {
    const { loss, grad } = softmaxCrossEntropy(new Tensor([2, 4]).fill(0), IntTensor.fromArray([1, 3]));
    expect(loss).toBeCloseTo(Math.log(4), 6);
    expect(grad).toBeNull();
  });

  it('equals −mean(logSoftmax[label]) and its gradient matches finite differences', () => {
    const logits = rand([5, 7], 3);
    const labels = IntTensor.fromArray([0, 6, 3, 3, 1]);
    const { loss, grad } = softmaxCrossEntropy(logits, labels, { grad: true });
    const ls = logSoftmax(logits);
    let ref = 0;
    for (let i = 0; i < 5; i++) ref -= ls.data[i * 7 + labels.data[i]];
    expect(loss).toBeCloseTo(ref / 5, 6);
    const h = 1e-3;
    for (const i of [0, 6, 13, 20, 34]) {
      const keep = logits.data[i];
      logits.data[i] = keep + h;
      const up = softmaxCrossEntropy(logits, labels).loss;
      logits.data[i] = keep - h;
      const down = softmaxCrossEntropy(logits, labels).loss;
      logits.data[i] = keep;
      expect(grad?.data[i]).toBeCloseTo((up - down) / (2 * h), 4);
    }
    // Each gradient row sums to 0.
    for (let r = 0; r < 5; r++) {
      let s = 0;
      for (let j = 0; j < 7; j++) s += grad?.data[r * 7 + j] ?? Number.NaN;
      expect(Math.abs(s)).toBeLessThan(1e-7);
    }
  });

  it('is stable for huge logits (no Inf/NaN)', () => {
    const logits = T([
      [1e30, 0],
      [0, 1e30],
    ]);
    const { loss, grad } = softmaxCrossEntropy(logits, IntTensor.fromArray([0, 0]), { grad: true });
    expect(loss).toBeCloseTo(1e30 / 2, -25);
    expect(Array.from(grad?.data ?? [])).toEqual([0, 0, -0.5, 0.5]);
  });

  it('validates shapes, label range and out', () => {
    const l = new Tensor([2, 3]).fill(0);
    expect(() => softmaxCrossEntropy(l, IntTensor.fromArray([0, 1, 2]))).toThrow(
      'softmaxCrossEntropy: labels have shape [3], but logits [2, 3] need [2]',
    );
    expect(() => softmaxCrossEntropy(new Tensor([6]), IntTensor.fromArray([0]))).toThrow(
      'softmaxCrossEntropy: logits must be [N, K], got [6]',
    );
    expect(() => softmaxCrossEntropy(l, IntTensor.fromArray([0, 3]))).toThrow(
      'softmaxCrossEntropy: label 3 of row 1 is outside [0, 3)',
    );
    expect(() => softmaxCrossEntropy(l, T([0, 1]) as unknown as IntTensor)).toThrow(
      'labels must be an IntTensor',
    );
    expect(() => softmaxCrossEntropy(l, IntTensor.fromArray([0, 1]), { out: new Tensor([3, 2]) })).toThrow(
      'softmaxCrossEntropy: out has shape [3, 2], expected [2, 3]',
    );
    expect(() => softmaxCrossEntropy(new Tensor([0, 3]), new IntTensor([0]))).toThrow(/the batch is empty/);
  });
});
