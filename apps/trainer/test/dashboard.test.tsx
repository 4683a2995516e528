import { renderToString } from 'ink';
import { describe, expect, it } from 'vitest';
import { stripAnsi } from '../src/dashboard/ansi.js';
import { Dashboard } from '../src/dashboard/Dashboard.js';
import { DashboardStore } from '../src/dashboard/store.js';
import { fakeBatch, fakeConfusion, fakeEpoch, fakeFilters, fakeInfo, fakeMisclassified } from './fixtures.js';

function fullStore(): DashboardStore {
  const store = new DashboardStore(0);
  store.apply({ type: 'start', info: fakeInfo() });
  for (let e = 1; e <= 3; e++) {
    for (let b = 100; b <= 844; b += 100)
      store.apply({ type: 'batch', info: fakeBatch(e, b), progress: false });
    store.apply({ type: 'epoch', info: fakeEpoch(e) });
  }
  store.apply({ type: 'batch', info: fakeBatch(4, 412), progress: false });
  store.apply({
    type: 'evaluation',
    info: { epoch: 3, confusion: fakeConfusion(), misclassified: fakeMisclassified(24) },
  });
  store.apply({ type: 'filters', info: fakeFilters() });
  return store;
}

function frame(width: number, height: number): string[] {
  const state = fullStore().snapshot();
  const out = renderToString(<Dashboard state={state} width={width} height={height} now={21_000} />, {
    columns: width,
  });
  return out.split('\n');
}

describe('Dashboard layout', () => {
  for (const [w, h] of [
    [80, 24],
    [100, 30],
    [120, 40],
    [160, 48],
    [220, 60],
  ]) {
    it(`fits ${w}×${h} (shorter than the terminal, no line wider)`, () => {
      const lines = frame(w, h);
      expect(lines.length).toBeLessThan(h);
      for (const l of lines) expect(stripAnsi(l).length).toBeLessThanOrEqual(w);
    });
  }
});
