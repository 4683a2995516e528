/**
 * Softmax family over the last axis of [R, K] rows, each stabilised by subtracting the row maximum,
 * plus the fused softmax cross-entropy a classifier trains with and a correct-prediction counter.
 */
import type { IntTensor, Tensor } from '../../tensor.js';

/** Row maximum of x[off … off + k). */
function rowMax(x: Float32Array, off: number, k: number): number {
  let m = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < k; j++) if (x[off + j] > m) m = x[off + j];
  return m;
}

/**
 * log Σ exp(x_j − m) of one row, where m is the row maximum (so x_j − log Σ exp(x) is computed as
 * (x_j − m) − this, exact even when |m| dwarfs the log-sum term).
 */
function rowLogSumExpShifted(x: Float32Array, off: number, k: number, m: number): number {
  let s = 0;
  for (let j = 0; j < k; j++) s += Math.exp(x[off + j] - m);
  return Math.log(s);
}

/** Last-axis length of x: K, and R = size / K rows. */
function rows(x: Tensor): [number, number] {
  const k = x.rank === 0 ? 1 : x.shape[x.rank - 1];
  return [k === 0 ? 0 : x.size / k, k];
}

/** out ← softmax over the last axis. `out` may alias `x`. */
export function softmax(x: Tensor, out: Tensor): void {
  const [r, k] = rows(x);
  const xd = x.data;
  const od = out.data;
  for (let i = 0; i < r; i++) {
    const off = i * k;
    const m = rowMax(xd, off, k);
    let s = 0;
    for (let j = 0; j < k; j++) {
      const e = Math.exp(xd[off + j] - m);
      od[off + j] = e;
      s += e;
    }
    const inv = 1 / s;
    for (let j = 0; j < k; j++) od[off + j] *= inv;
  }
}

/** out ← x − logΣexp(x) over the last axis. `out` may alias `x`. */
export function logSoftmax(x: Tensor, out: Tensor): void {
  const [r, k] = rows(x);
  const xd = x.data;
  const od = out.data;
  for (let i = 0; i < r; i++) {
    const off = i * k;
    const m = rowMax(xd, off, k);
    const lse = rowLogSumExpShifted(xd, off, k, m);
    for (let j = 0; j < k; j++) od[off + j] = xd[off + j] - m - lse;
  }
}

/**
 * Mean over rows of −log softmax(logits)[label]; with `dlogits`, writes (softmax − onehot) / N.
 * Labels outside [0, K) throw a RangeError naming the row.
 */
export function softmaxCrossEntropy(logits: Tensor, labels: IntTensor, dlogits: Tensor | null): number {
  const [n, k] = rows(logits);
  const xd = logits.data;
  const ld = labels.data;
  const gd = dlogits?.data;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const off = i * k;
    const label = ld[i];
    if (!(label >= 0 && label < k)) {
      throw new RangeError(`softmaxCrossEntropy: label ${label} of row ${i} is outside [0, ${k})`);
    }
    const m = rowMax(xd, off, k);
    const lse = rowLogSumExpShifted(xd, off, k, m);
    total += lse - (xd[off + label] - m);
    if (gd !== undefined) {
      const invN = 1 / n;
      for (let j = 0; j < k; j++) gd[off + j] = Math.exp(xd[off + j] - m - lse) * invN;
      gd[off + label] -= invN;
    }
  }
  return total / n;
}

/** Rows of scores [N, K] whose first maximum is at the label. */
export function countCorrect(scores: Tensor, labels: IntTensor): number {
  const [n, k] = rows(scores);
  const sd = scores.data;
  const ld = labels.data;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const off = i * k;
    let best = 0;
    for (let j = 1; j < k; j++) if (sd[off + j] > sd[off + best]) best = j;
    if (best === ld[i]) correct++;
  }
  return correct;
}
