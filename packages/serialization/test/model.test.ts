import { readFile, writeFile } from 'node:fs/promises';
import { Dense, Flatten, PRESET_NAMES, ReLU, Sequential, createModel } from '@scratchnet/layers';
import { setBackend } from '@scratchnet/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { SerializationError } from '../src/errors.js';
import { FORMAT_VERSION } from '../src/model/metadata.js';
import { loadModel, loadWeights, saveModel } from '../src/model/files.js';
import { modelFromBytes, modelToBytes } from '../src/model/model.js';
import { type SafetensorsTensor, decodeSafetensors, encodeSafetensors } from '../src/safetensors/codec.js';
import { editFile, everyLayerModel, randomInput, stateBytes, useTempDir } from './helpers.js';

beforeAll(() => {
  setBackend('js');
});
const tmp = useTempDir();

async function loadError(path: string): Promise<string> {
  try {
    await loadModel(path);
  } catch (e) {
    expect(e).toBeInstanceOf(SerializationError);
    expect((e as SerializationError).file).toBe(path);
    expect((e as Error).message.startsWith(`${path}: `)).toBe(true);
    return (e as Error).message;
  }
  throw new Error(`expected loadModel(${path}) to throw`);
}

describe('saveModel / loadModel', () => {
  it('round-trips a model with every layer type bit-exactly, with its metadata', async () => {
    const model = everyLayerModel();
    const path = tmp.path('every.safetensors');
    const metadata = {
      classNames: ['cat', 'dog', 'ünïcode'],
      preprocessing: { scale: 1 / 255, normalization: { mean: 0.1307, std: 0.3081 }, invert: false },
      training: { dataset: 'synthetic', epochs: 3, testAccuracy: 0.875, optimizer: 'sgd' },
    };
    await saveModel(model, path, metadata);
    const loaded = await loadModel(path);
    expect(loaded.metadata).toEqual(metadata);
    expect(loaded.model.getConfig()).toEqual(model.getConfig());
    expect(stateBytes(loaded.model)).toEqual(stateBytes(model));
    const x = randomInput(model, 3, 1);
    expect([...loaded.model.forward(x).data]).toEqual([...model.forward(x).data]);
  });

  it('stores PyTorch state_dict names, F32 weights and an I64 num_batches_tracked', async () => {
    const model = everyLayerModel();
    const file = decodeSafetensors(modelToBytes(model));
    expect([...file.tensors.keys()]).toEqual([
      '0.weight',
      '0.bias',
      '1.weight',
      '1.bias',
      '4.weight',
      '10.weight',
      '10.bias',
      '11.weight',
      '11.bias',
      '13.weight',
      '13.bias',
      '1.running_mean',
      '1.running_var',
      '1.num_batches_tracked',
      '11.running_mean',
      '11.running_var',
      '11.num_batches_tracked',
    ]);
    const nbt = file.tensors.get('1.num_batches_tracked')!;
    expect(nbt.dtype).toBe('I64');
    expect(nbt.shape).toEqual([]);
    const n = model.namedBuffers().find((b) => b.name === '1.num_batches_tracked')!.value.data[0];
    expect(new DataView(nbt.data.buffer, nbt.data.byteOffset, 8).getBigInt64(0, true)).toBe(BigInt(n));
    expect(file.tensors.get('0.weight')).toMatchObject({ dtype: 'F32', shape: [4, 2, 3, 3] });
    expect(file.tensors.get('4.weight')!.shape).toEqual([3, 4, 3, 2]); // OIHW
    expect(file.tensors.get('10.weight')!.shape).toEqual([6, 24]); // [out, in]
    expect(file.metadata.format).toBe('scratchnet');
    expect(file.metadata.format_version).toBe(String(FORMAT_VERSION));
    expect(file.metadata.kind).toBe('model');
    expect(JSON.parse(file.metadata.architecture)).toEqual(model.getConfig());
  });

  it('round-trips every preset', () => {
    for (const name of PRESET_NAMES) {
      const model = createModel(name, { seed: 5 });
      const again = modelFromBytes(modelToBytes(model), `${name}.safetensors`).model;
      expect(again.getConfig()).toEqual(model.getConfig());
      expect(stateBytes(again)).toEqual(stateBytes(model));
    }
  });

  it('writes identical bytes for identical models (deterministic files)', () => {
    expect(modelToBytes(everyLayerModel(4))).toEqual(modelToBytes(everyLayerModel(4)));
  });

  it('loads weights saved by another tool (bare state_dict, no metadata) into a model', async () => {
    const model = new Sequential([new Flatten(), new Dense(3), new ReLU(), new Dense(2)], {
      inputShape: [1, 2, 2],
    });
    const w1 = new Float32Array(12).map((_, i) => i / 10);
    const b1 = new Float32Array([1, 2, 3]);
    const w3 = new Float32Array(6).map((_, i) => -i);
    const b3 = new Float32Array([0.5, -0.5]);
    const bytes = (a: Float32Array) => new Uint8Array(a.buffer);
    // As safetensors.torch.save_file writes it: sorted by name, `{"format": "pt"}` metadata.
    const path = tmp.path('torch.safetensors');
    await writeFile(
      path,
      encodeSafetensors(
        [
          ['1.bias', { dtype: 'F32', shape: [3], data: bytes(b1) }],
          ['1.weight', { dtype: 'F32', shape: [3, 4], data: bytes(w1) }],
          ['3.bias', { dtype: 'F32', shape: [2], data: bytes(b3) }],
          ['3.weight', { dtype: 'F32', shape: [2, 3], data: bytes(w3) }],
        ],
        { format: 'pt' },
      ),
    );
    await loadWeights(model, path);
    const get = (n: string) => [...model.namedParameters().find((p) => p.name === n)!.value.data];
    expect(get('1.weight')).toEqual([...w1]);
    expect(get('3.bias')).toEqual([...b3]);
    // loadModel needs the architecture, which a bare state_dict lacks: a clear error says so.
    expect(await loadError(path)).toMatch(/not a scratchnet model: format is 'pt'/);
  });
});

describe('loadModel rejects bad files, naming the file and the problem', () => {
  const fresh = async (name: string): Promise<string> => {
    const path = tmp.path(name);
    await saveModel(everyLayerModel(), path);
    return path;
  };

  it('a missing file', async () => {
    expect(await loadError(tmp.path('nope.safetensors'))).toMatch(/no such file/);
  });

  it('a truncated file, at several points', async () => {
    const path = await fresh('truncated.safetensors');
    const bytes = await readFile(path);
    const cut = tmp.path('cut.safetensors');
    for (const [at, message] of [
      [4, /too short/],
      [100, /runs past the end of the file/],
      [bytes.length - 1, /lie outside the data area/],
    ] as const) {
      await writeFile(cut, bytes.subarray(0, at));
      expect(await loadError(cut)).toMatch(message);
    }
  });

  it('a missing tensor', async () => {
    const path = await fresh('missing.safetensors');
    await editFile(path, (t) => t.delete('10.weight'));
    expect(await loadError(path)).toMatch(/missing tensor '10.weight' \(layer 10: Dense\)/);
  });

  it('an unexpected tensor', async () => {
    const path = await fresh('unexpected.safetensors');
    await editFile(path, (t) => t.set('3.weight', { dtype: 'F32', shape: [1], data: new Uint8Array(4) }));
    expect(await loadError(path)).toMatch(/unexpected tensor '3.weight': not part of the architecture/);
  });

  it('a shape mismatch', async () => {
    const path = await fresh('shape.safetensors');
    await editFile(path, (t) => t.set('13.bias', { dtype: 'F32', shape: [4], data: new Uint8Array(16) }));
    expect(await loadError(path)).toMatch(
      /tensor '13.bias' \(layer 13: Dense\) has shape \[4\], but the architecture needs \[3\]/,
    );
  });

  it('a wrong dtype', async () => {
    const path = await fresh('dtype.safetensors');
    await editFile(path, (t) => t.set('13.bias', { dtype: 'I32', shape: [3], data: new Uint8Array(12) }));
    expect(await loadError(path)).toMatch(/tensor '13.bias' \(layer 13: Dense\) has dtype I32, expected F32/);
    await editFile(path, (t) => {
      t.set('13.bias', { dtype: 'F32', shape: [3], data: new Uint8Array(12) });
      t.set('1.num_batches_tracked', { dtype: 'F64', shape: [], data: new Uint8Array(8) });
    });
    expect(await loadError(path)).toMatch(/'1.num_batches_tracked' .* has dtype F64, expected I64 or I32/);
  });

  it('a batch counter that does not fit in int32', async () => {
    const path = await fresh('counter.safetensors');
    const big = new Uint8Array(new BigInt64Array([1n << 40n]).buffer);
    await editFile(path, (t) => t.set('1.num_batches_tracked', { dtype: 'I64', shape: [], data: big }));
    expect(await loadError(path)).toMatch(
      /'1.num_batches_tracked' holds 1099511627776, which does not fit in int32/,
    );
  });

  it('an unknown layer type', async () => {
    const path = await fresh('layer.safetensors');
    await editFile(path, (_, m) => {
      m.architecture = m.architecture.replace('"type":"Tanh"', '"type":"Conv3D"');
    });
    expect(await loadError(path)).toMatch(
      /architecture cannot be built: .*layer 7: unknown layer type 'Conv3D'/,
    );
  });

  it('an architecture asking for far more memory than the file holds, before allocating it', async () => {
    const path = await fresh('huge.safetensors');
    await editFile(path, (_, m) => {
      expect(m.architecture).toContain('"units":3,');
      m.architecture = m.architecture.replace('"units":3,', '"units":250000000,'); // a 6 GB weight
    });
    expect(await loadError(path)).toMatch(
      /the architecture needs far more memory than the file's tensors hold \(\d+ elements\): corrupt or hostile/,
    );
    // The backend is restored afterwards.
    const { model } = await loadModel(await fresh('after.safetensors'));
    expect(model.namedParameters()[0].value.storage.owner).toBe('js');
  });

  it('the memory budget is checked layer by layer, in order with the layers that cannot be made', async () => {
    const path = await fresh('huge-then-unknown.safetensors');
    // Layer 0 passes the budget, layer 7 is unknown: the budget is reported.
    await editFile(path, (_, m) => {
      expect(m.architecture).toContain('"filters":4,');
      m.architecture = m.architecture
        .replace('"filters":4,', '"filters":250000000,')
        .replace('"type":"Tanh"', '"type":"Conv3D"');
    });
    expect(await loadError(path)).toMatch(/corrupt or hostile \(layer 0, Conv2d, passes the budget\)/);
    // Layer 7 unknown, layer 13 passes the budget: the unknown layer is reported.
    const other = await fresh('unknown-then-huge.safetensors');
    await editFile(other, (_, m) => {
      m.architecture = m.architecture
        .replace('"units":3,', '"units":250000000,')
        .replace('"type":"Tanh"', '"type":"Conv3D"');
    });
    expect(await loadError(other)).toMatch(/layer 7: unknown layer type 'Conv3D'/);
    // A well-formed architecture passing the budget at layer 13: named too.
    const late = await fresh('late-huge.safetensors');
    await editFile(late, (_, m) => {
      m.architecture = m.architecture.replace('"units":3,', '"units":250000000,');
    });
    expect(await loadError(late)).toMatch(/\(layer 13, Dense, passes the budget\)/);
    // The model as loaded holds its layers as their classes made them (no budget hook left behind).
    const { model } = await loadModel(await fresh('layers.safetensors'));
    for (const layer of model.layers) expect(Object.hasOwn(layer, 'build')).toBe(false);
  });

  it('an unsupported or malformed format version', async () => {
    const path = await fresh('version.safetensors');
    await editFile(path, (_, m) => {
      m.format_version = String(FORMAT_VERSION + 1);
    });
    expect(await loadError(path)).toMatch(new RegExp(`unsupported format version ${FORMAT_VERSION + 1}`));
    await editFile(path, (_, m) => {
      m.format_version = '1; rm -rf /';
    });
    expect(await loadError(path)).toMatch(/format_version "1; rm -rf \/" is not a positive integer/);
  });

  it('bad metadata: architecture JSON, class names, a non-scratchnet file', async () => {
    const path = await fresh('meta.safetensors');
    await editFile(path, (_, m) => {
      m.architecture = '{"inputShape": [1, 8, 8], "layers": [';
    });
    expect(await loadError(path)).toMatch(/metadata 'architecture' is not valid JSON/);
    await editFile(path, (_, m) => {
      m.architecture = '{"inputShape": "x", "layers": []}';
    });
    expect(await loadError(path)).toMatch(/architecture is not \{ inputShape/);
    await editFile(path, (_, m) => {
      m.architecture = JSON.stringify(everyLayerModel().getConfig());
      m.class_names = '[1, 2]';
    });
    expect(await loadError(path)).toMatch(/class_names is not a list of strings/);
    await editFile(path, (_, m) => {
      delete m.format;
    });
    expect(await loadError(path)).toMatch(/no 'format' entry/);
  });

  it('never evaluates anything from the file', async () => {
    const path = await fresh('code.safetensors');
    await editFile(path, (_, m) => {
      m.architecture = JSON.stringify({
        inputShape: [1, 8, 8],
        layers: [{ type: 'constructor' }, { type: '__proto__' }],
      });
      m.training = '{"__proto__": {"polluted": true}}';
    });
    expect(await loadError(path)).toMatch(/unknown layer type 'constructor'/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('modelFromBytes with loadWeights: false', () => {
  it('builds the architecture and leaves the weights unloaded', () => {
    const model = everyLayerModel();
    const bytes = modelToBytes(model, { classNames: ['a', 'b', 'c'] });
    const { model: bare, metadata } = modelFromBytes(bytes, 'm.safetensors', { loadWeights: false });
    expect(metadata.classNames).toEqual(['a', 'b', 'c']);
    expect(bare.getConfig()).toEqual(model.getConfig());
    const dense = bare.namedParameters().find((p) => p.name === '10.weight')!;
    expect(dense.value.data.every((v) => v === 0)).toBe(true);
    expect(
      model
        .namedParameters()
        .find((p) => p.name === '10.weight')!
        .value.data.some((v) => v !== 0),
    ).toBe(true);
  });

  it('refuses every bad file as a full load does, with the same message', () => {
    const good = decodeSafetensors(modelToBytes(everyLayerModel()));
    const nan = new Uint8Array(good.tensors.get('0.weight')!.data);
    new DataView(nan.buffer).setFloat32(8, Number.NaN, true);
    const edits: ((t: Map<string, SafetensorsTensor>) => void)[] = [
      (t) => t.delete('10.weight'),
      (t) => t.set('3.weight', { dtype: 'F32', shape: [1], data: new Uint8Array(4) }),
      (t) => t.set('13.bias', { dtype: 'F32', shape: [4], data: new Uint8Array(16) }),
      (t) => t.set('13.bias', { dtype: 'I32', shape: [3], data: new Uint8Array(12) }),
      (t) => t.set('0.weight', { ...t.get('0.weight')!, data: nan }),
    ];
    for (const edit of edits) {
      const tensors = new Map(good.tensors);
      edit(tensors);
      const bytes = encodeSafetensors(tensors, good.metadata);
      const message = (loadWeights: boolean): string => {
        try {
          modelFromBytes(bytes, 'bad.safetensors', { loadWeights });
        } catch (e) {
          expect(e).toBeInstanceOf(SerializationError);
          return (e as Error).message;
        }
        return 'loaded';
      };
      expect(message(true)).toMatch(/^bad\.safetensors: /);
      expect(message(false)).toBe(message(true));
    }
  });

  it('takes a file decoded already, with the same model, weights and errors as from its bytes', () => {
    const model = everyLayerModel();
    const bytes = modelToBytes(model, { classNames: ['a', 'b', 'c'] });
    const decoded = decodeSafetensors(bytes, 'm.safetensors');
    const fromDecoded = modelFromBytes(decoded, 'm.safetensors');
    const fromBytes = modelFromBytes(bytes, 'm.safetensors');
    expect(fromDecoded.metadata).toEqual(fromBytes.metadata);
    expect(fromDecoded.model.getConfig()).toEqual(fromBytes.model.getConfig());
    for (const [i, p] of fromDecoded.model.namedParameters().entries()) {
      expect(Array.from(p.value.data)).toEqual(Array.from(fromBytes.model.namedParameters()[i].value.data));
    }
    const tensors = new Map(decoded.tensors);
    tensors.delete('10.weight');
    const broken = decodeSafetensors(encodeSafetensors(tensors, decoded.metadata), 'bad.safetensors');
    expect(() => modelFromBytes(broken, 'bad.safetensors', { loadWeights: false })).toThrow(
      /^bad\.safetensors: .*10\.weight/,
    );
  });
});
