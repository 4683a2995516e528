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
    [60, 15],
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

describe('Dashboard panels by size', () => {
  const has = (lines: string[], title: string) => lines.some((l) => stripAnsi(l).includes(`╭─ ${title}`));
  it('at 80×24: charts, epochs and misclassified digits; no confusion matrix or filters', () => {
    const lines = frame(80, 24);
    expect(has(lines, 'Training loss')).toBe(true);
    expect(has(lines, 'Accuracy')).toBe(true);
    expect(has(lines, 'Epochs')).toBe(true);
    expect(has(lines, 'Misclassified')).toBe(true);
    expect(has(lines, 'Confusion')).toBe(false);
    expect(has(lines, 'First conv filters')).toBe(false);
    expect(stripAnsi(lines[0])).toBe(
      'scratchnet-train  simple-cnn · MNIST · wasm × 2 threads · 804,554 parameters',
    );
    expect(stripAnsi(lines.at(-1)!)).toMatch(/^q save & quit · p pause · s save checkpoint/);
  });
  it('at 160×48: every panel', () => {
    const lines = frame(160, 48);
    for (const title of [
      'Training loss',
      'Accuracy',
      'First conv filters',
      'Epochs',
      'Confusion',
      'Misclassified',
    ]) {
      expect(has(lines, title)).toBe(true);
    }
  });
  it('below 80×24 keeps the progress and the charts', () => {
    const lines = frame(60, 15);
    expect(has(lines, 'Training loss')).toBe(true);
    expect(has(lines, 'Epochs')).toBe(false);
  });
});
