// Seed-network training throughput (samples/s, batch 64, SGD momentum 0.9) through the real
// Sequential.fit on MNIST (bytes converted to float32 per batch), for the js reference backend and
// the wasm backend at 1 thread and all threads; then inference throughput over the 10,000 test images.
// Each configuration runs in a fresh process (lib/throughput-child.mjs).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ALL_THREADS } from '../lib/common.mjs';

export default async function training(ctx) {
  const child = fileURLToPath(new URL('../lib/throughput-child.mjs', import.meta.url));
  const run = promisify(execFile);
  // [backend, threads, batches per repetition, repetitions, inference repetitions, test images]
  const configs = [
    ['js', 1, ctx.quick ? 4 : 16, ctx.quick ? 2 : 3, 1, 2000],
    ['wasm', 1, ctx.quick ? 40 : 200, ctx.quick ? 2 : 5, ctx.quick ? 2 : 5, 10000],
    ['wasm', ALL_THREADS, ctx.quick ? 40 : 200, ctx.quick ? 2 : 5, ctx.quick ? 2 : 5, 10000],
  ];
  const rows = [];
  for (const [name, threads, ...rest] of configs) {
    const { stdout } = await run(
      process.execPath,
      [...process.execArgv, child, name, String(threads), ...rest.map(String)],
      {
        maxBuffer: 1 << 20,
      },
    );
    const got = JSON.parse(stdout.trim().split('\n').pop());
    for (const r of got) ctx.log(`${r.metric} ${r.config}: ${Math.round(r.value)}`);
    rows.push(...got);
  }
  return rows;
}
