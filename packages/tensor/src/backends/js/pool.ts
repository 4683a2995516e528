/**
 * 2-d max and average pooling over NCHW planes. Each window is clipped to the image, so padding
 * never wins a max; `countIncludePad` decides whether average pooling divides by the full window
 * (PyTorch's default) or by the in-image part.
 */
import type { Pool2dGeometry } from '../../shape.js';
import type { IntTensor, Tensor } from '../../tensor.js';

/** y, argmax [N, C, outH, outW] ← max over each window of x [N, C, H, W]; argmax = `h·W + w` in the plane. */
export function maxPool2d(x: Tensor, y: Tensor, argmax: IntTensor, g: Pool2dGeometry): void {
  const { inHeight: H, inWidth: W, outHeight: oH, outWidth: oW } = g;
  const xd = x.data;
  const yd = y.data;
  const ad = argmax.data;
  const planes = g.batch * g.channels;
  if (g.padH === 0 && g.padW === 0) {
    maxPool2dUnpadded(xd, yd, ad, g, planes);
    return;
  }
  for (let pl = 0; pl < planes; pl++) {
    const xOff = pl * H * W;
    let o = pl * oH * oW;
    for (let oh = 0; oh < oH; oh++) {
      const h0 = oh * g.strideH - g.padH;
      const hs = Math.max(h0, 0);
      const he = Math.min(h0 + g.kernelH, H);
      for (let ow = 0; ow < oW; ow++, o++) {
        const w0 = ow * g.strideW - g.padW;
        const ws = Math.max(w0, 0);
        const we = Math.min(w0 + g.kernelW, W);
        let best = hs * W + ws;
        let bv = xd[xOff + best];
        for (let h = hs; h < he; h++) {
          for (let w = ws; w < we; w++) {
            const v = xd[xOff + h * W + w];
            // First maximum wins; a NaN wins over numbers (as in PyTorch) and then stays.
            if (v > bv || (Number.isNaN(v) && !Number.isNaN(bv))) {
              bv = v;
              best = h * W + w;
            }
          }
        }
        yd[o] = bv;
        ad[o] = best;
      }
    }
  }
}

/** Max pooling without padding (the common case): every window lies inside the image, so no clipping. */
function maxPool2dUnpadded(
  xd: Float32Array,
  yd: Float32Array,
  ad: Int32Array,
  g: Pool2dGeometry,
  planes: number,
): void {
  const { inHeight: H, inWidth: W, outHeight: oH, outWidth: oW, kernelH: kH, kernelW: kW } = g;
  const plane = H * W;
  let o = 0;
  for (let pl = 0; pl < planes; pl++) {
    const xOff = pl * plane;
    for (let oh = 0; oh < oH; oh++) {
      const rowStart = oh * g.strideH * W;
      for (let ow = 0; ow < oW; ow++, o++) {
        const start = rowStart + ow * g.strideW;
        let best = start;
        let bv = xd[xOff + start];
        for (let i = 0; i < kH; i++) {
          const r = start + i * W;
          for (let j = 0; j < kW; j++) {
            const v = xd[xOff + r + j];
            if (v > bv || (Number.isNaN(v) && !Number.isNaN(bv))) {
              bv = v;
              best = r + j;
            }
          }
        }
        yd[o] = bv;
        ad[o] = best;
      }
    }
  }
}

/** dx [N, C, H, W] ← dy routed to each window's argmax (overlaps summed). Writes. */
export function maxPool2dBackward(dy: Tensor, argmax: IntTensor, dx: Tensor, g: Pool2dGeometry): void {
  const plane = g.inHeight * g.inWidth;
  const outPlane = g.outHeight * g.outWidth;
  const dyd = dy.data;
  const ad = argmax.data;
  const dxd = dx.data;
  dxd.fill(0);
  const planes = g.batch * g.channels;
  for (let pl = 0; pl < planes; pl++) {
    const xOff = pl * plane;
    for (let o = pl * outPlane, e = o + outPlane; o < e; o++) dxd[xOff + ad[o]] += dyd[o];
  }
}

/** The divisor of one window: full window, or only its in-image part. */
function divisor(
  g: Pool2dGeometry,
  hs: number,
  he: number,
  ws: number,
  we: number,
  includePad: boolean,
): number {
  return includePad ? g.kernelH * g.kernelW : (he - hs) * (we - ws);
}

/** y [N, C, outH, outW] ← mean over each window of x. Writes. */
export function avgPool2d(x: Tensor, y: Tensor, g: Pool2dGeometry, countIncludePad: boolean): void {
  const { inHeight: H, inWidth: W, outHeight: oH, outWidth: oW } = g;
  const xd = x.data;
  const yd = y.data;
  const planes = g.batch * g.channels;
  for (let pl = 0; pl < planes; pl++) {
    const xOff = pl * H * W;
    let o = pl * oH * oW;
    for (let oh = 0; oh < oH; oh++) {
      const h0 = oh * g.strideH - g.padH;
      const hs = Math.max(h0, 0);
      const he = Math.min(h0 + g.kernelH, H);
      for (let ow = 0; ow < oW; ow++, o++) {
        const w0 = ow * g.strideW - g.padW;
        const ws = Math.max(w0, 0);
        const we = Math.min(w0 + g.kernelW, W);
        let s = 0;
        for (let h = hs; h < he; h++) for (let w = ws; w < we; w++) s += xd[xOff + h * W + w];
        yd[o] = s / divisor(g, hs, he, ws, we, countIncludePad);
      }
    }
  }
}

/** dx ← each dy spread evenly over its window (overlaps summed). Writes. */
export function avgPool2dBackward(dy: Tensor, dx: Tensor, g: Pool2dGeometry, countIncludePad: boolean): void {
  const { inHeight: H, inWidth: W, outHeight: oH, outWidth: oW } = g;
  const dyd = dy.data;
  const dxd = dx.data;
  dxd.fill(0);
  const planes = g.batch * g.channels;
  for (let pl = 0; pl < planes; pl++) {
    const xOff = pl * H * W;
    let o = pl * oH * oW;
    for (let oh = 0; oh < oH; oh++) {
      const h0 = oh * g.strideH - g.padH;
      const hs = Math.max(h0, 0);
      const he = Math.min(h0 + g.kernelH, H);
      for (let ow = 0; ow < oW; ow++, o++) {
        const w0 = ow * g.strideW - g.padW;
        const ws = Math.max(w0, 0);
        const we = Math.min(w0 + g.kernelW, W);
        const share = dyd[o] / divisor(g, hs, he, ws, we, countIncludePad);
        for (let h = hs; h < he; h++) for (let w = ws; w < we; w++) dxd[xOff + h * W + w] += share;
      }
    }
  }
}
