// Runs in a fresh module graph (vitest isolates files): the registry has not been used yet here.
import { describe, expect, it } from 'vitest';
import { JsBackend } from '../src/backends/js/index.js';
import { listBackends, registerBackend, setBackend } from '../src/registry.js';

describe('built-in backends are added lazily', () => {
  it('a backend registered under a built-in name before first use wins over the built-in', () => {
    class Custom extends JsBackend {}
    registerBackend('js', () => new Custom(), 0);
    expect(listBackends()).toContain('js');
    expect(setBackend('js')).toBeInstanceOf(Custom);
  });

  it('unsupported backends (factory returns undefined) are reported clearly', () => {
    registerBackend('never', () => undefined, -1);
    expect(() => setBackend('never')).toThrow("setBackend: backend 'never' is not supported by this runtime");
    expect(() => setBackend('js', { threads: 0 })).toThrow(
      'setBackend: threads must be a positive integer, got 0',
    );
  });
});
