#!/usr/bin/env node
// Builds one library package: esbuild bundles src/index.ts into dist/index.js (ESM, dependencies
// left external), then tsc writes the .d.ts files. Run from the package directory:
//   node ../../scripts/build-package.mjs [--browser]
// --browser: the package must load in a browser bundle, so the build fails if anything imports a
// Node built-in (fs, path, worker_threads, ...).
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { join } from 'node:path';
import * as esbuild from 'esbuild';

const browser = process.argv.includes('--browser');
const cwd = process.cwd();
rmSync(join(cwd, 'dist'), { recursive: true, force: true });

const nodeBuiltins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const result = await esbuild.build({
  entryPoints: [join(cwd, 'src/index.ts')],
  outfile: join(cwd, 'dist/index.js'),
  bundle: true,
  packages: 'external',
  format: 'esm',
  platform: browser ? 'neutral' : 'node',
  target: 'es2022',
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
  loader: { '.wasm': 'binary' },
});

if (browser) {
  const bad = [];
  for (const [file, info] of Object.entries(result.metafile.inputs)) {
    for (const imp of info.imports) if (nodeBuiltins.has(imp.path)) bad.push(`${file} imports ${imp.path}`);
  }
  if (bad.length > 0) {
    console.error(
      `build: this package must stay free of Node built-ins (it loads in browsers):\n  ${bad.join('\n  ')}`,
    );
    process.exit(1);
  }
}

// Declarations: resolve sibling packages through their published .d.ts, not their sources.
const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc', { paths: [cwd] });
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit', cwd });
