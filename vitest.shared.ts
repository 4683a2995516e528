import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources (the '@scratchnet/source' export
// condition), so a package's tests never run against a stale dist/ of another package.
const conditions = ['@scratchnet/source', 'import', 'module', 'node', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ['src/**/*.test.{ts,tsx}', 'test/**/*.test.{ts,tsx}'],
    testTimeout: 30_000,
  },
});
