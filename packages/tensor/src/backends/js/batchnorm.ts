/**
 * Batch normalisation over every axis but 1 of x [N, C, …] (PyTorch `BatchNorm1d/2d`): per channel c,
 *   y = γ_c · (x − μ_c) · invStd_c + β_c,   invStd_c = 1 / √(σ²_c + eps),
 * with the batch's mean and biased variance when training (running statistics updated with the
 * unbiased variance) and the running statistics in eval.
 */
import type { BatchNormHyper } from '../../backend.js';
import type { Tensor } from '../../tensor.js';

/** [N, C, inner] of x. */
function layout(x: Tensor): [number, number, number] {
  const n = x.shape[0];
  const c = x.shape[1];
  return [n, c, n * c === 0 ? 0 : x.size / (n * c)];
}

/** Forward batch norm; writes y, saveMean and saveInvStd (the statistics used, for backward). */
export function batchNorm(
  x: Tensor,
  gamma: Tensor,
  beta: Tensor,
  runningMean: Tensor,
  runningVar: Tensor,
  y: Tensor,
  saveMean: Tensor,
  saveInvStd: Tensor,
  h: BatchNormHyper,
): void {
  const [N, C, inner] = layout(x);
  const count = N * inner;
  if (h.training && count < 2) {
    throw new RangeError(
      `batchNorm: training needs more than 1 value per channel, got input of shape [${x.shape.join(', ')}]`,
    );
  }
  const xd = x.data;
  const yd = y.data;
  const gd = gamma.data;
  const bd = beta.data;
  const rm = runningMean.data;
  const rv = runningVar.data;
  const sm = saveMean.data;
  const si = saveInvStd.data;
  for (let c = 0; c < C; c++) {
    let mean: number;
    let invStd: number;
    if (h.training) {
      // Two passes (mean, then squared deviations): stable where E[x²] − E[x]² is not.
      let s = 0;
      for (let n = 0; n < N; n++) {
        const off = (n * C + c) * inner;
        for (let i = 0; i < inner; i++) s += xd[off + i];
      }
      mean = s / count;
      let ss = 0;
      for (let n = 0; n < N; n++) {
        const off = (n * C + c) * inner;
        for (let i = 0; i < inner; i++) {
          const d = xd[off + i] - mean;
          ss += d * d;
        }
      }
      const variance = ss / count;
      invStd = 1 / Math.sqrt(variance + h.eps);
      rm[c] = (1 - h.momentum) * rm[c] + h.momentum * mean;
      rv[c] = (1 - h.momentum) * rv[c] + h.momentum * (ss / (count - 1));
    } else {
      mean = rm[c];
      invStd = 1 / Math.sqrt(rv[c] + h.eps);
    }
    sm[c] = mean;
    si[c] = invStd;
    const scale = gd[c] * invStd;
    const shift = bd[c] - mean * scale;
    for (let n = 0; n < N; n++) {
      const off = (n * C + c) * inner;
      for (let i = 0; i < inner; i++) yd[off + i] = xd[off + i] * scale + shift;
    }
  }
}

/**
 * Backward batch norm. Training (x̂ = (x − μ)·invStd, M = N·inner values per channel):
 *   dβ += Σ dy,  dγ += Σ dy·x̂,  dx = γ·invStd/M · (M·dy − Σdy − x̂·Σ dy·x̂).
 * Eval: the layer is affine, dx = γ·invStd·dy. Writes dx, accumulates dgamma and dbeta.
 */
export function batchNormBackward(
  x: Tensor,
  dy: Tensor,
  gamma: Tensor,
  saveMean: Tensor,
  saveInvStd: Tensor,
  dx: Tensor,
  dgamma: Tensor,
  dbeta: Tensor,
  training: boolean,
): void {
  const [N, C, inner] = layout(x);
  const count = N * inner;
  const xd = x.data;
  const dyd = dy.data;
  const dxd = dx.data;
  const gd = gamma.data;
  const sm = saveMean.data;
  const si = saveInvStd.data;
  const dgd = dgamma.data;
  const dbd = dbeta.data;
  for (let c = 0; c < C; c++) {
    const mean = sm[c];
    const invStd = si[c];
    let sumDy = 0;
    let sumDyXhat = 0;
    for (let n = 0; n < N; n++) {
      const off = (n * C + c) * inner;
      for (let i = 0; i < inner; i++) {
        const g = dyd[off + i];
        sumDy += g;
        sumDyXhat += g * (xd[off + i] - mean) * invStd;
      }
    }
    dbd[c] += sumDy;
    dgd[c] += sumDyXhat;
    const k = gd[c] * invStd;
    for (let n = 0; n < N; n++) {
      const off = (n * C + c) * inner;
      if (training) {
        for (let i = 0; i < inner; i++) {
          const xhat = (xd[off + i] - mean) * invStd;
          dxd[off + i] = (k / count) * (count * dyd[off + i] - sumDy - xhat * sumDyXhat);
        }
      } else {
        for (let i = 0; i < inner; i++) dxd[off + i] = k * dyd[off + i];
      }
    }
  }
}
