import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

/** The browser suite alone (`pnpm test:e2e`). */
const config = mergeConfig(shared, defineConfig({ test: { testTimeout: 30_000, hookTimeout: 60_000 } }));
// mergeConfig concatenates lists: replace the shared include instead.
config.test = { ...config.test, include: ['e2e/**/*.e2e.test.ts'] };
export default config;
