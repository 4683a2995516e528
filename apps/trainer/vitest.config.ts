import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

// The CLI tests start trainer processes (several in a row for resume and --arch), each loading MNIST:
// seconds apiece on a quiet machine, several times that on a loaded two-core CI runner.
export default mergeConfig(shared, defineConfig({ test: { testTimeout: 120_000 } }));
