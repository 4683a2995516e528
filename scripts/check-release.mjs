#!/usr/bin/env node
// Releases propagate: in a temporary copy of the repository, a changeset that touches only
// @scratchnet/layers must make `changeset version` release both apps too (they bundle the library),
// and a minor change of @scratchnet/tensor must not push its peer dependents to a new major.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const root = join(import.meta.dirname, '..');
const changeset = join(root, 'node_modules/@changesets/cli/bin.js');
const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
  .split('\0')
  .filter(Boolean);
const failures = [];

/** Versions of every workspace package after `changeset version` with one changeset. */
function versionsAfter(releases) {
  const work = mkdtempSync(join(tmpdir(), 'scratchnet-release-'));
  try {
    for (const file of tracked) {
      mkdirSync(dirname(join(work, file)), { recursive: true });
      cpSync(join(root, file), join(work, file));
    }
    for (const f of readdirSync(join(work, '.changeset')))
      if (f.endsWith('.md') && f !== 'README.md') rmSync(join(work, '.changeset', f));
    const header = Object.entries(releases)
      .map(([name, bump]) => `"${name}": ${bump}`)
      .join('\n');
    writeFileSync(join(work, '.changeset/check.md'), `---\n${header}\n---\n\nRelease check.\n`);
    execFileSync('git', ['init', '-q'], { cwd: work });
    execFileSync(process.execPath, [changeset, 'version'], {
      cwd: work,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const versions = {};
    for (const group of ['packages', 'apps']) {
      for (const dir of readdirSync(join(work, group))) {
        const pkg = JSON.parse(readFileSync(join(work, group, dir, 'package.json'), 'utf8'));
        versions[pkg.name] = pkg.version;
      }
    }
    return versions;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const before = {};
for (const group of ['packages', 'apps']) {
  for (const dir of readdirSync(join(root, group))) {
    const pkg = JSON.parse(readFileSync(join(root, group, dir, 'package.json'), 'utf8'));
    before[pkg.name] = pkg.version;
  }
}

const layersOnly = versionsAfter({ '@scratchnet/layers': 'patch' });
for (const app of ['@scratchnet/trainer', '@scratchnet/predict']) {
  if (layersOnly[app] === before[app]) failures.push(`a layers-only changeset does not release ${app}`);
}
const tensorMinor = versionsAfter({ '@scratchnet/tensor': 'minor' });
for (const [name, version] of Object.entries(tensorMinor)) {
  if (name === '@scratchnet/tensor') continue;
  if (version.split('.')[0] !== before[name].split('.')[0])
    failures.push(`a tensor minor release makes ${name} ${before[name]} → ${version} (a new major)`);
  if (version === before[name] && !name.endsWith('/web'))
    failures.push(`a tensor minor release does not release its dependent ${name}`);
}

if (failures.length > 0) {
  for (const f of failures) console.error(`check-release: ${f}`);
  process.exit(1);
}
console.log(
  `check-release: layers patch → trainer ${layersOnly['@scratchnet/trainer']}, predict ${layersOnly['@scratchnet/predict']}; tensor minor → ${Object.entries(
    tensorMinor,
  )
    .filter(([n]) => n !== '@scratchnet/tensor')
    .map(([n, v]) => `${n.replace('@scratchnet/', '')} ${v}`)
    .join(', ')}`,
);
