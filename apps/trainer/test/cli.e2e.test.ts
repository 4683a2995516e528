/**
 * End-to-end runs of the built CLI (dist/scratchnet-train.js, rebuilt before the tests) on small
 * MNIST subsets: JSON events, plain output, files written, exact resume, Ctrl-C, and flag errors.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** A fresh temporary directory, removed when the file's tests finish. */
const tempDirs: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

const appDir = fileURLToPath(new URL('..', import.meta.url));
const cli = join(appDir, 'dist/scratchnet-train.js');
// A few hundred images: 96 train / 32 validation / 64 test, batches of 32.
const SMALL = ['--train-limit', '128', '--test-limit', '64', '--batch-size', '32', '--val-split', '0.25'];

interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function collect(child: ChildProcess): Promise<Result> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  return new Promise((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
}

function run(args: string[], cwd: string): Promise<Result> {
  return collect(spawn(process.execPath, [cli, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] }));
}

type Event = { event: string } & Record<string, unknown>;
const events = (stdout: string): Event[] =>
  stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Event);

const fraction = expect.toSatisfy((v: unknown) => typeof v === 'number' && v >= 0 && v <= 1);

beforeAll(() => {
  execFileSync(process.execPath, ['build.mjs'], { cwd: appDir, stdio: 'inherit' });
}, 60_000);

describe('scratchnet-train --json', () => {
  const cwd = tempDir('scratchnet-train-json-');
  let first: Event[] = [];

  it('trains, reports the schema, and writes the model, checkpoints and ONNX', async () => {
    const r = await run(
      ['--json', ...SMALL, '--epochs', '2', '--checkpoint-every', '2', '--onnx', 'out/model.onnx'],
      cwd,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    first = events(r.stdout);
    const kinds = first.map((e) => e.event);
    expect(kinds[0]).toBe('start');
    expect(kinds.at(-1)).toBe('done');
    expect(first[0]).toMatchObject({
      model: 'seed',
      dataset: 'MNIST',
      trainSamples: 96,
      valSamples: 32,
      testSamples: 64,
      batchesPerEpoch: 3,
      epochs: 2,
      resumedFrom: null,
    });
    expect(kinds.filter((k) => k === 'progress').length).toBeGreaterThan(0);
    const epochs = first.filter((e) => e.event === 'epoch');
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2]);
    for (const e of epochs) {
      expect(e).toEqual({
        event: 'epoch',
        epoch: expect.any(Number),
        epochs: 2,
        loss: expect.any(Number),
        trainAccuracy: fraction,
        valLoss: expect.any(Number),
        valAccuracy: fraction,
        testLoss: expect.any(Number),
        testAccuracy: fraction,
        seconds: expect.any(Number),
        samplesPerSecond: expect.any(Number),
        learningRate: expect.any(Number),
      });
      // the decayed rate after 3 steps per epoch: 0.05 / (1 + 1e-3 · 3e)
      expect(e.learningRate).toBeCloseTo(0.05 / (1 + 1e-3 * 3 * (e.epoch as number)), 6);
    }
    // checkpoints every 2 steps (steps 2 and 4 fall inside epochs) and at each epoch end
    const cks = first.filter((e) => e.event === 'checkpoint');
    expect(cks.map((c) => [c.epoch, c.batch, c.reason])).toEqual([
      [0, 2, 'steps'],
      [1, 0, 'epoch'],
      [1, 1, 'steps'],
      [2, 0, 'epoch'],
    ]);
    const done = first.at(-1)!;
    expect(done).toEqual({
      event: 'done',
      model: join('checkpoints', 'model.safetensors'),
      testAccuracy: epochs[1].testAccuracy,
      seconds: expect.any(Number),
      epochs: 2,
      stopped: false,
      checkpoint: join('checkpoints', 'checkpoint-latest.safetensors'),
      onnx: 'out/model.onnx',
    });
    // the last 3 numbered checkpoints are kept, plus the latest and the model
    expect(readdirSync(join(cwd, 'checkpoints')).sort()).toEqual([
      'checkpoint-e0001-b000000.safetensors',
      'checkpoint-e0001-b000001.safetensors',
      'checkpoint-e0002-b000000.safetensors',
      'checkpoint-latest.safetensors',
      'model.safetensors',
    ]);
    const model = readFileSync(join(cwd, 'checkpoints/model.safetensors'));
    const headerLength = Number(model.readBigUInt64LE(0));
    const header = JSON.parse(model.subarray(8, 8 + headerLength).toString('utf8'));
    expect(Object.keys(header)).toEqual(expect.arrayContaining(['0.weight', '0.bias', '4.weight', '6.bias']));
    expect(JSON.parse(header.__metadata__.class_names)).toHaveLength(10);
    expect(readFileSync(join(cwd, 'out/model.onnx')).length).toBeGreaterThan(100_000);
  });

  it('resumes mid-epoch from a checkpoint to bit-identical weights (--epochs is the total)', async () => {
    const r = await run(
      [
        '--json',
        '--resume',
        'checkpoints/checkpoint-e0001-b000001.safetensors',
        '--test-limit',
        '64',
        '--epochs',
        '2',
        '--out',
        'resumed',
      ],
      cwd,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const ev = events(r.stdout);
    expect(ev[0]).toMatchObject({
      event: 'start',
      trainSamples: 96,
      batchSize: 32,
      resumedFrom: { path: 'checkpoints/checkpoint-e0001-b000001.safetensors', epoch: 1, batch: 1 },
    });
    // one more epoch, starting at its second batch
    expect(ev.filter((e) => e.event === 'epoch').map((e) => e.epoch)).toEqual([2]);
    expect(ev.find((e) => e.event === 'progress')).toMatchObject({ epoch: 2, batch: 2, step: 5 });
    const resumed = readFileSync(join(cwd, 'resumed/model.safetensors'));
    const straight = readFileSync(join(cwd, 'checkpoints/model.safetensors'));
    expect(resumed.equals(straight)).toBe(true);
  });

  it('refuses flags that contradict the checkpoint', async () => {
    const r = await run(
      ['--json', '--resume', 'checkpoints/checkpoint-latest.safetensors', '--batch-size', '16'],
      cwd,
    );
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'scratchnet-train: --batch-size 16 conflicts with the checkpoint (trained with 32); leave it out to resume exactly\n',
    );
  });

  it('saves a checkpoint and stops on SIGINT, at the exact position', async () => {
    const child = spawn(
      process.execPath,
      [cli, '--json', ...SMALL, '--epochs', '50', '--out', 'interrupted'],
      {
        cwd,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout.once('data', () => child.kill('SIGINT'));
    const r = await collect(child);
    expect(r.code).toBe(130);
    const ev = events(r.stdout);
    const done = ev.at(-1)!;
    expect(done).toMatchObject({ event: 'done', stopped: true });
    const quit = ev.filter((e) => e.event === 'checkpoint').at(-1)!;
    expect(quit.reason).toBe('quit');
    expect((quit.epoch as number) < 50).toBe(true);
    expect(existsSync(join(cwd, quit.path as string))).toBe(true);
  });
});

describe('scratchnet-train into a closed pipe', () => {
  it('stops quietly, saving a checkpoint, when the reader goes away (| head)', async () => {
    const cwd = tempDir('scratchnet-train-pipe-');
    const child = spawn(process.execPath, [cli, '--json', ...SMALL, '--epochs', '50'], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(existsSync(join(cwd, 'checkpoints/checkpoint-latest.safetensors'))).toBe(true);
  });
});

describe('scratchnet-train without a TTY', () => {
  it('prints Keras-style lines and the summary', async () => {
    const cwd = tempDir('scratchnet-train-plain-');
    const r = await run([...SMALL, '--epochs', '1', '--model', 'mlp'], cwd);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(
      /^scratchnet-train: mlp on MNIST \(96 train \/ 32 val \/ 64 test\), (js|wasm) × \d+ threads?, 101,770 parameters$/,
    );
    expect(lines[1]).toBe('SGD lr 0.05, decay 0.001, momentum 0.9, batch 32, 3 steps per epoch, seed 42');
    expect(lines[2]).toBe('Epoch 1/1');
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^3\/3 \[={30}\] - [\d.]+s - loss: \d\.\d{4} - accuracy: \d\.\d{4} - val_loss: \d\.\d{4} - val_accuracy: \d\.\d{4} - test_loss: \d\.\d{4} - test_accuracy: \d\.\d{4} - lr: [\d.]+ - [\d,]+ samples\/s$/,
      ),
    );
    expect(lines).toContain(
      'checkpoint saved: checkpoints/checkpoint-e0001-b000000.safetensors (epoch 1, batch 0)',
    );
    expect(lines.at(-5)).toMatch(/^Trained mlp on MNIST for 1 epoch in [\d.]+s: test accuracy \d+\.\d\d%$/);
    expect(lines.slice(-4)).toEqual([
      '  model       checkpoints/model.safetensors',
      '  checkpoint  checkpoints/checkpoint-latest.safetensors',
      'Predict with it:',
      '  scratchnet-predict --model checkpoints/model.safetensors <image.png>',
    ]);
    expect(existsSync(join(cwd, 'checkpoints/model.safetensors'))).toBe(true);
  });
});

describe('scratchnet-train flag errors', () => {
  const cwd = tempDir('scratchnet-train-flags-');
  it.each([
    [['--epochs', '0'], "--epochs must be a positive integer, got '0'"],
    [['--optimizer', 'lion'], "--optimizer must be one of sgd, adam, adamw, rmsprop, got 'lion'"],
    [['--bogus'], "unknown option '--bogus' (see --help)"],
    [['--model', 'resnet'], "--model must be one of simple-cnn, mlp, lenet5, strong, got 'resnet'"],
    [['--resume', 'nope.safetensors'], "--resume: no such file 'nope.safetensors'"],
    [['--data-dir', 'no/such/dir'], "--data-dir: no such directory 'no/such/dir'"],
    [['--json', '--plain'], '--plain and --json cannot be used together'],
  ])('%j exits 2 with one line', async (args, message) => {
    const r = await run(args, cwd);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`scratchnet-train: ${message}\n`);
  });

  it('--help lists the flags and exits 0', async () => {
    const r = await run(['--help'], cwd);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: scratchnet-train [options]');
    expect(r.stdout).toContain('--checkpoint-every <steps>');
  });
});
