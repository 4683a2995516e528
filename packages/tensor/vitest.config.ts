import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

/** The ops suites, which also run on each wasm configuration (the kernel conformance suite runs every backend itself). */
const ops = ['test/ops-*.test.ts', 'test/readme.test.ts'];
// Not `extends: true`: that would merge `include` with the shared one instead of replacing it.
const onWasm = (threads: number) => ({
  resolve: shared.resolve,
  ssr: shared.ssr,
  test: {
    ...shared.test,
    name: `ops on wasm, ${threads} thread${threads > 1 ? 's' : ''}`,
    include: ops,
    env: { SCRATCHNET_TEST_BACKEND: 'wasm', SCRATCHNET_TEST_THREADS: String(threads) },
  },
});

export default mergeConfig(
  shared,
  defineConfig({
    test: {
      projects: [{ extends: true, test: { name: 'tensor' } }, onWasm(1), onWasm(2)],
    },
  }),
);
