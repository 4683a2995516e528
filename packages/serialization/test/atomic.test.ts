import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTempFileName, writeFileAtomic } from '../src/io/atomic.js';
import { decodeSafetensors, encodeSafetensors } from '../src/safetensors/codec.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scratchnet-atomic-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const file = (value: number) =>
  encodeSafetensors([
    ['w', { dtype: 'F32', shape: [3], data: new Uint8Array(new Float32Array(3).fill(value).buffer) }],
  ]);

describe('writeFileAtomic', () => {
  it('creates and replaces a file, leaving no temporary files', async () => {
    const path = join(dir, 'a.safetensors');
    await writeFileAtomic(path, file(1));
    await writeFileAtomic(path, file(2));
    const got = decodeSafetensors(await readFile(path), path).tensors.get('w')!;
    expect([...new Float32Array(new Uint8Array(got.data).buffer)]).toEqual([2, 2, 2]);
    expect((await readdir(dir)).filter((n) => n.startsWith('.a.safetensors'))).toEqual([]);
  });

  it('a crash between write and rename leaves the previous file loadable and removes the temporary file', async () => {
    const path = join(dir, 'b.safetensors');
    await writeFileAtomic(path, file(1));
    let seenTemp = '';
    const crash = writeFileAtomic(path, file(2), {
      hooks: {
        async beforeRename(temp) {
          seenTemp = temp;
          // The new bytes are fully on disk under the temporary name, the target still the old file.
          expect(decodeSafetensors(await readFile(temp), temp).tensors.get('w')!.data[3]).toBe(0x40);
          throw new Error('simulated crash');
        },
      },
    });
    await expect(crash).rejects.toThrow(`${path}: cannot be written: simulated crash`);
    expect(isTempFileName(seenTemp.slice(dir.length + 1))).toBe(true);
    const got = decodeSafetensors(await readFile(path), path).tensors.get('w')!;
    expect([...new Float32Array(new Uint8Array(got.data).buffer)]).toEqual([1, 1, 1]);
    expect((await readdir(dir)).filter(isTempFileName)).toEqual([]);
  });

  it('fails cleanly when the directory does not exist', async () => {
    const path = join(dir, 'missing', 'x.bin');
    await expect(writeFileAtomic(path, new Uint8Array(1))).rejects.toThrow(
      `${path}: cannot be written: directory '${join(dir, 'missing')}' does not exist`,
    );
  });

  it('a process killed at random moments mid-save always leaves a complete old or new file', async () => {
    // A child process saves 4 MB files in a loop (each filled with its generation number) and is
    // SIGKILLed at a random moment; the target must always hold one whole generation. A last round
    // kills it at a known moment inside a save (new bytes written, not yet renamed), so that case is
    // covered however the machine's load shifts the random moments.
    const script = join(dir, 'saver.mjs');
    await build({
      stdin: {
        contents: `
          import { writeFileAtomic } from ${JSON.stringify(fileURLToPath(new URL('../src/io/atomic.ts', import.meta.url)))};
          const [path, holdAt] = process.argv.slice(2);
          const hooks = {
            async beforeRename() {
              if (gen < Number(holdAt)) return;
              process.stdout.write('h');
              await new Promise(() => setInterval(() => {}, 1000));
            },
          };
          let gen = 1;
          for (; ; gen++) {
            await writeFileAtomic(path, new Uint8Array(4 << 20).fill(gen % 256), { hooks });
            process.stdout.write('.');
          }`,
        resolveDir: dir,
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: script,
      logLevel: 'silent',
    });
    const path = join(dir, 'killed.bin');
    await writeFile(path, new Uint8Array(4 << 20).fill(0));
    let completedSaves = 0;
    const rounds = 9;
    for (let round = 0; round < rounds; round++) {
      const held = round === rounds - 1;
      const child: ChildProcess = spawn(process.execPath, [script, path, held ? '3' : 'Infinity'], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      // Wait for the first completed save (process start-up time varies with load), or for the held
      // save; then kill at a random moment within the next saves, or at once when held.
      await new Promise<void>((resolve) =>
        child.stdout!.on('data', (d: Buffer) => {
          const text = d.toString();
          completedSaves += text.replaceAll('h', '').length;
          if (!held || text.includes('h')) resolve();
        }),
      );
      if (!held) await new Promise((r) => setTimeout(r, Math.random() * 100));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const bytes = await readFile(path);
      expect(bytes.length).toBe(4 << 20);
      expect(bytes.every((b) => b === bytes[0])).toBe(true);
      const temps = (await readdir(dir)).filter(isTempFileName);
      if (held) {
        // Killed with generation 3 complete under its temporary name: the target still holds 2.
        expect(temps.length).toBe(1);
        expect(bytes[0]).toBe(2);
      }
      for (const n of temps) await rm(join(dir, n));
    }
    expect(completedSaves).toBeGreaterThan(0);
  }, 90_000);
});
