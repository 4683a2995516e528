import { describe, expect, it } from 'vitest';
import { leftOut } from '../src/left-out.js';

describe('leftOut', () => {
  const message = 'runFit is training code, which scratchnet-predict leaves out of its bundle';

  it('throws naming the export when called, constructed or read', () => {
    const f = leftOut('runFit') as { (): unknown; new (): unknown; impls: unknown };
    expect(() => f()).toThrow(message);
    expect(() => new f()).toThrow(message);
    expect(() => f.impls).toThrow(message);
  });

  it('can be held without being used', () => {
    const table = [leftOut('runFit'), leftOut('summarize')];
    expect(table).toHaveLength(2);
    expect(typeof table[0]).toBe('function');
  });
});
