#!/usr/bin/env node
// Bundles scratchnet-predict into one file, dist/scratchnet-predict.js, with a shebang: every
// dependency (the scratchnet packages from their TypeScript sources, fflate, jpeg-js's decoder) is
// inside, so the CLI starts by reading one file and nothing else. The file is src/start.cjs with the
// bundle inside as a string, which it compiles through V8's code cache. It is a CommonJS script, and
// dist/package.json says so (the package itself is "type": "module").
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
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
 * streams modules), jpeg-js brings its decoder alone (the CLI never encodes), fflate comes without
 * its worker glue, PNG image data is inflated by Node's zlib, and files are read without fs/promises.
 */
const startupTrims = {
  name: 'startup-trims',
  setup(build) {
    // The capped file reader opens files through src/sync-open.ts (it says why).
    build.onResolve({ filter: /^node:fs\/promises$/ }, (args) =>
      /[/\\]datasets[/\\]src[/\\]io[/\\]read-capped\.ts$/.test(args.importer)
        ? { path: join(root, 'src/sync-open.ts') }
        : undefined,
    );
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
    // fflate's browser build: the same synchronous code without the Node build's top-level
    // require('worker_threads') (only its asynchronous API uses workers; the CLI never calls it).
    build.onResolve({ filter: /^fflate$/ }, (args) => ({
      path: join(dirname(createRequire(args.importer).resolve('fflate')), '../esm/browser.js'),
    }));
    // The PNG decoder inflates with Node's zlib when it can (src/native-inflate.ts says how).
    build.onResolve({ filter: /^\.\.\/io\/inflate\.js$/ }, (args) =>
      /[/\\]datasets[/\\]src[/\\]image[/\\]png\.ts$/.test(args.importer)
        ? { path: join(root, 'src/native-inflate.ts') }
        : undefined,
    );
  },
};

// The CLI as the body of a function of (require, import.meta.url), compiled by src/start.cjs with V8's
// code cache: a script, not a module, since only scripts take a code cache on Node 20.
const built = await esbuild.build({
  entryPoints: [join(root, 'src/cli.ts')],
  write: false,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  conditions: ['@scratchnet/source', 'import', 'module', 'node', 'default'],
  loader: { '.wasm': 'binary' },
  plugins: [startupTrims],
  define: { __VERSION__: JSON.stringify(pkg.version), 'import.meta.url': '__importMetaUrl' },
  legalComments: 'none',
  logLevel: 'warning',
  minify: true,
  sourcemap: false,
});
const body = `(function (require, __importMetaUrl) {"use strict";${built.outputFiles[0].text}\n})`;
const key = createHash('sha256').update(body).digest('hex').slice(0, 16);
const start = readFileSync(join(root, 'src/start.cjs'), 'utf8')
  .replace("'__SOURCE_KEY__'", () => JSON.stringify(key))
  .replace("'__SOURCE__'", () => JSON.stringify(body));
mkdirSync(dirname(outfile), { recursive: true });
writeFileSync(outfile, `#!/usr/bin/env node\n${start}`);
writeFileSync(join(dirname(outfile), 'package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`);
chmodSync(outfile, 0o755);
