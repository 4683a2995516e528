#!/usr/bin/env node
// Packs every published package the way `pnpm publish` would, installs the tarballs with plain npm in
// an empty folder outside the repository, and checks that each one imports, that no `workspace:`
// range survived, that the browser-safe packages bundle for a browser, and that the apps' bins run.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const browserSafe = ['@scratchnet/tensor', '@scratchnet/layers', '@scratchnet/optimizers'];
const work = mkdtempSync(join(tmpdir(), 'scratchnet-packs-'));
const run = (cmd, args, cwd) =>
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
const fail = (msg) => {
  console.error(`check-packs: ${msg}`);
  process.exit(1);
};

try {
  const tarballs = join(work, 'tarballs');
  const pnpm = join(root, 'node_modules/.bin/pnpm');
  run(
    pnpm,
    // @scratchnet/web is private: a site, never published.
    [
      '-r',
      '--filter',
      './packages/*',
      '--filter',
      './apps/*',
      '--filter',
      '!@scratchnet/web',
      'pack',
      '--pack-destination',
      tarballs,
    ],
    root,
  );
  const files = readdirSync(tarballs).filter((f) => f.endsWith('.tgz'));
  if (files.length !== 7) fail(`expected 7 tarballs, got ${files.length}: ${files.join(', ')}`);

  const app = join(work, 'app');
  run('mkdir', ['-p', app]);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'pack-check', private: true, type: 'module' }),
  );
  run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--ignore-scripts', ...files.map((f) => join(tarballs, f))],
    app,
  );

  const names = [];
  for (const dir of readdirSync(join(app, 'node_modules/@scratchnet'))) {
    const pkgPath = join(app, 'node_modules/@scratchnet', dir, 'package.json');
    const text = readFileSync(pkgPath, 'utf8');
    if (text.includes('workspace:')) fail(`${pkgPath} still has a workspace: range`);
    names.push(JSON.parse(text).name);
  }
  const libs = names.filter((n) => n !== '@scratchnet/trainer' && n !== '@scratchnet/predict');
  writeFileSync(
    join(app, 'check.mjs'),
    `${libs.map((n, i) => `import * as m${i} from '${n}';`).join('\n')}\n` +
      `for (const [name, m] of Object.entries({ ${libs.map((n, i) => `'${n}': m${i}`).join(', ')} })) {\n` +
      `  if (Object.keys(m).length === 0) throw new Error(name + ' exports nothing');\n}\nconsole.log('imports ok');\n`,
  );
  run(process.execPath, ['check.mjs'], app);

  const esbuild = join(root, 'node_modules/.bin/esbuild');
  for (const name of browserSafe) {
    writeFileSync(join(app, 'browser.mjs'), `export * from '${name}';\n`);
    run(
      esbuild,
      [
        'browser.mjs',
        '--bundle',
        '--platform=browser',
        '--format=esm',
        '--outfile=/dev/null',
        '--log-level=error',
      ],
      app,
    );
  }
  for (const bin of ['scratchnet-train', 'scratchnet-predict'])
    run(join(app, 'node_modules/.bin', bin), ['--help'], app);
  console.log(`check-packs: ${files.length} tarballs install, import, bundle for browsers, and run`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
