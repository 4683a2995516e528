// Runs in a fresh module graph (vitest isolates files): the registry has not been used yet here.
import { describe, expect, it } from 'vitest';
import { JsBackend } from '../src/backends/js/index.js';
import {
  backendUnavailableReason,
  getBackend,
  listBackends,
  registerBackend,
  setBackend,
} from '../src/registry.js';

describe('built-in backends are added lazily', () => {
  it('a backend registered under a built-in name before first use wins over the built-in', () => {
    class Custom extends JsBackend {}
    registerBackend('js', () => new Custom(), 0);
    expect(listBackends()).toContain('js');
    expect(setBackend('js')).toBeInstanceOf(Custom);
  });

  it('unsupported backends (factory returns undefined) are reported clearly', () => {
    registerBackend('never', () => undefined, -1);
    expect(() => setBackend('never')).toThrow(
      "setBackend: backend 'never' is unavailable: not supported by this runtime",
    );
    expect(() => setBackend('js', { threads: 0 })).toThrow(
      'setBackend: threads must be a positive integer, got 0',
    );
  });

  it('a factory that throws is skipped by automatic selection, and its reason is reported', () => {
    registerBackend(
      'broken',
      () => {
        throw new Error('this runtime has no WebAssembly SIMD');
      },
      100,
    );
    expect(getBackend().name).not.toBe('broken');
    expect(backendUnavailableReason('broken')).toBe('this runtime has no WebAssembly SIMD');
    expect(() => setBackend('broken')).toThrow(
      "setBackend: backend 'broken' is unavailable: this runtime has no WebAssembly SIMD",
    );
    expect(backendUnavailableReason('js')).toBeUndefined();
  });
});
