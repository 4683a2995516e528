import { existsSync } from 'node:fs';
import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';
import { CHROMIUM } from './e2e/chromium.js';

// The browser suite (e2e/) joins the package's normal test run where Chromium is installed, so its
// results count in the repository's "N passed, N failed" line; elsewhere it says it did not run.
const browser = existsSync(CHROMIUM);
if (!browser) {
  process.stderr.write(
    `@scratchnet/web: the browser suite did not run: no Chromium at ${CHROMIUM} (apt-get install chromium)\n`,
  );
}

const config = mergeConfig(shared, defineConfig({ test: { testTimeout: 30_000, hookTimeout: 60_000 } }));
// mergeConfig concatenates lists: replace the shared include instead.
config.test = {
  ...config.test,
  include: ['test/**/*.test.ts', ...(browser ? ['e2e/**/*.e2e.test.ts'] : [])],
};
export default config;
