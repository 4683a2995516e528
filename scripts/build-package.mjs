#!/usr/bin/env node
// Builds one library package: esbuild bundles each entry (src/index.ts, and src/node.ts when the
// package has one) into dist/<entry>.js (ESM, dependencies left external), then tsc writes the .d.ts
// files. Run from the package directory:
//   node ../../scripts/build-package.mjs [--browser]
// The `.` entry (src/index.ts) must load in a browser bundle when the package is marked --browser or
// has a separate ./node entry: the build fails if anything it pulls in imports a Node built-in
// (fs, path, zlib, worker_threads, ...). The ./node entry is for Node and may use them.
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { join } from 'node:path';
import * as esbuild from 'esbuild';

const cwd = process.cwd();
rmSync(join(cwd, 'dist'), { recursive: true, force: true });

const entries = ['index', 'node'].filter((name) => existsSync(join(cwd, `src/${name}.ts`)));
const hasNodeEntry = entries.includes('node');
const browser = process.argv.includes('--browser') || hasNodeEntry;
const nodeBuiltins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

// The '.' entry alone, not written, to see what it pulls in.
if (browser) {
  const check = await esbuild.build({
    entryPoints: [join(cwd, 'src/index.ts')],
    write: false,
    bundle: true,
    packages: 'external',
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    metafile: true,
    logLevel: 'warning',
    loader: { '.wasm': 'binary' },
  });
  const bad = [];
  for (const [file, info] of Object.entries(check.metafile.inputs)) {
    for (const imp of info.imports) if (nodeBuiltins.has(imp.path)) bad.push(`${file} imports ${imp.path}`);
  }
  if (bad.length > 0) {
    console.error(
      `build: src/index.ts (the package's '.' entry) must stay free of Node built-ins (it loads in browsers${hasNodeEntry ? '; file-system code belongs in src/node.ts' : ''}):\n  ${bad.join('\n  ')}`,
    );
    process.exit(1);
  }
}

// Every entry in one build: code they share lands in a common chunk, so `./node` and `.` hand out the
// same classes (an error thrown by one is `instanceof` the other's).
await esbuild.build({
  entryPoints: entries.map((name) => join(cwd, `src/${name}.ts`)),
  outdir: join(cwd, 'dist'),
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  splitting: true,
  bundle: true,
  packages: 'external',
  format: 'esm',
  platform: 'node',
  target: 'es2022',
  sourcemap: true,
  logLevel: 'warning',
  loader: { '.wasm': 'binary' },
});

// Declarations: resolve sibling packages through their published .d.ts, not their sources.
const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc', { paths: [cwd] });
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit', cwd });
