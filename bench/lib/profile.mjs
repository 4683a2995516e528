// "Where a step goes": times every kernel run through the registry (tensor's `setKernelObserver`, in
// the bench process only), whichever implementation the backend uses for it: its registered one or
// the reference. The registry reports each kernel's time exclusive of kernels it ran itself, so the
// shares add up. Work per call: FLOPs for the GEMM and convolution kernels, bytes of the record's
// tensors (each read or written once) for the rest.
import { getBackend, kernelsImplementedBy, listKernels, setKernelObserver } from '@scratchnet/tensor';

const convFlops = ({ g }) =>
  2 * g.batch * g.outChannels * g.inChannels * g.kernelH * g.kernelW * g.outHeight * g.outWidth;
/** FLOPs of one call, for the compute-bound kernels (by kernel name, from the argument record). */
const FLOPS = {
  gemm: ({ m, n, k }) => 2 * m * n * k,
  conv2d: convFlops,
  conv2dBackwardData: convFlops,
  conv2dBackwardWeights: convFlops,
};
const isTensor = (v) => v !== null && typeof v === 'object' && typeof v.size === 'number' && 'data' in v;

/** Bytes of the record's tensors (a tensor passed twice, e.g. in place, counts once). */
function recordBytes(args) {
  if (args === null || typeof args !== 'object') return 0;
  let bytes = 0;
  const seen = new Set();
  for (const v of Object.values(args)) {
    if (isTensor(v) && !seen.has(v)) {
      seen.add(v);
      bytes += v.size * 4;
    }
  }
  return bytes;
}

/**
 * Starts timing every kernel of the registry on the current backend; returns { stats(), reset(),
 * restore() }. Each stat names the kernel and whether the backend runs its own implementation
 * (`impl: 'wasm'`) or the reference (`impl: 'reference'`).
 */
export function profileBackend() {
  const backend = getBackend().name;
  const own = new Set(kernelsImplementedBy(backend));
  const acc = new Map(listKernels().map((k) => [k.name, { calls: 0, ms: 0, flops: 0, bytes: 0 }]));
  setKernelObserver((kernel, args, ms) => {
    let e = acc.get(kernel.name);
    if (e === undefined) acc.set(kernel.name, (e = { calls: 0, ms: 0, flops: 0, bytes: 0 }));
    e.calls++;
    e.ms += ms;
    const flops = FLOPS[kernel.name];
    if (flops) e.flops += flops(args);
    else e.bytes += recordBytes(args);
  });
  return {
    stats: () =>
      [...acc]
        .filter(([, e]) => e.calls > 0)
        .map(([name, e]) => ({ name, impl: own.has(name) ? backend : 'reference', ...e })),
    reset: () => {
      for (const e of acc.values()) Object.assign(e, { calls: 0, ms: 0, flops: 0, bytes: 0 });
    },
    restore: () => setKernelObserver(undefined),
  };
}
