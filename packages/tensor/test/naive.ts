/**
 * Independent, deliberately naive formulations (straight from the definitions, in float64) that the
 * optimised kernels are checked against.
 */
import type { Conv2dGeometry } from '../src/shape.js';

/** C = α·op(A)·op(B) + β·C by the triple loop over op(A)[i, p] · op(B)[p, j]. */
export function naiveGemm(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  beta: number,
  c: ArrayLike<number>,
): number[] {
  const out: number[] = [];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        const av = transA ? a[p * m + i] : a[i * k + p];
        const bv = transB ? b[j * k + p] : b[p * n + j];
        s += av * bv;
      }
      out.push(alpha * s + (beta === 0 ? 0 : beta * c[i * n + j]));
    }
  }
  return out;
}

/** The 7-loop direct convolution: y[n, o, oh, ow] = b[o] + Σ_{c,i,j} x[n, c, ih, iw] · w[o, c, i, j]. */
export function naiveConv2d(
  x: ArrayLike<number>,
  w: ArrayLike<number>,
  bias: ArrayLike<number> | null,
  g: Conv2dGeometry,
): number[] {
  const { batch: N, inChannels: C, inHeight: H, inWidth: W, outChannels: O, kernelH: KH, kernelW: KW } = g;
  const y: number[] = [];
  for (let n = 0; n < N; n++)
    for (let o = 0; o < O; o++)
      for (let oh = 0; oh < g.outHeight; oh++)
        for (let ow = 0; ow < g.outWidth; ow++) {
          let s = bias ? bias[o] : 0;
          for (let c = 0; c < C; c++)
            for (let i = 0; i < KH; i++)
              for (let j = 0; j < KW; j++) {
                const ih = oh * g.strideH - g.padH + i;
                const iw = ow * g.strideW - g.padW + j;
                if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                s += x[((n * C + c) * H + ih) * W + iw] * w[((o * C + c) * KH + i) * KW + j];
              }
          y.push(s);
        }
  return y;
}

/** dx of the direct convolution: scatter dy[n, o, oh, ow] · w[o, c, i, j] into x's pixel. */
export function naiveConv2dBackwardData(
  dy: ArrayLike<number>,
  w: ArrayLike<number>,
  g: Conv2dGeometry,
): number[] {
  const { batch: N, inChannels: C, inHeight: H, inWidth: W, outChannels: O, kernelH: KH, kernelW: KW } = g;
  const dx = new Array<number>(N * C * H * W).fill(0);
  for (let n = 0; n < N; n++)
    for (let o = 0; o < O; o++)
      for (let oh = 0; oh < g.outHeight; oh++)
        for (let ow = 0; ow < g.outWidth; ow++) {
          const d = dy[((n * O + o) * g.outHeight + oh) * g.outWidth + ow];
          for (let c = 0; c < C; c++)
            for (let i = 0; i < KH; i++)
              for (let j = 0; j < KW; j++) {
                const ih = oh * g.strideH - g.padH + i;
                const iw = ow * g.strideW - g.padW + j;
                if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                dx[((n * C + c) * H + ih) * W + iw] += d * w[((o * C + c) * KH + i) * KW + j];
              }
        }
  return dx;
}

/** dw and db of the direct convolution. */
export function naiveConv2dBackwardWeights(
  x: ArrayLike<number>,
  dy: ArrayLike<number>,
  g: Conv2dGeometry,
): { dw: number[]; db: number[] } {
  const { batch: N, inChannels: C, inHeight: H, inWidth: W, outChannels: O, kernelH: KH, kernelW: KW } = g;
  const dw = new Array<number>(O * C * KH * KW).fill(0);
  const db = new Array<number>(O).fill(0);
  for (let n = 0; n < N; n++)
    for (let o = 0; o < O; o++)
      for (let oh = 0; oh < g.outHeight; oh++)
        for (let ow = 0; ow < g.outWidth; ow++) {
          const d = dy[((n * O + o) * g.outHeight + oh) * g.outWidth + ow];
          db[o] += d;
          for (let c = 0; c < C; c++)
            for (let i = 0; i < KH; i++)
              for (let j = 0; j < KW; j++) {
                const ih = oh * g.strideH - g.padH + i;
                const iw = ow * g.strideW - g.padW + j;
                if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                dw[((o * C + c) * KH + i) * KW + j] += d * x[((n * C + c) * H + ih) * W + iw];
              }
        }
  return { dw, db };
}
