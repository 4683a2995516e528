import { describe, expect, it } from 'vitest';
import { DashboardStore } from '../src/dashboard/store.js';
import { fakeBatch, fakeEpoch, fakeInfo } from './fixtures.js';

describe('DashboardStore', () => {
  it('collects loss and accuracy by step and the epochs, and bumps its version per message', () => {
    const store = new DashboardStore(0);
    store.apply({ type: 'start', info: fakeInfo() });
    store.apply({ type: 'batch', info: fakeBatch(1, 10, { loss: 1.5, accuracy: 0.5 }), progress: false });
    store.apply({ type: 'epoch', info: fakeEpoch(1) });
    const s = store.snapshot();
    expect(store.version).toBe(3);
    expect(s.loss).toEqual([
      [10, 1.5],
      [844, 0.3],
    ]);
    expect(s.trainAccuracy.map((p) => p[0])).toEqual([10, 844]);
    expect(s.valAccuracy).toEqual([[844, fakeEpoch(1).valAccuracy]]);
    expect(s.testAccuracy).toEqual([[844, fakeEpoch(1).testAccuracy]]);
    expect(s.epochs.map((e) => e.epoch)).toEqual([1]);
  });

  it('starts the charts and table from the history of a resumed run', () => {
    const store = new DashboardStore(0);
    store.apply({ type: 'start', info: fakeInfo({ history: [fakeEpoch(1), fakeEpoch(2)] }) });
    const s = store.snapshot();
    expect(s.epochs).toHaveLength(2);
    expect(s.testAccuracy.map((p) => p[0])).toEqual([844, 1688]);
  });

  it('keeps series bounded, thinning the older half', () => {
    const store = new DashboardStore(0);
    for (let i = 1; i <= 5000; i++) {
      store.apply({ type: 'batch', info: fakeBatch(1, i, { step: i }), progress: false });
    }
    const { loss } = store.snapshot();
    expect(loss.length).toBeLessThanOrEqual(2000);
    expect(loss[loss.length - 1][0]).toBe(5000);
    expect(loss[0][0]).toBe(1);
    for (let i = 1; i < loss.length; i++) expect(loss[i][0]).toBeGreaterThan(loss[i - 1][0]);
  });

  it('tracks pause, phase and notices', () => {
    const store = new DashboardStore(0);
    store.apply({ type: 'paused', paused: true });
    store.apply({ type: 'checkpoint', path: 'c/x.safetensors', epoch: 1, batch: 5, reason: 'user' });
    store.apply({ type: 'phase', phase: 'evaluating' });
    expect(store.snapshot()).toMatchObject({
      paused: true,
      phase: 'evaluating',
      status: 'checkpoint saved: c/x.safetensors (epoch 1, batch 5)',
    });
  });
});
