import { describe, expect, it } from 'vitest';
import { col2im, conv2d, conv2dBackwardData, conv2dBackwardWeights, im2col } from '../src/ops/index.js';
import { conv2dGeometry } from '../src/shape.js';
import { Tensor } from '../src/tensor.js';
import { expectClose, rand, useTestBackend } from './helpers.js';
import { naiveConv2d, naiveConv2dBackwardData, naiveConv2dBackwardWeights } from './naive.js';

useTestBackend();

const T = Tensor.fromArray;

/** Σ y ⊙ r in float64: a scalar loss whose gradient with respect to y is r. */
function weighted(y: Tensor, r: Tensor): number {
  let s = 0;
  for (let i = 0; i < y.size; i++) s += y.data[i] * r.data[i];
  return s;
}

describe('conv2d (hand-worked)', () => {
  it('3×3 input, 2×2 kernel, no padding', () => {
    const x = T([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 1, 3, 3]);
    const w = T([1, 0, 0, -1], [1, 1, 2, 2]);
    // y[i, j] = x[i, j] − x[i+1, j+1] = −4 everywhere, plus bias 0.5
    expect(conv2d(x, w, T([0.5])).toArray()).toEqual([
      [
        [
          [-3.5, -3.5],
          [-3.5, -3.5],
        ],
      ],
    ]);
  });

  it("padding 1 and 'same' keep the size; stride 2 halves it", () => {
    const x = T([1, 2, 3, 4], [1, 1, 2, 2]);
    const w = new Tensor([1, 1, 3, 3]).fill(1);
    // Each output sums the in-image part of its 3×3 neighbourhood: every pixel sees all four.
    expect(conv2d(x, w, null, { padding: 1 }).toArray()).toEqual([
      [
        [
          [10, 10],
          [10, 10],
        ],
      ],
    ]);
    expect(conv2d(x, w, null, { padding: 'same' }).shape).toEqual([1, 1, 2, 2]);
    const x5 = rand([1, 1, 5, 5]);
    expect(conv2d(x5, w, null, { padding: 'same', stride: 2 }).shape).toEqual([1, 1, 3, 3]);
    expect(conv2d(x5, w, null, { padding: 'valid' }).shape).toEqual([1, 1, 3, 3]);
  });

  it('1×1 kernels mix channels per pixel', () => {
    const x = T([1, 2, 3, 4, 10, 20, 30, 40], [1, 2, 2, 2]);
    const w = T([1, 1, 2, -1], [2, 2, 1, 1]);
    expect(conv2d(x, w).toArray()).toEqual([
      [
        [
          [11, 22],
          [33, 44],
        ],
        [
          [-8, -16],
          [-24, -32],
        ],
      ],
    ]);
  });
});

describe('conv2d gradients against finite differences', () => {
  const cases = [
    { xs: [2, 2, 5, 4], ws: [3, 2, 3, 3], stride: 1, padding: 1 },
    { xs: [1, 3, 7, 7], ws: [2, 3, 3, 3], stride: 2, padding: 0 },
    { xs: [1, 1, 6, 5], ws: [2, 1, 2, 2], stride: 2, padding: 2 },
    { xs: [2, 3, 3, 3], ws: [4, 3, 1, 1], stride: 1, padding: 0 },
  ] as const;
  for (const { xs, ws, stride, padding } of cases) {
    it(`x [${xs}] w [${ws}] stride ${stride} padding ${padding}`, () => {
      const opts = { stride, padding };
      const x = rand(xs, 1);
      const w = rand(ws, 2);
      const b = rand([ws[0]], 3);
      const y = conv2d(x, w, b, opts);
      const r = rand(y.shape, 4); // dL/dy
      const dx = conv2dBackwardData(r, w, x.shape, opts);
      const { dw, db } = conv2dBackwardWeights(x, r, w.shape, opts);
      const h = 1e-2;
      const fd = (t: Tensor, i: number): number => {
        const keep = t.data[i];
        t.data[i] = keep + h;
        const up = weighted(conv2d(x, w, b, opts), r);
        t.data[i] = keep - h;
        const down = weighted(conv2d(x, w, b, opts), r);
        t.data[i] = keep;
        return (up - down) / (2 * h);
      };
      for (const i of [0, 3, Math.floor(x.size / 2), x.size - 1]) expect(dx.data[i]).toBeCloseTo(fd(x, i), 3);
      for (const i of [0, 1, w.size - 1]) expect(dw.data[i]).toBeCloseTo(fd(w, i), 3);
      for (let i = 0; i < b.size; i++) expect(db?.data[i]).toBeCloseTo(fd(b, i), 3);
      // And everywhere against the direct formulations.
      const g = conv2dGeometry(xs, ws, stride, padding);
      expectClose(y.data, naiveConv2d(x.data, w.data, b.data, g), 1e-5);
      expectClose(dx.data, naiveConv2dBackwardData(r.data, w.data, g), 1e-5);
      const ref = naiveConv2dBackwardWeights(x.data, r.data, g);
      expectClose(dw.data, ref.dw, 1e-5);
    });
  }

  it('conv2dBackwardWeights accumulates into dw/db and can skip db', () => {
    const x = rand([1, 1, 4, 4]);
    const dy = rand([1, 2, 2, 2]);
    const once = conv2dBackwardWeights(x, dy, [2, 1, 3, 3]);
    const dw = new Tensor([2, 1, 3, 3]).fill(0);
    conv2dBackwardWeights(x, dy, [2, 1, 3, 3], { dw, db: null });
    const r = conv2dBackwardWeights(x, dy, [2, 1, 3, 3], { dw, db: null });
    expect(r.db).toBeNull();
    expect(r.dw).toBe(dw);
    expectClose(
      dw.data,
      Array.from(once.dw.data, (v) => 2 * v),
    );
    // accumulate: false overwrites, whatever dw and db held
    const db = new Tensor([2]).fill(7);
    conv2dBackwardWeights(x, dy, [2, 1, 3, 3], { dw, db, accumulate: false });
    expect(dw.data).toEqual(once.dw.data);
    expect(db.data).toEqual((once.db as Tensor).data);
  });
});

describe('im2col / col2im', () => {
  it('unfolds patches in (c, i, j) row order (hand-worked)', () => {
    const x = T([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 1, 3, 3]);
    const cols = im2col(x, { kernelSize: 2 });
    expect(cols.shape).toEqual([1, 4, 4]);
    expect(cols.toArray()).toEqual([
      [
        [1, 2, 4, 5],
        [2, 3, 5, 6],
        [4, 5, 7, 8],
        [5, 6, 8, 9],
      ],
    ]);
    const padded = im2col(T([1, 2, 3, 4], [1, 1, 2, 2]), { kernelSize: 3, padding: 1, stride: 2 });
    expect(padded.shape).toEqual([1, 9, 1]);
    expect(Array.from(padded.data)).toEqual([0, 0, 0, 0, 1, 2, 0, 3, 4]);
  });

  it('col2im is the adjoint of im2col: ⟨im2col(x), c⟩ = ⟨x, col2im(c)⟩', () => {
    for (const [shape, opts] of [
      [[2, 3, 6, 5], { kernelSize: 3, padding: 1 }],
      [
        [1, 2, 7, 7],
        { kernelSize: [3, 2] as [number, number], stride: 2, padding: [2, 1] as [number, number] },
      ],
      [[1, 1, 4, 4], { kernelSize: 1 }],
    ] as const) {
      const x = rand(shape, 5);
      const cols = im2col(x, opts);
      const c = rand(cols.shape, 6);
      const back = col2im(c, shape, opts);
      expect(weighted(cols, c)).toBeCloseTo(weighted(x, back), 4);
    }
  });

  it('col2im sums overlapping patches (each pixel counted once per window covering it)', () => {
    const ones = new Tensor([1, 4, 4]).fill(1);
    expect(col2im(ones, [1, 1, 3, 3], { kernelSize: 2 }).toArray()).toEqual([
      [
        [
          [1, 2, 1],
          [2, 4, 2],
          [1, 2, 1],
        ],
      ],
    ]);
  });
});

describe('conv shape errors name the op and the shapes', () => {
  it.each([
    [
      () => conv2d(new Tensor([1, 3, 5, 5]), new Tensor([2, 4, 3, 3])),
      'conv2d: input [1, 3, 5, 5] has 3 channels but weight [2, 4, 3, 3] expects 4',
    ],
    [
      () => conv2d(new Tensor([3, 5, 5]), new Tensor([2, 3, 3, 3])),
      'conv2d: input must be [N, C, H, W], got [3, 5, 5]',
    ],
    [
      () => conv2d(new Tensor([1, 3, 5, 5]), new Tensor([2, 3, 3])),
      'conv2d: weight must be [O, C, kH, kW], got [2, 3, 3]',
    ],
    [
      () => conv2d(new Tensor([1, 1, 2, 2]), new Tensor([1, 1, 3, 3])),
      'conv2d: a 3-wide window with padding 0 does not fit an input height of 2',
    ],
    [
      () => conv2d(new Tensor([1, 1, 5, 5]), new Tensor([2, 1, 3, 3]), new Tensor([3])),
      'conv2d: bias has shape [3], but weight [2, 1, 3, 3] needs [2]',
    ],
    [
      () => conv2d(new Tensor([1, 1, 5, 5]), new Tensor([1, 1, 2, 2]), null, { padding: 'same' }),
      "conv2d: padding 'same' needs an odd kernel size, got 2×2",
    ],
    [
      () => conv2d(new Tensor([1, 1, 5, 5]), new Tensor([1, 1, 3, 3]), null, { stride: 0 }),
      'conv2d: stride must be ≥ 1, got 0',
    ],
    [
      () =>
        conv2d(new Tensor([1, 1, 5, 5]), new Tensor([1, 1, 3, 3]), null, { out: new Tensor([1, 1, 5, 5]) }),
      'conv2d: out has shape [1, 1, 5, 5], expected [1, 1, 3, 3]',
    ],
    [
      () => conv2dBackwardData(new Tensor([1, 2, 4, 4]), new Tensor([2, 1, 3, 3]), [1, 1, 5, 5]),
      "conv2dBackwardData: dy has shape [1, 2, 4, 4], but the convolution's output is [1, 2, 3, 3]",
    ],
    [
      () => conv2dBackwardData(new Tensor([1, 2, 3, 3]), new Tensor([2, 1, 3, 3]), [1, 5, 5]),
      'conv2dBackwardData: inputShape must be 4 non-negative integers, got [1, 5, 5]',
    ],
    [
      () => conv2dBackwardWeights(new Tensor([1, 1, 5, 5]), new Tensor([1, 3, 3, 3]), [2, 1, 3, 3]),
      "conv2dBackwardWeights: dy has shape [1, 3, 3, 3], but the convolution's output is [1, 2, 3, 3]",
    ],
    [
      () =>
        conv2dBackwardWeights(new Tensor([1, 1, 5, 5]), new Tensor([1, 2, 3, 3]), [2, 1, 3, 3], {
          dw: new Tensor([2, 1, 2, 2]),
        }),
      'conv2dBackwardWeights: dw has shape [2, 1, 2, 2], expected [2, 1, 3, 3]',
    ],
    [
      () => im2col(new Tensor([1, 5, 5]), { kernelSize: 3 }),
      'im2col: input must be [N, C, H, W], got [1, 5, 5]',
    ],
    [
      () => col2im(new Tensor([1, 9, 8]), [1, 1, 5, 5], { kernelSize: 3 }),
      'col2im: cols has shape [1, 9, 8], but folding into [1, 1, 5, 5] needs [1, 9, 9]',
    ],
  ])('%#', (f, message) => {
    expect(f).toThrow(message);
  });
});
