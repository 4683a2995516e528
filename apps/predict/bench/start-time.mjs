#!/usr/bin/env node
// Measures scratchnet-predict from process start to printed prediction: the trainer's default model
// ('seed' preset) and one 280×280 PNG, 10 runs after 3 warm-ups, median reported.
//   node bench/start-time.mjs        (after `pnpm build`; uses hyperfine when installed)
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist/scratchnet-predict.js');
const dir = mkdtempSync(join(tmpdir(), 'predict-start-'));
await esbuild.build({
  entryPoints: [join(root, 'bench/fixtures.ts')],
  outfile: join(dir, 'fixtures.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  conditions: ['@scratchnet/source', 'import', 'module', 'node', 'default'],
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  logLevel: 'warning',
});
execFileSync(process.execPath, [join(dir, 'fixtures.mjs'), dir]);
const args = [cli, '--model', join(dir, 'model.safetensors'), join(dir, 'digit.png')];
process.stdout.write(`${execFileSync(process.execPath, args, { encoding: 'utf8' }).split('\n')[0]}\n`);

const runs = 10;
let times;
if (spawnSync('hyperfine', ['--version']).status === 0) {
  const json = join(dir, 'hyperfine.json');
  const command = [process.execPath, ...args].join(' ');
  execFileSync('hyperfine', ['-N', '--warmup', '3', '--runs', String(runs), '--export-json', json, command], {
    stdio: 'inherit',
  });
  times = JSON.parse(readFileSync(json, 'utf8')).results[0].times.map((t) => t * 1000);
} else {
  times = [];
  for (let i = 0; i < runs + 3; i++) {
    const t = process.hrtime.bigint();
    execFileSync(process.execPath, args);
    if (i >= 3) times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
}
rmSync(dir, { recursive: true, force: true });
times.sort((a, b) => a - b);
const median = (times[(runs - 1) >> 1] + times[runs >> 1]) / 2;
console.log(
  `median start-to-prediction: ${median.toFixed(1)} ms over ${runs} runs (min ${times[0].toFixed(1)}, max ${times[runs - 1].toFixed(1)})`,
);
