import { afterAll, describe, expect, it } from 'vitest';

const COPY = Symbol.for('@scratchnet/tensor');
const g = globalThis as { [COPY]?: string };

describe('one copy of @scratchnet/tensor per program', () => {
  const before = g[COPY];
  afterAll(() => {
    g[COPY] = before;
  });

  it('a second copy refuses to start, naming both paths', async () => {
    // What the first copy leaves on globalThis, as if it had been loaded from elsewhere.
    g[COPY] = 'file:///app/node_modules/@scratchnet/tensor/dist/index.js';
    const { listBackends } = await import('../src/registry.js');
    expect(() => listBackends()).toThrow(
      /@scratchnet\/tensor is loaded twice: file:\/\/\/app\/node_modules\/@scratchnet\/tensor\/dist\/index\.js and file:\/\/.*registry\.ts/,
    );
  });

  it('the same copy used again is fine', async () => {
    g[COPY] = undefined;
    const { listBackends } = await import('../src/registry.js');
    expect(listBackends()).toContain('js');
    expect(g[COPY]).toMatch(/registry\.ts$/);
  });
});
