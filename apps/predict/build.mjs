#!/usr/bin/env node
// Bundles scratchnet-predict into one file, dist/scratchnet-predict.js, with a shebang: every
// dependency (the scratchnet packages from their TypeScript sources, pngjs, jpeg-js) is inside, so
// the CLI starts by parsing one file and nothing else.
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = dirname(fileURLToPath(import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const outfile = join(root, 'dist/scratchnet-predict.js');
rmSync(join(root, 'dist'), { recursive: true, force: true });

await esbuild.build({
  entryPoints: [join(root, 'src/cli.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  conditions: ['@scratchnet/source', 'import', 'module', 'node', 'default'],
  loader: { '.wasm': 'binary' },
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
