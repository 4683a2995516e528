import { describe, expect, it } from 'vitest';
import { conv2dGeometry } from '../src/shape.js';
import { Tensor } from '../src/tensor.js';
import { expectClose, rand } from './helpers.js';
import { on, reference } from './positional.js';
import { naiveConv2d, naiveConv2dBackwardData, naiveConv2dBackwardWeights, naiveGemm } from './naive.js';

const js = on(reference);

describe('reference gemm vs the naive triple loop', () => {
  const shapes: [number, number, number][] = [
    [1, 1, 1],
    [3, 5, 7],
    [17, 13, 33],
    [4, 16, 1],
    [1, 9, 6],
  ];
  for (const transA of [false, true])
    for (const transB of [false, true])
      for (const [m, n, k] of shapes)
        for (const [alpha, beta] of [
          [1, 0],
          [0.5, 1],
          [-2, 0.25],
        ]) {
          it(`transA=${transA} transB=${transB} m=${m} n=${n} k=${k} α=${alpha} β=${beta}`, () => {
            const a = rand([m * k], 1);
            const b = rand([k * n], 2);
            const c = rand([m * n], 3);
            const expected = naiveGemm(transA, transB, m, n, k, alpha, a.data, b.data, beta, c.data);
            js.gemm(transA, transB, m, n, k, alpha, a, b, beta, c);
            expectClose(c.data, expected);
          });
        }

  it('β = 0 ignores NaN and Inf in C', () => {
    for (const transB of [false, true]) {
      const a = rand([6], 1);
      const b = rand([6], 2);
      const c = Tensor.fromArray([Number.NaN, Number.POSITIVE_INFINITY, Number.NaN, Number.NaN]);
      js.gemm(false, transB, 2, 2, 3, 1, a, b, 0, c);
      expectClose(c.data, naiveGemm(false, transB, 2, 2, 3, 1, a.data, b.data, 0, [0, 0, 0, 0]));
    }
  });

  it('computes a hand-worked product', () => {
    const a = Tensor.fromArray([
      [1, 2],
      [3, 4],
    ]);
    const b = Tensor.fromArray([
      [5, 6],
      [7, 8],
    ]);
    const c = Tensor.fromArray([
      [1, 1],
      [1, 1],
    ]);
    js.gemm(false, false, 2, 2, 2, 1, a, b, 10, c);
    expect(Array.from(c.data)).toEqual([19 + 10, 22 + 10, 43 + 10, 50 + 10]);
  });
});

describe('reference convolution vs the direct 7-loop formulation', () => {
  const cases: {
    x: number[];
    w: number[];
    stride: number | [number, number];
    pad: number | [number, number];
  }[] = [
    { x: [2, 3, 7, 6], w: [4, 3, 3, 3], stride: 1, pad: 1 },
    { x: [1, 1, 5, 5], w: [1, 1, 1, 1], stride: 1, pad: 0 },
    { x: [2, 3, 5, 7], w: [5, 3, 1, 1], stride: 1, pad: 0 },
    { x: [1, 2, 9, 7], w: [3, 2, 3, 2], stride: 2, pad: 0 },
    { x: [2, 2, 6, 5], w: [3, 2, 3, 3], stride: 2, pad: 2 },
    { x: [1, 3, 4, 4], w: [2, 3, 5, 5], stride: 1, pad: 2 },
    { x: [1, 1, 8, 9], w: [2, 1, 2, 3], stride: [2, 3], pad: [1, 0] },
    { x: [3, 1, 3, 3], w: [2, 1, 3, 3], stride: 1, pad: 0 },
    { x: [1, 2, 5, 5], w: [2, 2, 1, 1], stride: 2, pad: 1 },
  ];
  for (const { x: xs, w: ws, stride, pad } of cases) {
    const name = `x [${xs}] w [${ws}] stride ${stride} pad ${pad}`;
    const g = conv2dGeometry(xs, ws, stride, pad);
    const x = rand(xs, 11);
    const w = rand(ws, 12);
    const bias = rand([ws[0]], 13);
    const dy = rand([g.batch, g.outChannels, g.outHeight, g.outWidth], 14);

    it(`forward: ${name}`, () => {
      const y = new Tensor(dy.shape).fill(Number.NaN);
      js.conv2d(x, w, bias, y, g);
      expectClose(y.data, naiveConv2d(x.data, w.data, bias.data, g));
      js.conv2d(x, w, null, y, g);
      expectClose(y.data, naiveConv2d(x.data, w.data, null, g));
    });

    it(`backward data: ${name}`, () => {
      const dx = new Tensor(xs).fill(Number.NaN);
      js.conv2dBackwardData(dy, w, dx, g);
      expectClose(dx.data, naiveConv2dBackwardData(dy.data, w.data, g));
    });

    it(`backward weights (accumulating): ${name}`, () => {
      const dw = new Tensor(ws).fill(0.5);
      const db = new Tensor([ws[0]]).fill(-1);
      js.conv2dBackwardWeights(x, dy, dw, db, g);
      const ref = naiveConv2dBackwardWeights(x.data, dy.data, g);
      expectClose(
        dw.data,
        ref.dw.map((v) => v + 0.5),
      );
      expectClose(
        db.data,
        ref.db.map((v) => v - 1),
      );
    });
  }
});
