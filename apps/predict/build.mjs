#!/usr/bin/env node
// Bundles scratchnet-predict into one file, dist/scratchnet-predict.js, with a shebang: every
// dependency (the scratchnet packages from their TypeScript sources, pngjs, jpeg-js) is inside, so
// the CLI starts by parsing one file and nothing else.
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = dirname(fileURLToPath(import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const outfile = join(root, 'dist/scratchnet-predict.js');
rmSync(join(root, 'dist'), { recursive: true, force: true });

/**
 * Start-up trims, each measured (bench/suites/startup.mjs): Node built-ins come through `require`
 * (an ESM `import` of one builds its whole namespace, and `node:fs`'s lazy getters then load the
 * streams modules), and jpeg-js brings its decoder alone (the CLI never encodes).
 */
const startupTrims = {
  name: 'startup-trims',
  setup(build) {
    const builtins = new RegExp(
      `^(node:)?(${builtinModules.map((m) => m.replace(/[/]/g, '\\/')).join('|')})$`,
    );
    build.onResolve({ filter: builtins }, (args) =>
      // The stand-in module's own require() is the real one.
      args.namespace === 'builtin'
        ? { path: args.path, external: true }
        : { path: args.path, namespace: 'builtin' },
    );
    build.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
    build.onResolve({ filter: /^jpeg-js$/ }, (args) => ({
      path: 'jpeg-js',
      namespace: 'jpeg-decoder',
      pluginData: args.resolveDir,
    }));
    build.onLoad({ filter: /.*/, namespace: 'jpeg-decoder' }, (args) => ({
      contents: "module.exports = { decode: require('jpeg-js/lib/decoder.js') };",
      loader: 'js',
      resolveDir: args.pluginData,
    }));
  },
};

await esbuild.build({
  entryPoints: [join(root, 'src/cli.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  conditions: ['@scratchnet/source', 'import', 'module', 'node', 'default'],
  loader: { '.wasm': 'binary' },
  plugins: [startupTrims],
  define: { __VERSION__: JSON.stringify(pkg.version) },
  // pngjs and jpeg-js are CommonJS and require() Node built-ins.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  legalComments: 'none',
  logLevel: 'warning',
  minify: true,
  sourcemap: false,
});

writeFileSync(outfile, `#!/usr/bin/env node\n${readFileSync(outfile, 'utf8')}`);
chmodSync(outfile, 0o755);
