import { describe, expect, it } from 'vitest';
import { axpby, sgdUpdate } from '../src/ops/index.js';
import { Tensor } from '../src/tensor.js';
import { rand, useTestBackend } from './helpers.js';

useTestBackend();

/** The SGD step as the axpby sequence it fuses (PyTorch's algorithm), with scratch tensors. */
function bySteps(
  p: Tensor,
  grad: Tensor,
  b: Tensor | null,
  o: {
    lr: number;
    momentum: number;
    dampening: number;
    weightDecay: number;
    nesterov: boolean;
    first: boolean;
  },
): void {
  let g = grad;
  if (o.weightDecay !== 0) g = axpby(o.weightDecay, p, 1, grad);
  if (b !== null) {
    if (o.first) b.data.set(g.data);
    else axpby(1 - o.dampening, g, o.momentum, b, { out: b });
    g = o.nesterov ? axpby(o.momentum, b, 1, g) : b;
  }
  axpby(-o.lr, g, 1, p, { out: p });
}

/** The first index where a and b differ in their bits, or -1 (fast for long arrays). */
function firstDifference(a: Float32Array, b: Float32Array): number {
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  if (x.length !== y.length) return 0;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}

describe('sgdUpdate', () => {
  const n = 40003; // past the parallel threshold, and not a multiple of the SIMD width
  for (const [momentum, dampening, weightDecay, nesterov] of [
    [0.9, 0, 0, false],
    [0.9, 0.3, 1e-3, false],
    [0.8, 0, 5e-4, true],
    [0, 0, 0, false],
    [0, 0, 1e-2, false],
  ] as const) {
    it(`equals the axpby sequence to the bit over three steps (μ=${momentum} τ=${dampening} λ=${weightDecay}${nesterov ? ', Nesterov' : ''})`, () => {
      const p1 = rand([n], 1);
      const p2 = rand([n], 1);
      const b1 = momentum === 0 ? null : new Tensor([n]);
      const b2 = momentum === 0 ? null : new Tensor([n]);
      for (let t = 1; t <= 3; t++) {
        const grad = rand([n], 10 + t);
        const o = { lr: 0.05 / t, momentum, dampening, weightDecay, nesterov, first: t === 1 };
        bySteps(p1, grad, b1, o);
        sgdUpdate(p2, grad, b2, o);
        expect(firstDifference(p2.data, p1.data)).toBe(-1);
        if (b1 !== null && b2 !== null) expect(firstDifference(b2.data, b1.data)).toBe(-1);
      }
    });
  }

  it('matches hand-worked values', () => {
    const p = Tensor.fromArray([1, -2]);
    const b = Tensor.fromArray([0.5, 0]);
    sgdUpdate(p, Tensor.fromArray([2, 4]), b, {
      lr: 0.5,
      momentum: 0.5,
      dampening: 0,
      weightDecay: 0,
      nesterov: false,
      first: false,
    });
    // b = 2 + 0.25 = 2.25, 4 + 0 = 4; θ = 1 − 1.125, −2 − 2
    expect([...b.data]).toEqual([2.25, 4]);
    expect([...p.data]).toEqual([-0.125, -4]);
  });

  it('names the mismatched tensor', () => {
    expect(() =>
      sgdUpdate(new Tensor([3]), new Tensor([4]), null, {
        lr: 1,
        momentum: 0,
        dampening: 0,
        weightDecay: 0,
        nesterov: false,
        first: false,
      }),
    ).toThrow(/sgdUpdate: grad/);
  });
});
