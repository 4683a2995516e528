#!/usr/bin/env node
// Packs every published package the way `pnpm publish` would, installs the tarballs with plain npm in
// an empty folder outside the repository, and checks that each one imports, that no `workspace:`
// range survived, that every `.` entry bundles for a browser, that `require()` loads every entry
// (Node >= 20.19 loads ES modules with require), and that the apps' bins run. Private workspace
// packages (bench, the web app) are never packed.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
/** Published workspace packages: every package.json under packages/ and apps/ that is not private. */
const published = ['packages', 'apps'].flatMap((group) =>
  readdirSync(join(root, group))
    .map((dir) => join(root, group, dir))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .filter((dir) => !JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).private),
);
const work = mkdtempSync(join(tmpdir(), 'scratchnet-packs-'));
const run = (cmd, args, cwd) =>
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
const fail = (msg) => {
  throw new Error(msg);
};

try {
  const tarballs = join(work, 'tarballs');
  const pnpm = join(root, 'node_modules/.bin/pnpm');
  for (const dir of published) run(pnpm, ['pack', '--pack-destination', tarballs], dir);
  const files = readdirSync(tarballs).filter((f) => f.endsWith('.tgz'));
  if (files.length !== published.length)
    fail(`expected ${published.length} tarballs, got ${files.length}: ${files.join(', ')}`);

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

  // Every entry point of every library, as `require()` from CommonJS sees it.
  const entryPoints = libs.flatMap((name) => {
    const pkg = JSON.parse(readFileSync(join(app, 'node_modules', name, 'package.json'), 'utf8'));
    return Object.keys(pkg.exports ?? { '.': null })
      .filter((key) => key !== './package.json')
      .map((key) => (key === '.' ? name : `${name}/${key.slice(2)}`));
  });
  writeFileSync(
    join(app, 'check.cjs'),
    `for (const name of ${JSON.stringify(entryPoints)}) {\n` +
      `  if (Object.keys(require(name)).length === 0) throw new Error(name + ' exports nothing to require()');\n}\n`,
  );
  run(process.execPath, ['check.cjs'], app);

  // The `.` entry of every library bundles for a browser (no Node built-ins).
  const esbuild = join(root, 'node_modules/.bin/esbuild');
  for (const name of libs) {
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
  console.log(
    `check-packs: ${files.length} tarballs install, import and require(), their . entries bundle for browsers, the bins run`,
  );
} catch (e) {
  console.error(`check-packs: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
