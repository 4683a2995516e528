import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

/** The browser suite alone (`pnpm test:e2e`). */
export default mergeConfig(
  shared,
  defineConfig({ test: { include: ['e2e/**/*.e2e.test.ts'], testTimeout: 30_000, hookTimeout: 60_000 } }),
);
