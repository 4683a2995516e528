import { describe, expect, it } from 'vitest';
import { DashboardStore } from '../src/dashboard/store.js';
import { fakeBatch, fakeEpoch, fakeInfo } from './fixtures.js';

describe('DashboardStore', () => {
  it('collects loss and accuracy by step and the epochs, and bumps its version per message', () => {
    const store = new DashboardStore(0);
    store.apply({ type: 'start', info: fakeInfo() });
    store.apply({ type: 'batch', info: fakeBatch(1, 10, { loss: 1.5, accuracy: 0.5 }), progress: false });
    // running means 1.5 over 10 batches then 1.0 over 20: the second window's mean is 0.5, accuracy 0.9;
    // a window of 10 batches moves the moving average by w = 1 − 0.95^10 of the way
    store.apply({ type: 'batch', info: fakeBatch(1, 20, { loss: 1.0, accuracy: 0.7 }), progress: false });
    // a new epoch restarts the running means: its first window is the message itself
    store.apply({ type: 'batch', info: fakeBatch(2, 5, { loss: 0.2, accuracy: 0.8 }), progress: false });
    store.apply({ type: 'epoch', info: fakeEpoch(1) });
    const s = store.snapshot();
    expect(store.version).toBe(5);
    expect(s.loss.map((p) => p[0])).toEqual([10, 20, 849]);
    const w = 1 - 0.95 ** 10;
    const loss1 = 1.5 + w * (0.5 - 1.5);
    const acc1 = 0.5 + w * (0.9 - 0.5);
    expect(s.loss[0][1]).toBe(1.5);
    expect(s.loss[1][1]).toBeCloseTo(loss1, 12);
    expect(s.trainAccuracy[1][1]).toBeCloseTo(acc1, 12);
    // the new epoch's first message counts as one batch
    expect(s.loss[2][1]).toBeCloseTo(loss1 + 0.05 * (0.2 - loss1), 12);
    expect(s.trainAccuracy[2][1]).toBeCloseTo(acc1 + 0.05 * (0.8 - acc1), 12);
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
    expect(s.loss).toEqual([
      [844, 0.3],
      [1688, 0.15],
    ]);
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

  it('shows why training stopped early in its last frame', () => {
    const store = new DashboardStore(0);
    store.apply({
      type: 'done',
      model: 'c/model.safetensors',
      onnx: null,
      checkpoint: 'c/checkpoint-latest.safetensors',
      testAccuracy: 0.98,
      seconds: 12,
      stopped: true,
      stopReason: 'early-stop',
      stopMessage: 'stopped early: val_loss has not improved for 2 epochs (best: epoch 3)',
      bestEpoch: 3,
      best: null,
      epochsDone: 5,
      batchesDone: 0,
    });
    expect(store.snapshot()).toMatchObject({
      phase: 'done',
      status: 'stopped early: val_loss has not improved for 2 epochs (best: epoch 3)',
    });
  });
});
