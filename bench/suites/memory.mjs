// Peak resident memory of a whole training run (a child process: one MNIST epoch + test evaluation on
// the wasm backend with all threads), also giving the full-epoch time and test accuracy.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ALL_THREADS, row } from '../lib/common.mjs';

export default async function memory(ctx) {
  const child = fileURLToPath(new URL('../lib/train-child.mjs', import.meta.url));
  const out = execFileSync(process.execPath, [...process.execArgv, child, 'wasm', String(ALL_THREADS), '1'], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  const r = JSON.parse(out.trim().split('\n').pop());
  ctx.log(
    `training run: max RSS ${r.maxRssMiB.toFixed(0)} MiB, epoch ${r.seconds.toFixed(1)} s, test accuracy ${(r.testAccuracy * 100).toFixed(2)}%`,
  );
  ctx.log(
    `  at the end: images ${r.imagesMiB.toFixed(1)} MiB, V8 heap ${r.v8HeapMiB.toFixed(1)} MiB, wasm heap ${r.wasmHeapMiB.toFixed(1)} MiB (high-water)`,
  );
  const label = `wasm, ${r.threads} threads, 1 epoch of 60,000 + evaluation of 10,000`;
  return [
    row('peak RSS of a training run', label, r.maxRssMiB, 'MiB', {
      note: `child process, process.resourceUsage().maxRSS; images held ${r.imagesMiB.toFixed(1)} MiB`,
    }),
    row('full epoch', label, r.seconds, 's', {
      samplesPerSecond: Math.round(r.samplesPerSecond),
      note: `${Math.round(r.samplesPerSecond)} samples/s over the whole epoch (fit, incl. data conversion)`,
    }),
    row('test accuracy after 1 epoch', label, r.testAccuracy * 100, '%'),
  ];
}
