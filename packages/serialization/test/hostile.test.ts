// Hostile files: non-finite weights, oversized files and devices, temporary files of killed writers,
// and seeded mutations of valid model files.
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, readdir, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createOptimizer } from '@scratchnet/optimizers';
import { Random, setBackend } from '@scratchnet/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkpointToBytes } from '../src/checkpoint/checkpoint.js';
import { loadCheckpoint } from '../src/checkpoint/files.js';
import { CheckpointManager } from '../src/checkpoint/manager.js';
import { SerializationError } from '../src/errors.js';
import { isTempFileName, writeFileAtomic } from '../src/io/atomic.js';
import { readStreamCapped } from '../src/io/read-capped.js';
import { loadModel, saveModel } from '../src/model/files.js';
import { modelFromBytes, modelToBytes } from '../src/model/model.js';
import { decodeSafetensors } from '../src/safetensors/codec.js';
import { editFile, everyLayerModel, useTempDir } from './helpers.js';

beforeAll(() => {
  setBackend('js');
});
const tmp = useTempDir();

describe('non-finite weights', () => {
  for (const [what, value] of [
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
  ] as const) {
    it(`refuses a model with ${what} in a weight, naming the file and the tensor`, async () => {
      const path = tmp.path(`nan-${what}.safetensors`);
      await saveModel(everyLayerModel(), path);
      await editFile(path, (tensors) => {
        const t = tensors.get('0.weight')!;
        const data = new Uint8Array(t.data);
        new DataView(data.buffer).setFloat32(4 * 5, value, true);
        tensors.set('0.weight', { ...t, data });
      });
      await expect(loadModel(path)).rejects.toThrow(
        `${path}: tensor '0.weight' holds a non-finite value (${what} at element 5): the weights are corrupt`,
      );
    });
  }

  it('names the first bad tensor in the file, wherever it lies, and its first bad element', () => {
    const model = everyLayerModel();
    const bytes = modelToBytes(model);
    const tensors = decodeSafetensors(bytes).tensors;
    const floats = [...tensors].filter(([, t]) => t.dtype === 'F32');
    expect(floats.length).toBeGreaterThan(4);
    for (const [name, t] of floats) {
      // The last element of this tensor, and the first of every later one.
      const bad = bytes.slice();
      const view = new DataView(bad.buffer);
      const last = t.data.length / 4 - 1;
      view.setFloat32(t.data.byteOffset + 4 * last, Number.NaN, true);
      for (const [, later] of floats.slice(floats.findIndex(([n]) => n === name) + 1)) {
        view.setFloat32(later.data.byteOffset, Number.POSITIVE_INFINITY, true);
      }
      expect(() => modelFromBytes(bad, 'm.safetensors')).toThrow(
        `m.safetensors: tensor '${name}' holds a non-finite value (NaN at element ${last}): the weights are corrupt`,
      );
    }
  });

  it('refuses a checkpoint with a non-finite optimizer slot', async () => {
    const model = everyLayerModel();
    const optimizer = createOptimizer({ type: 'adam', lr: 0.01 }, model.namedParameters());
    const path = tmp.path('nan.ckpt.safetensors');
    await writeFile(path, checkpointToBytes({ model, optimizer, epoch: 1, batch: 0 }));
    let slot = '';
    await editFile(path, (tensors) => {
      slot = [...tensors.keys()].find((k) => k.startsWith('optimizer.'))!;
      const t = tensors.get(slot)!;
      const data = new Uint8Array(t.data);
      new DataView(data.buffer).setFloat32(0, Number.NaN, true);
      tensors.set(slot, { ...t, data });
    });
    await expect(loadCheckpoint(path)).rejects.toThrow(
      `${path}: tensor '${slot}' holds a non-finite value (NaN at element 0)`,
    );
  });
});

describe('file size caps', () => {
  it('refuses /dev/zero as a model after the cap, without reading on', async () => {
    const before = process.memoryUsage().rss;
    await expect(loadModel('/dev/zero', { maxBytes: 4 << 20 })).rejects.toThrow(
      '/dev/zero: larger than the 4 MiB limit for a model or checkpoint file: refused',
    );
    expect(process.memoryUsage().rss - before).toBeLessThan(64 << 20);
  });

  it('refuses a file over the default 256 MiB cap from its size, before reading it', async () => {
    const path = tmp.path('sparse.safetensors');
    await writeFile(path, '');
    await truncate(path, 2 ** 30); // sparse: 1 GiB that takes no disk
    await expect(loadModel(path)).rejects.toThrow(
      `${path}: larger than the 256 MiB limit for a model or checkpoint file: refused`,
    );
    await expect(loadCheckpoint(path)).rejects.toBeInstanceOf(SerializationError);
  });

  it('stops reading an endless stream at the cap', async () => {
    const endless = new Readable({
      read() {
        this.push(Buffer.alloc(65536));
      },
    });
    await expect(readStreamCapped(endless, 1 << 20, 'a model', '<stdin>')).rejects.toThrow(
      '<stdin>: larger than the 1 MiB limit for a model: refused',
    );
  });
});

describe('temporary files of killed writers', () => {
  /** The pid of a process that has exited (pids are not reused this fast). */
  const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid as number;

  it('carry the writer pid in their name', async () => {
    let seen = '';
    await expect(
      writeFileAtomic(tmp.path('p.bin'), new Uint8Array(1), {
        hooks: {
          beforeRename(temp) {
            seen = temp;
            throw new Error('stop');
          },
        },
      }),
    ).rejects.toThrow();
    expect(seen).toMatch(new RegExp(`/\\.p\\.bin\\.p${process.pid}\\.[0-9a-f]{12}\\.tmp$`));
  });

  it('are removed at the next start when their writer is dead; a live writer’s are left alone', async () => {
    const dir = tmp.path('run-dead');
    await mkdir(dir, { recursive: true });
    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      const dead = `.checkpoint-latest.safetensors.p${deadPid()}.0123456789ab.tmp`;
      const alive = `.checkpoint-e0001-b000000.safetensors.p${live.pid}.ba9876543210.tmp`;
      const other = `.model.safetensors.p${deadPid()}.aaaaaaaaaaaa.tmp`;
      for (const name of [dead, alive, other]) await writeFile(join(dir, name), new Uint8Array(1000));
      expect([dead, alive, other].every(isTempFileName)).toBe(true);
      new CheckpointManager(dir);
      // The manager clears its own files only; saveModel clears the directory.
      expect((await readdir(dir)).sort()).toEqual([alive, other].sort());
      await saveModel(everyLayerModel(), join(dir, 'model.safetensors'));
      expect((await readdir(dir)).sort()).toEqual([alive, 'model.safetensors'].sort());
    } finally {
      live.kill();
    }
  });
});

describe('fuzz: mutated model files fail with SerializationError only', () => {
  const LEAK =
    /TypeError|RangeError|Cannot read|undefined|is not a function|is not iterable|Invalid (typed )?array length|Array buffer allocation|Maximum call stack|"size"|outside the bounds/;

  it('bit flips, truncations, header lengths, and edited numbers in the JSON header', () => {
    const valid = modelToBytes(everyLayerModel(), { classNames: ['a', 'b', 'c'] });
    const headerEnd = 8 + Number(new DataView(valid.buffer).getBigUint64(0, true));
    const rng = new Random(21);
    const int = (n: number) => Math.min(n - 1, Math.floor(rng.uniform() * n));
    const mutations: ((b: Uint8Array) => Uint8Array)[] = [
      (b) => {
        const out = new Uint8Array(b);
        for (let k = 1 + int(6); k > 0; k--) out[int(out.length)] ^= 1 << int(8);
        return out;
      },
      (b) => {
        const out = new Uint8Array(b);
        for (let k = 1 + int(4); k > 0; k--) out[int(headerEnd)] ^= 1 << int(8); // inside the header
        return out;
      },
      (b) => b.slice(0, int(b.length)),
      (b) => {
        const out = new Uint8Array(b);
        new DataView(out.buffer).setBigUint64(
          0,
          [0n, 7n, 2n ** 40n, 2n ** 64n - 1n, BigInt(int(headerEnd * 2))][int(5)],
          true,
        );
        return out;
      },
      (b) => {
        // A number in the JSON header (shapes, offsets, units, filters, kernel sizes) made huge or odd.
        const text = new TextDecoder().decode(b.subarray(8, headerEnd));
        const numbers = [...text.matchAll(/\d+/g)];
        const m = numbers[int(numbers.length)];
        const value = ['0', '1', '999999', '4294967296', '1e308', '-1', '3.5'][int(7)];
        const edited = (text.slice(0, m.index) + value + text.slice((m.index ?? 0) + m[0].length)).padEnd(
          text.length,
          ' ',
        );
        const header = new TextEncoder().encode(edited);
        const out = new Uint8Array(8 + header.length + (b.length - headerEnd));
        new DataView(out.buffer).setBigUint64(0, BigInt(header.length), true);
        out.set(header, 8);
        out.set(b.subarray(headerEnd), 8 + header.length);
        return out;
      },
    ];
    const seen = new Set<string>();
    for (let i = 0; i < 1500; i++) {
      const bytes = mutations[int(mutations.length)](valid);
      try {
        modelFromBytes(bytes, 'f.safetensors');
      } catch (e) {
        if (
          !(e instanceof SerializationError) ||
          !e.message.startsWith('f.safetensors: ') ||
          LEAK.test(e.message)
        ) {
          throw new Error(
            `not a clean SerializationError: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`,
          );
        }
        seen.add(e.message.replace(/\d+/g, 'N').slice(0, 60));
      }
    }
    expect(seen.size).toBeGreaterThan(10);
  });
});
