// GEMM throughput (GFLOPS) at the simple-cnn network's shapes and at 512³, for the reference backend
// and the wasm backend at 1 thread and all threads. Operands are uniform random; C is overwritten (β = 0).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Random, Tensor, gemm as gemmOp, randomUniform, setBackend } from '@scratchnet/tensor';
import { ALL_THREADS, median, row, timeRepeated, warmUntilSteady } from '../lib/common.mjs';

/**
 * [label, transA, transB, m, n, k]: the simple-cnn network's GEMMs for batch 64 (the convolution's
 * run per sample, as assembly/conv.ts calls them), a 32→64-channel 3×3 convolution on 14×14 (lenet5
 * and strong have layers of that size), and 512³.
 */
const SHAPES = [
  ['Dense 6272→128 forward: [64×6272]·[128×6272]ᵀ', false, true, 64, 128, 6272],
  ['Dense 6272→128 weight grad: [64×128]ᵀ·[64×6272]', true, false, 128, 6272, 64],
  ['Dense 6272→128 input grad: [64×128]·[128×6272]', false, false, 64, 6272, 128],
  ['Conv 3×3×32 forward, per sample: [32×9]·[9×784]', false, false, 32, 784, 9],
  ['Conv 3×3×32 weight grad, per sample: [9×784]·[32×784]ᵀ', false, true, 9, 32, 784],
  ['Conv 3×3 32→64 forward on 14×14, per sample: [64×288]·[288×196]', false, false, 64, 196, 288],
  ['512³', false, false, 512, 512, 512],
];

export default async function gemm(ctx) {
  const configs = [
    ['js', 1],
    ['wasm', 1],
    ['wasm', ALL_THREADS],
  ];
  const rows = [];
  const rng = new Random(7);
  for (const [label, ta, tb, m, n, k] of SHAPES) {
    for (const [name, threads] of configs) {
      const backend = setBackend(name, { threads });
      const a = randomUniform(ta ? [k, m] : [m, k], rng, -1, 1);
      const b = randomUniform(tb ? [n, k] : [k, n], rng, -1, 1);
      const c = new Tensor([m, n]);
      const flops = 2 * m * n * k;
      // Steady state first: a fresh 2-thread pool's first tenths of a second run at one thread's speed
      // or below (its worker starting, the wasm code not yet optimized).
      const warm = warmUntilSteady(() => gemmOp(a, b, { transA: ta, transB: tb, c }), {
        minSeconds: ctx.quick ? 0.15 : 0.3,
        maxSeconds: name === 'js' ? 1 : 3, // the reference's few long calls agree less closely
        ready: () => (backend.startedThreads ?? 1) >= (backend.threads ?? 1),
      });
      // Each repetition runs for ≥ 0.2 s (js: ≥ 1 call).
      const perCall = timeRepeated(() => gemmOp(a, b, { transA: ta, transB: tb, c }), {
        reps: 1,
        warmup: 0,
      })[0];
      const calls = Math.max(1, Math.round((ctx.quick ? 0.05 : 0.2) / perCall));
      const reps = name === 'js' && flops > 1e8 ? 3 : ctx.quick ? 3 : 7;
      const secs = timeRepeated(
        () => {
          for (let i = 0; i < calls; i++) gemmOp(a, b, { transA: ta, transB: tb, c });
        },
        { reps, warmup: 0 },
      );
      const gflops = secs.map((s) => (flops * calls) / s / 1e9);
      const r = row(
        'gemm GFLOPS',
        `${label}, ${name} ${threads} thread${threads > 1 ? 's' : ''}`,
        median(gflops),
        'GFLOPS',
        {
          shape: [m, n, k],
          backend: name,
          threads,
          samples: gflops.map((g) => +g.toFixed(2)),
          note: warm.describe(),
        },
      );
      ctx.log(`${r.config}: ${r.value.toFixed(1)} GFLOPS`);
      rows.push(r);
    }
  }
  rows.push(...(await parallelCapacity(ctx)));
  return rows;
}

/**
 * How much parallel throughput the machine offers during the run: 512³ single-threaded GEMMs in one
 * process, then in ALL_THREADS processes at once. On an idle machine the aggregate is ≈ cores × one;
 * other work (or vCPUs sharing a physical core) shows up as less, and explains multi-thread results.
 */
async function parallelCapacity(ctx) {
  const child = fileURLToPath(new URL('../lib/gemm-child.mjs', import.meta.url));
  const run = promisify(execFile);
  const once = async () => Number((await run(process.execPath, [...process.execArgv, child, '2'])).stdout);
  const single = await once();
  const together = await Promise.all(Array.from({ length: ALL_THREADS }, once));
  const sum = together.reduce((s, v) => s + v, 0);
  ctx.log(
    `parallel capacity: 1 process ${single.toFixed(1)} GFLOPS, ${ALL_THREADS} at once ${sum.toFixed(1)} GFLOPS in total`,
  );
  return [
    row('machine parallel capacity', '512³ GEMM, wasm 1 thread, 1 process', single, 'GFLOPS'),
    row(
      'machine parallel capacity',
      `512³ GEMM, wasm 1 thread, ${ALL_THREADS} processes at once (sum)`,
      sum,
      'GFLOPS',
      {
        samples: together.map((v) => +v.toFixed(1)),
        note: `${(sum / single).toFixed(2)}× one process: the parallel speed-up the machine allowed during this run`,
      },
    ),
  ];
}
