import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

// One PyTorch process per test file computes every reference at once: give it time to import torch.
export default mergeConfig(
  shared,
  defineConfig({ test: { hookTimeout: 120_000, globalSetup: ['src/setup.ts'] } }),
);
