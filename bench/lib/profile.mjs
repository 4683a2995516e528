// "Where a step goes": wraps every kernel method of the current backend object (in the bench process
// only; the packages are untouched) with performance.now() timing. Nested kernel calls (a backend
// method calling another) are charged exclusively, so the shares add up. Work per call: FLOPs for the
// GEMM and convolution kernels, bytes of tensor arguments (read + written once) for the rest.
import { getBackend } from '@scratchnet/tensor';

/** The kernel methods of the Backend interface (private helpers of a backend are not kernels). */
const KERNELS = [
  'copy',
  'fill',
  'gemm',
  'im2col',
  'col2im',
  'conv2d',
  'conv2dBackwardData',
  'conv2dBackwardWeights',
  'maxPool2d',
  'maxPool2dBackward',
  'avgPool2d',
  'avgPool2dBackward',
  'binary',
  'unary',
  'activation',
  'activationBackward',
  'axpby',
  'addBias',
  'biasGrad',
  'reduce',
  'argmax',
  'sumSquares',
  'softmax',
  'logSoftmax',
  'softmaxCrossEntropy',
  'countCorrect',
  'dropout',
  'batchNorm',
  'batchNormBackward',
  'sgdUpdate',
  'adamUpdate',
  'rmspropUpdate',
  'adagradUpdate',
];

const convFlops = (g) =>
  2 * g.batch * g.outChannels * g.inChannels * g.kernelH * g.kernelW * g.outHeight * g.outWidth;
/** FLOPs of one call, for the compute-bound kernels. */
const FLOPS = {
  gemm: (a) => 2 * a[2] * a[3] * a[4],
  conv2d: (a) => convFlops(a[4]),
  conv2dBackwardData: (a) => convFlops(a[3]),
  conv2dBackwardWeights: (a) => convFlops(a[4]),
};
const isTensor = (v) => v !== null && typeof v === 'object' && typeof v.size === 'number' && 'data' in v;

/** Wraps the current backend's kernels; returns { stats(), reset(), restore() }. */
export function profileBackend() {
  const be = getBackend();
  const names = KERNELS.filter((n) => typeof be[n] === 'function');
  const acc = new Map();
  let child = 0; // time spent in nested kernel calls of the current call
  for (const name of names) {
    const orig = be[name];
    const entry = { calls: 0, ms: 0, flops: 0, bytes: 0 };
    acc.set(name, entry);
    be[name] = function (...args) {
      const outer = child;
      child = 0;
      const t = performance.now();
      try {
        return orig.apply(this, args);
      } finally {
        const total = performance.now() - t;
        entry.ms += total - child;
        entry.calls++;
        if (FLOPS[name]) entry.flops += FLOPS[name](args);
        else for (const a of args) if (isTensor(a)) entry.bytes += a.size * 4;
        child = outer + total;
      }
    };
  }
  return {
    stats: () => [...acc].filter(([, e]) => e.calls > 0).map(([name, e]) => ({ name, ...e })),
    reset: () => {
      for (const e of acc.values()) Object.assign(e, { calls: 0, ms: 0, flops: 0, bytes: 0 });
    },
    restore: () => {
      for (const name of names) delete be[name];
    },
  };
}
