import { IntTensor, Tensor } from '@scratchnet/tensor';
import { describe, expect, it } from 'vitest';
import {
  Dense,
  EarlyStopping,
  type EpochMetrics,
  ReduceLROnPlateau,
  Sequential,
  combineCallbacks,
  tensorBatchSource,
} from '../src/index.js';

/** Epoch metrics whose monitored values follow a script (valLoss and valAccuracy). */
function epochs(valLoss: number[], epochsTotal = 100): EpochMetrics[] {
  return valLoss.map((v, i) => ({
    epoch: i + 1,
    epochs: epochsTotal,
    loss: v,
    accuracy: 1 - v,
    valLoss: v,
    valAccuracy: 1 - v,
    seconds: 1,
    samplesPerSecond: 1,
    learningRate: 0.1,
  }));
}

/** Feeds epochs until the callback asks to stop; returns the epoch after which it stopped (0: never). */
function run(cb: EarlyStopping, script: EpochMetrics[]): number {
  for (const m of script) {
    cb.onEpochEnd(m);
    if (cb.stopTraining) return m.epoch;
  }
  return 0;
}

describe('EarlyStopping', () => {
  it('stops after `patience` epochs without improvement and remembers the best epoch', () => {
    const es = new EarlyStopping({ patience: 2 });
    // best 0.5 at epoch 3; epochs 4 and 5 do not improve → stop after 5
    expect(run(es, epochs([0.9, 0.7, 0.5, 0.6, 0.55, 0.1]))).toBe(5);
    expect(es.bestEpoch).toBe(3);
    expect(es.best).toBe(0.5);
    expect(es.wait).toBe(2);
    expect(es.stoppedEpoch).toBe(5);
  });

  it('resets the wait on improvement', () => {
    const es = new EarlyStopping({ patience: 2 });
    expect(run(es, epochs([0.9, 1.0, 0.8, 1.0, 0.7, 0.8]))).toBe(0);
    expect(es.bestEpoch).toBe(5);
    expect(es.wait).toBe(1);
  });

  it('counts changes smaller than minDelta as no improvement', () => {
    const es = new EarlyStopping({ patience: 1, minDelta: 0.05 });
    // 0.98 is better than 1.0 by 0.02 < 0.05
    expect(run(es, epochs([1.0, 0.98]))).toBe(2);
    expect(es.bestEpoch).toBe(1);
  });

  it('maximises accuracies (mode auto) and honours an explicit mode', () => {
    const acc = new EarlyStopping({ monitor: 'valAccuracy', patience: 1 });
    // valAccuracy = 1 − valLoss: 0.1, 0.3, 0.2 → stops after epoch 3, best epoch 2
    expect(run(acc, epochs([0.9, 0.7, 0.8]))).toBe(3);
    expect(acc.bestEpoch).toBe(2);
    const max = new EarlyStopping({ monitor: 'valLoss', mode: 'max', patience: 1 });
    expect(run(max, epochs([0.5, 0.6, 0.4]))).toBe(3);
    expect(max.bestEpoch).toBe(2);
  });

  it('never counts a non-finite value as an improvement', () => {
    const es = new EarlyStopping({ patience: 2 });
    expect(run(es, epochs([0.5, Number.NaN, Number.POSITIVE_INFINITY]))).toBe(3);
    expect(es.best).toBe(0.5);
  });

  it('round-trips its state so a resumed run stops at the same epoch', () => {
    const script = epochs([0.9, 0.7, 0.8, 0.75, 0.6, 0.65, 0.7, 0.66]);
    const whole = new EarlyStopping({ patience: 3 });
    const stopWhole = run(whole, script);
    const first = new EarlyStopping({ patience: 3 });
    run(first, script.slice(0, 4));
    const state = JSON.parse(JSON.stringify(first.stateDict()));
    const second = new EarlyStopping({ patience: 3 });
    second.loadStateDict(state);
    expect(run(second, script.slice(4))).toBe(stopWhole);
    expect(stopWhole).toBe(8);
    expect(second.stateDict()).toEqual(whole.stateDict());
  });

  it('rejects bad options and states', () => {
    expect(() => new EarlyStopping({ patience: -1 })).toThrow(
      'EarlyStopping: patience must be an integer ≥ 0, got -1',
    );
    expect(() => new EarlyStopping({ minDelta: -0.1 })).toThrow('minDelta must be a number ≥ 0');
    expect(() => new EarlyStopping({ monitor: 'val' as 'loss' })).toThrow(
      "monitor must be one of loss, accuracy, valLoss, valAccuracy, got 'val'",
    );
    expect(() => new EarlyStopping({ restoreBestWeights: true })).toThrow(
      'restoreBestWeights needs the model',
    );
    expect(() =>
      new EarlyStopping().loadStateDict({ best: 1, bestEpoch: 1, wait: -2, stoppedEpoch: 0 }),
    ).toThrow('EarlyStopping.loadStateDict: wait must be an integer ≥ 0, got -2');
  });

  it('names the missing metric when there is no validation data', () => {
    const es = new EarlyStopping();
    const [m] = epochs([0.5]);
    delete m.valLoss;
    expect(() => es.onEpochEnd(m)).toThrow(
      "EarlyStopping: epoch 1 reports no 'valLoss' (pass validationData to fit",
    );
  });

  it('stops fit and restores the best weights', async () => {
    const model = new Sequential([new Dense(2)], { inputShape: [2], seed: 3 });
    const x = Tensor.fromArray([
      [1, 0],
      [0, 1],
      [1, 1],
      [0, 0],
    ]);
    const y = IntTensor.fromArray([0, 1, 1, 0]);
    const data = tensorBatchSource(x, y);
    const weight = () => Array.from(model.namedParameters()[0].value.data);
    const script = [0.5, 0.4, 0.6, 0.7, 0.1];
    const snapshots: number[][] = [];
    const es = new EarlyStopping({ patience: 2, restoreBestWeights: true, model });
    // Scripted validation loss: the callback sees the script, not the real loss.
    const scripted = {
      onEpochEnd(m: EpochMetrics) {
        m.valLoss = script[m.epoch - 1];
        snapshots.push(weight());
      },
    };
    const optimizer = {
      learningRate: 0.1,
      step() {
        for (const p of model.namedParameters()) {
          for (let i = 0; i < p.value.size; i++) p.value.data[i] -= 0.1 * p.grad.data[i];
        }
      },
    };
    const history = await model.fit(data, {
      optimizer,
      epochs: 5,
      batchSize: 4,
      callbacks: combineCallbacks(scripted, es),
    });
    expect(history.epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4]);
    expect(history.stopped).toBe(false);
    expect(history.epoch).toBe(4);
    expect(es.stoppedEpoch).toBe(4);
    expect(es.bestEpoch).toBe(2);
    expect(snapshots[1]).not.toEqual(snapshots[3]);
    expect(weight()).toEqual(snapshots[1]);
  });
});

describe('ReduceLROnPlateau', () => {
  const feed = (cb: ReduceLROnPlateau, script: EpochMetrics[], target: { scale: number }) =>
    script.map((m) => {
      cb.onEpochEnd(m);
      return target.scale;
    });

  it('multiplies the scale by factor after `patience` epochs without improvement', () => {
    const target = { scale: 1 };
    const cb = new ReduceLROnPlateau(target, { patience: 2, factor: 0.5 });
    // best 0.5 at 2; 3, 4 no better → halve after 4; 5, 6 no better → halve again after 6
    expect(feed(cb, epochs([0.6, 0.5, 0.5, 0.55, 0.6, 0.7, 0.4]), target)).toEqual([
      1, 1, 1, 0.5, 0.5, 0.25, 0.25,
    ]);
    expect(cb.reductions).toBe(2);
    expect(cb.bestEpoch).toBe(7);
  });

  it('waits out the cooldown and stops at minScale', () => {
    const target = { scale: 1 };
    const cb = new ReduceLROnPlateau(target, { patience: 1, factor: 0.1, cooldown: 2, minScale: 0.005 });
    // reduce after 2 (0.1); 3, 4 cooldown; 5 reduces (0.01); 6, 7 cooldown; 8 hits the floor 0.005
    const scales = feed(cb, epochs([0.5, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6]), target);
    const expected = [1, 0.1, 0.1, 0.1, 0.01, 0.01, 0.01, 0.005];
    for (const [i, s] of scales.entries()) expect(s).toBeCloseTo(expected[i], 12);
    expect(cb.reductions).toBe(3);
  });

  it('finds the scale on an optimizer schedule, and refuses a target without one', () => {
    const schedule = { scale: 1, rate: (_t: number, lr: number) => lr };
    const cb = new ReduceLROnPlateau({ schedule }, { patience: 0 });
    cb.onEpochEnd(epochs([0.5])[0]);
    cb.onEpochEnd(epochs([0.5, 0.6])[1]);
    expect(schedule.scale).toBeCloseTo(0.1, 12);
    expect(() => new ReduceLROnPlateau({ schedule: null })).toThrow(
      'the target needs a settable learning-rate scale',
    );
    expect(() => new ReduceLROnPlateau({ scale: 1 }, { factor: 1 })).toThrow(
      'factor must be in (0, 1), got 1',
    );
  });

  it('round-trips its state', () => {
    const script = epochs([0.5, 0.6, 0.7, 0.4, 0.45, 0.5, 0.6, 0.3]);
    const a = { scale: 1 };
    const whole = new ReduceLROnPlateau(a, { patience: 2, cooldown: 1 });
    const wholeScales = feed(whole, script, a);
    const b = { scale: 1 };
    const first = new ReduceLROnPlateau(b, { patience: 2, cooldown: 1 });
    feed(first, script.slice(0, 5), b);
    const c = { scale: b.scale };
    const second = new ReduceLROnPlateau(c, { patience: 2, cooldown: 1 });
    second.loadStateDict(JSON.parse(JSON.stringify(first.stateDict())));
    expect(feed(second, script.slice(5), c)).toEqual(wholeScales.slice(5));
    expect(second.stateDict()).toEqual(whole.stateDict());
  });
});
