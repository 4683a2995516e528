#!/usr/bin/env node
// The root test command: runs every package's vitest suite through turborepo, then prints one
// closing line "N passed, N failed" summed from each package's vitest JSON report.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const packageDirs = ['packages', 'apps', 'tests'].flatMap((group) =>
  existsSync(join(root, group)) ? readdirSync(join(root, group)).map((name) => join(root, group, name)) : [],
);
const reports = packageDirs
  .filter((dir) => existsSync(join(dir, 'package.json')))
  .map((dir) => join(dir, 'test-results.json'));
for (const report of reports) rmSync(report, { force: true });

const turbo = spawnSync('turbo', ['run', 'test', '--continue', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  shell: process.platform === 'win32',
});

let passed = 0;
let failed = 0;
const missing = [];
for (const report of reports) {
  const pkg = JSON.parse(readFileSync(join(report, '..', 'package.json'), 'utf8'));
  if (!pkg.scripts?.test) continue;
  if (!existsSync(report)) {
    missing.push(pkg.name);
    continue;
  }
  const json = JSON.parse(readFileSync(report, 'utf8'));
  passed += json.numPassedTests;
  failed += json.numFailedTests;
  // A suite that fails outside any test (import error, a throwing beforeAll) has no failed test to
  // count, though its tests were skipped: count the suite itself as one failure.
  failed += (json.testResults ?? []).filter(
    (s) => s.status === 'failed' && !s.assertionResults.some((a) => a.status === 'failed'),
  ).length;
}
for (const name of missing) console.error(`test: ${name} wrote no test report (its test run did not start)`);
failed += missing.length;
console.log(`${passed} passed, ${failed} failed`);
process.exit(turbo.status === 0 && failed === 0 ? 0 : 1);
