import { readdir, utimes, writeFile } from 'node:fs/promises';
import {
  BatchNorm2d,
  Conv2D,
  Dense,
  Dropout,
  Flatten,
  MaxPool2D,
  ReLU,
  Sequential,
  tensorBatchSource,
} from '@scratchnet/layers';
import { type OptimizerSpec, createOptimizer } from '@scratchnet/optimizers';
import { IntTensor, Random, Tensor, setBackend } from '@scratchnet/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type CheckpointState,
  checkpointFromBytes,
  checkpointToBytes,
} from '../src/checkpoint/checkpoint.js';
import { loadCheckpoint, saveCheckpoint } from '../src/checkpoint/files.js';
import { CheckpointManager } from '../src/checkpoint/manager.js';
import { SerializationError } from '../src/errors.js';
import { loadModel, saveModel } from '../src/model/files.js';
import { editFile, stateBytes, useTempDir } from './helpers.js';

beforeAll(() => {
  setBackend('js');
});
const tmp = useTempDir();

// A small conv net with batch norm (buffers) and dropout (uses model.rng), on 96 random 8×8 images
// of 3 classes: 6 batches of 16 per epoch.
const makeModel = () =>
  new Sequential(
    [
      new Conv2D({ filters: 4, kernelSize: 3, padding: 1 }),
      new BatchNorm2d(),
      new ReLU(),
      new MaxPool2D(2),
      new Dropout(0.25),
      new Flatten(),
      new Dense(3),
    ],
    { inputShape: [1, 8, 8], seed: 11 },
  );
const data = (() => {
  const rng = new Random(5);
  const x = new Tensor([96, 1, 8, 8]);
  rng.fillUniform(x.data);
  const y = new IntTensor([96]);
  for (let i = 0; i < 96; i++) y.data[i] = rng.int(3);
  return tensorBatchSource(x, y);
})();
const EPOCHS = 3;
const fitOptions = { epochs: EPOCHS, batchSize: 16, seed: 21, shuffle: true } as const;

const OPTIMIZERS: OptimizerSpec[] = [
  { type: 'sgd', lr: 0.05, momentum: 0.9, nesterov: true, decay: 1e-3 },
  {
    type: 'adam',
    lr: 0.01,
    amsgrad: true,
    weightDecay: 1e-4,
    schedule: { type: 'cosine', tMax: 12, etaMin: 0 },
  },
  { type: 'rmsprop', lr: 0.005, momentum: 0.5, centered: true },
  { type: 'adagrad', lr: 0.05 },
];

/** Every byte of model state and optimizer state, for exact comparison. */
function fingerprint(state: Pick<CheckpointState, 'model' | 'optimizer'>) {
  const slots = state.optimizer.stateDict();
  return {
    model: stateBytes(state.model),
    rng: state.model.rng.getState(),
    step: slots.step,
    slots: Object.fromEntries(
      Object.entries(slots.slots).map(([k, t]) => [
        k,
        Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).toString('base64'),
      ]),
    ),
  };
}

describe('exact resume', () => {
  for (const spec of OPTIMIZERS) {
    it(`${spec.type}: N epochs straight = k epochs (or k epochs + b batches), checkpoint, fresh objects, the rest`, async () => {
      const straight = makeModel();
      const straightOpt = createOptimizer(spec, straight.namedParameters());
      await straight.fit(data, { ...fitOptions, optimizer: straightOpt });
      const expected = fingerprint({ model: straight, optimizer: straightOpt });

      for (const stopAt of [
        { epoch: 1, batch: 0 }, // an epoch boundary
        { epoch: 1, batch: 2 }, // mid-epoch: 2 batches into epoch 2
      ]) {
        const path = tmp.path(`resume-${spec.type}-${stopAt.epoch}-${stopAt.batch}.safetensors`);
        const model = makeModel();
        const optimizer = createOptimizer(spec, model.namedParameters());
        const stop = new AbortController();
        const save = async (epoch: number, batch: number) => {
          if (epoch !== stopAt.epoch || batch !== stopAt.batch) return;
          await saveCheckpoint(path, {
            model,
            optimizer,
            epoch,
            batch,
            data: { seed: fitOptions.seed, shuffle: true },
          });
          stop.abort();
        };
        const history = await model.fit(data, {
          ...fitOptions,
          optimizer,
          signal: stop.signal,
          callbacks: {
            onBatchEnd: (m) => save(m.epoch - 1, m.batch),
            onEpochEnd: (m) => save(m.epoch, 0),
          },
        });
        expect(history.stopped).toBe(true);

        const ck = await loadCheckpoint(path);
        expect([ck.epoch, ck.batch]).toEqual([stopAt.epoch, stopAt.batch]);
        expect(ck.data).toEqual({ seed: 21, shuffle: true });
        expect(ck.optimizer).not.toBe(optimizer);
        expect(ck.optimizer.getConfig()).toEqual(optimizer.getConfig());
        await ck.model.fit(data, {
          ...fitOptions,
          seed: ck.data!.seed as number,
          optimizer: ck.optimizer,
          initialEpoch: ck.epoch,
          initialBatch: ck.batch,
        });
        expect(fingerprint(ck)).toEqual(expected);
      }
    });
  }

  it('without the rng state, the resumed run differs (the test can fail)', async () => {
    const spec = OPTIMIZERS[0];
    const straight = makeModel();
    const straightOpt = createOptimizer(spec, straight.namedParameters());
    await straight.fit(data, { ...fitOptions, optimizer: straightOpt });

    const model = makeModel();
    const optimizer = createOptimizer(spec, model.namedParameters());
    await model.fit(data, { ...fitOptions, epochs: 1, optimizer });
    const ck = checkpointFromBytes(checkpointToBytes({ model, optimizer, epoch: 1, batch: 0 }));
    ck.model.rng.setState(new Random(123).getState());
    await ck.model.fit(data, { ...fitOptions, optimizer: ck.optimizer, initialEpoch: 1 });
    expect(stateBytes(ck.model)).not.toEqual(stateBytes(straight));
  });
});

describe('checkpoint files', () => {
  const sample = () => {
    const model = makeModel();
    const optimizer = createOptimizer(OPTIMIZERS[1], model.namedParameters());
    return { model, optimizer };
  };

  it('hold optimizer.<param>.<slot> tensors and the training position in metadata', async () => {
    const { model, optimizer } = sample();
    await model.fit(data, { ...fitOptions, epochs: 1, optimizer });
    const path = tmp.path('meta.safetensors');
    await saveCheckpoint(path, {
      model,
      optimizer,
      epoch: 1,
      batch: 0,
      extra: { history: [0.5, 0.25] },
      metadata: { classNames: ['a', 'b', 'c'] },
    });
    const { decodeSafetensors } = await import('../src/safetensors/codec.js');
    const { readFile } = await import('node:fs/promises');
    const file = decodeSafetensors(await readFile(path), path);
    const names = [...file.tensors.keys()];
    expect(names).toContain('optimizer.0.weight.exp_avg');
    expect(names).toContain('optimizer.6.bias.max_exp_avg_sq');
    expect(file.metadata).toMatchObject({ kind: 'checkpoint', epoch: '1', batch: '0', optimizer_step: '6' });
    expect(JSON.parse(file.metadata.optimizer)).toEqual(optimizer.getConfig());
    expect(JSON.parse(file.metadata.rng)).toEqual(model.rng.getState());
    const ck = await loadCheckpoint(path);
    expect(ck.extra).toEqual({ history: [0.5, 0.25] });
    expect(ck.metadata).toEqual({ classNames: ['a', 'b', 'c'] });
    expect(ck.optimizer.stepCount).toBe(6);
    // A checkpoint is also a model file.
    const { model: m2 } = await loadModel(path);
    expect(stateBytes(m2)).toEqual(stateBytes(model));
  });

  const loadError = async (path: string): Promise<string> => {
    const e = await loadCheckpoint(path).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(e).toBeInstanceOf(SerializationError);
    expect((e as Error).message.startsWith(`${path}: `)).toBe(true);
    return (e as Error).message;
  };

  it('reject a model file, missing or unexpected optimizer slots, bad positions and rng states', async () => {
    const { model, optimizer } = sample();
    const modelPath = tmp.path('just-model.safetensors');
    await saveModel(model, modelPath);
    expect(await loadError(modelPath)).toMatch(/is a model file, not a checkpoint/);

    const path = tmp.path('bad.safetensors');
    const reset = () => saveCheckpoint(path, { model, optimizer, epoch: 2, batch: 3 });
    await reset();
    await editFile(path, (t) => t.delete('optimizer.0.weight.exp_avg'));
    expect(await loadError(path)).toMatch(
      /optimizer state does not fit the model: .*missing slot '0.weight.exp_avg'/,
    );
    await reset();
    await editFile(path, (t) =>
      t.set('optimizer.0.weight.velocity', { dtype: 'F32', shape: [1], data: new Uint8Array(4) }),
    );
    expect(await loadError(path)).toMatch(/unexpected slot '0.weight.velocity'/);
    await reset();
    await editFile(path, (t) =>
      t.set('optimizer.6.bias.exp_avg', { dtype: 'F32', shape: [4], data: new Uint8Array(16) }),
    );
    expect(await loadError(path)).toMatch(
      /slot '6.bias.exp_avg' has shape \[4\], but the parameter has shape \[3\]/,
    );
    await reset();
    await editFile(path, (_, m) => {
      m.epoch = '-1';
    });
    expect(await loadError(path)).toMatch(
      /checkpoint metadata 'epoch' is "-1", expected a non-negative integer/,
    );
    await reset();
    await editFile(path, (_, m) => {
      m.rng = '[1, 2]';
    });
    expect(await loadError(path)).toMatch(/'rng' is not a random-generator state/);
    await reset();
    await editFile(path, (_, m) => {
      m.optimizer = '{"type": "lbfgs"}';
    });
    expect(await loadError(path)).toMatch(/optimizer cannot be rebuilt: .*unknown optimizer type 'lbfgs'/);
    await reset();
    await editFile(path, (_, m) => {
      m.data = '[1]';
    });
    expect(await loadError(path)).toMatch(/checkpoint metadata 'data' is not a JSON object/);
  });
});

describe('CheckpointManager', () => {
  it('keeps the last K checkpoints plus a latest, and resumes from the latest', async () => {
    const dir = tmp.path('run');
    const manager = new CheckpointManager(dir, { keep: 2 });
    expect(await manager.latest()).toBeUndefined();
    expect(await manager.loadLatest()).toBeUndefined();
    const model = makeModel();
    const optimizer = createOptimizer(OPTIMIZERS[0], model.namedParameters());
    const positions = [
      [0, 3],
      [1, 0],
      [1, 3],
      [2, 0],
    ];
    for (const [epoch, batch] of positions) {
      const path = await manager.save({ model, optimizer, epoch, batch });
      expect(path).toBe(manager.pathFor(epoch, batch));
    }
    // Temporary files of killed saves are never listed; an old one is removed by the next save, a
    // recent one (a save in progress elsewhere) is left alone.
    const stale = `${dir}/.checkpoint-e0009-b000000.safetensors.0123456789ab.tmp`;
    const recent = `${dir}/.checkpoint-latest.safetensors.ba9876543210.tmp`;
    await writeFile(stale, 'partial');
    await writeFile(recent, 'partial');
    const twoHoursAgo = new Date(Date.now() - 2 * 3600 * 1000);
    await utimes(stale, twoHoursAgo, twoHoursAgo);
    expect(await manager.list()).toEqual([manager.pathFor(1, 3), manager.pathFor(2, 0)]);
    await manager.save({ model, optimizer, epoch: 2, batch: 0 });
    expect((await readdir(dir)).sort()).toEqual([
      '.checkpoint-latest.safetensors.ba9876543210.tmp',
      'checkpoint-e0001-b000003.safetensors',
      'checkpoint-e0002-b000000.safetensors',
      'checkpoint-latest.safetensors',
    ]);
    expect(await manager.latest()).toBe(manager.latestPath);
    const ck = (await manager.loadLatest())!;
    expect([ck.epoch, ck.batch]).toEqual([2, 0]);
  });

  it('validates its options', () => {
    expect(() => new CheckpointManager('x', { keep: 0 })).toThrow(/keep must be a positive integer, got 0/);
    expect(() => new CheckpointManager('x', { prefix: '../evil' })).toThrow(/prefix '..\/evil'/);
  });
});
