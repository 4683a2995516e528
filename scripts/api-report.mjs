#!/usr/bin/env node
// API reports: for every entry point of every published library (the `exports` map of its
// package.json), API Extractor writes `api/<entry>.api.md` from the built declarations, so a
// reviewer sees every public API change in a diff.
//   node scripts/api-report.mjs          rewrite the reports (after `pnpm build`)
//   node scripts/api-report.mjs --check  fail when a report differs from what is committed (CI)
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const check = process.argv.includes('--check');
const root = join(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const { Extractor, ExtractorConfig } = require('@microsoft/api-extractor');
const temp = mkdtempSync(join(tmpdir(), 'scratchnet-api-'));

/** Entry points of a package: [report name, declaration file] for each `exports` key with types. */
function entries(dir, pkg) {
  const short = pkg.name.replace('@scratchnet/', '');
  return Object.entries(pkg.exports ?? {})
    .filter(([, target]) => typeof target === 'object' && target.types)
    .map(([key, target]) => [
      key === '.' ? short : `${short}-${key.slice(2).replaceAll('/', '-')}`,
      join(dir, target.types),
    ]);
}

let changed = 0;
try {
  for (const name of readdirSync(join(root, 'packages')).sort()) {
    const dir = join(root, 'packages', name);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    if (pkg.private) continue;
    for (const [report, dts] of entries(dir, pkg)) {
      mkdirSync(join(dir, 'api'), { recursive: true });
      const configPath = join(dir, 'api-extractor.json');
      const config = ExtractorConfig.prepare({
        configObjectFullPath: configPath,
        packageJsonFullPath: join(dir, 'package.json'),
        configObject: {
          projectFolder: dir,
          mainEntryPointFilePath: dts,
          compiler: {
            overrideTsconfig: {
              compilerOptions: {
                module: 'NodeNext',
                moduleResolution: 'NodeNext',
                target: 'ES2022',
                lib: ['ES2022', 'DOM'],
                types: [],
                skipLibCheck: true,
                strict: true,
              },
              include: ['dist'],
            },
          },
          apiReport: {
            enabled: true,
            reportFileName: `${report}.api.md`,
            reportFolder: join(dir, 'api'),
            reportTempFolder: temp,
          },
          docModel: { enabled: false },
          dtsRollup: { enabled: false },
          tsdocMetadata: { enabled: false },
          messages: {
            extractorMessageReporting: { default: { logLevel: 'none' } },
            tsdocMessageReporting: { default: { logLevel: 'none' } },
            compilerMessageReporting: { default: { logLevel: 'warning' } },
          },
        },
      });
      const result = Extractor.invoke(config, {
        localBuild: !check,
        showVerboseMessages: false,
        messageCallback: (m) => {
          m.handled = true;
        },
      });
      if (result.apiReportChanged) {
        changed++;
        console.error(
          `api-report: ${pkg.name} (${report}.api.md) ${check ? 'differs from the committed report' : 'updated'}`,
        );
      }
      if (!result.succeeded && !result.apiReportChanged) {
        console.error(`api-report: API Extractor failed on ${dts}`);
        process.exitCode = 1;
      }
    }
  }
} finally {
  rmSync(temp, { recursive: true, force: true });
}
if (check && changed > 0) {
  console.error(
    'api-report: the public API changed; run `node scripts/api-report.mjs` and commit api/*.api.md',
  );
  process.exit(1);
}
console.log(`api-report: ${check ? 'reports match the public API' : 'reports written'}`);
