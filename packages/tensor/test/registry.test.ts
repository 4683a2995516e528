import { describe, expect, it } from 'vitest';
import { JsBackend } from '../src/backends/js/index.js';
import { getBackend, listBackends, setBackend } from '../src/registry.js';

describe('backend registry', () => {
  it('registers the built-in js backend lazily and defaults to a registered backend', () => {
    expect(listBackends()).toContain('js');
    expect(listBackends()).toContain(getBackend().name);
  });

  it('selects backends by name and rejects unknown names', () => {
    const prev = getBackend();
    try {
      const js = setBackend('js');
      expect(js).toBeInstanceOf(JsBackend);
      expect(js.name).toBe('js');
      expect(js.threads).toBe(1);
      expect(setBackend('js')).toBe(js); // one instance per name
      expect(() => setBackend('nope')).toThrow(/unknown backend 'nope' \(available: .*js/);
    } finally {
      setBackend(prev);
    }
  });
});
