/**
 * End-to-end runs of the built CLI (dist/scratchnet-train.js, rebuilt before the tests) on small
 * MNIST subsets: JSON events, plain output, files written, exact resume, Ctrl-C, and flag errors.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeSafetensors } from '@scratchnet/serialization';
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
  return new Promise((resolve, reject) => {
    // A child that cannot start (say Node's binary unreadable to the user it runs as) never closes.
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
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
      model: 'simple-cnn',
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
        bestEpoch: expect.any(Number),
        sinceBest: expect.any(Number),
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
      stopReason: 'completed',
      message: null,
      bestEpoch: expect.any(Number),
      best: null,
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
    expect(done).toMatchObject({ event: 'done', stopped: true, stopReason: 'user' });
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
    expect(lines[2]).toBe('schedule: constant');
    expect(lines[3]).toBe('Epoch 1/1');
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^3\/3 \[={30}\] - [\d.]+s - loss: \d\.\d{4} - accuracy: \d\.\d{4} - val_loss: \d\.\d{4} - val_accuracy: \d\.\d{4} - test_loss: \d\.\d{4} - test_accuracy: \d\.\d{4} - lr: [\d.]+ - best_epoch: 1 - since_best: 0 - [\d,]+ samples\/s$/,
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
    [['--optimizer', 'lion'], "--optimizer must be one of sgd, adam, adamw, rmsprop, adagrad, got 'lion'"],
    [['--threads', '1000'], "--threads must be at most 64, got '1000'"],
    [['--schedule', 'multistep'], '--schedule multistep needs --milestones <e1,e2,…> (epochs)'],
    [['--early-stop', 'x'], "--early-stop must be a positive integer, got 'x'"],
    [['--arch', 'missing.json'], '--arch missing.json: no such file'],
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

/** The model tensors of a model or checkpoint file (optimizer slots left out), as bytes by name. */
function weights(path: string): Map<string, string> {
  const file = decodeSafetensors(new Uint8Array(readFileSync(path)), path);
  const out = new Map<string, string>();
  for (const [name, t] of file.tensors) {
    if (!name.startsWith('optimizer.')) out.set(name, Buffer.from(t.data).toString('base64'));
  }
  return out;
}

/** The `architecture` a model file stores, as text. */
function architectureOf(path: string): string {
  return decodeSafetensors(new Uint8Array(readFileSync(path)), path).metadata.architecture as string;
}

describe('scratchnet-train --arch', () => {
  const cwd = tempDir('scratchnet-train-arch-');

  it('trains an architecture exported from a model file, as JSON and from the file itself', async () => {
    const first = await run(['--json', ...SMALL, '--epochs', '1', '--model', 'mlp', '--out', 'mlp'], cwd);
    expect(first.code).toBe(0);
    writeFileSync(join(cwd, 'mlp.json'), architectureOf(join(cwd, 'mlp/model.safetensors')));
    const fromJson = await run(
      ['--json', ...SMALL, '--epochs', '1', '--arch', 'mlp.json', '--out', 'json'],
      cwd,
    );
    expect(fromJson.stderr).toBe('');
    expect(fromJson.code).toBe(0);
    expect(events(fromJson.stdout)[0]).toMatchObject({ model: 'mlp.json', parameters: 101_770 });
    // same architecture, seed and data: the same weights as the preset
    expect(weights(join(cwd, 'json/model.safetensors'))).toEqual(weights(join(cwd, 'mlp/model.safetensors')));
    const fromModel = await run(
      ['--json', ...SMALL, '--epochs', '1', '--arch', 'mlp/model.safetensors', '--out', 'again'],
      cwd,
    );
    expect(fromModel.code).toBe(0);
    expect(architectureOf(join(cwd, 'again/model.safetensors'))).toBe(
      architectureOf(join(cwd, 'mlp/model.safetensors')),
    );
  });

  it.each([
    [
      { inputShape: [1, 28, 28], layers: [{ type: 'Flatten' }, { type: 'Dense', units: 0 }] },
      "layers[1] (Dense): Dense config: 'units' must be a positive integer, got 0",
    ],
    [{ inputShape: [1, 28, 28], layers: [{ type: 'Flaten' }] }, "layers[0]: unknown type 'Flaten'"],
    [{ inputShape: [1, 28, 28], layers: [{ units: 3 }] }, "layers[0]: 'type' must be a string"],
    [{ inputShape: [1, 28, 28], layer: [] }, "unknown field 'layer' (expected inputShape, layers)"],
    [
      { inputShape: [28, 28], layers: [{ type: 'Flatten' }] },
      'inputShape [28, 28] does not match the images [1, 28, 28]',
    ],
    [
      { inputShape: [1, 28, 28], layers: [{ type: 'Flatten' }, { type: 'Dense', units: 12 }] },
      'the model outputs [12] but the data has 10 classes (end with a Dense of 10 units)',
    ],
  ])('%j exits 2 naming the layer and the field', async (arch, message) => {
    writeFileSync(join(cwd, 'bad.json'), JSON.stringify(arch));
    const r = await run([...SMALL, '--arch', 'bad.json', '--out', 'bad'], cwd);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')).toHaveLength(2);
    expect(r.stderr).toMatch(/^scratchnet-train: --arch bad\.json: /);
    expect(r.stderr).toContain(message);
  });
});

describe('scratchnet-train --early-stop and --save-best', () => {
  const cwd = tempDir('scratchnet-train-early-');

  it('stops once val_loss has not improved for the patience, keeping the best epoch', async () => {
    const r = await run(['--json', ...SMALL, '--epochs', '30', '--early-stop', '2', '--save-best'], cwd);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const ev = events(r.stdout);
    expect(ev[0]).toMatchObject({ earlyStop: 2, best: join('checkpoints', 'best.safetensors') });
    const epochs = ev.filter((e) => e.event === 'epoch');
    const last = epochs.at(-1)!;
    expect(epochs.length).toBeLessThan(30);
    // the best epoch is the one with the lowest val_loss, and the last two did not beat it
    const valLoss = epochs.map((e) => e.valLoss as number);
    const best = valLoss.indexOf(Math.min(...valLoss)) + 1;
    expect(last).toMatchObject({ bestEpoch: best, sinceBest: 2, epoch: best + 2 });
    expect(ev.at(-1)).toMatchObject({
      event: 'done',
      stopped: true,
      stopReason: 'early-stop',
      message: `stopped early: val_loss has not improved for 2 epochs (best: epoch ${best})`,
      bestEpoch: best,
      best: join('checkpoints', 'best.safetensors'),
      epochs: best + 2,
    });
    // best.safetensors holds the weights of the best epoch's checkpoint
    const bestCheckpoint = join(
      cwd,
      `checkpoints/checkpoint-e${String(best).padStart(4, '0')}-b000000.safetensors`,
    );
    expect(weights(join(cwd, 'checkpoints/best.safetensors'))).toEqual(weights(bestCheckpoint));
    expect(weights(join(cwd, 'checkpoints/model.safetensors'))).not.toEqual(weights(bestCheckpoint));
  });
});

describe('scratchnet-train schedules and optimizers', () => {
  const cwd = tempDir('scratchnet-train-sched-');

  it('--optimizer adagrad with a step schedule in epochs', async () => {
    const r = await run(
      ['--json', ...SMALL, '--epochs', '2', '--optimizer', 'adagrad', '--schedule', 'step', '--gamma', '0.5'],
      cwd,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const ev = events(r.stdout);
    expect(ev[0]).toMatchObject({
      optimizer: 'Adagrad lr 0.01, eps 1e-10',
      schedule: 'step ×0.5 every 1 epoch',
    });
    // halved at the end of each epoch of 3 steps
    expect(ev.filter((e) => e.event === 'epoch').map((e) => e.learningRate)).toEqual([0.005, 0.0025]);
  });

  it('--model strong brings its recipe', async () => {
    const r = await run(['--json', ...SMALL, '--epochs', '1', '--model', 'strong'], cwd);
    expect(r.code).toBe(0);
    expect(events(r.stdout)[0]).toMatchObject({
      model: 'strong',
      optimizer: 'SGD lr 0.05, momentum 0.9, nesterov, weightDecay 0.0005',
      schedule: 'cosine over 1 epoch',
      augmentation: 'shift ≤ 2 px, rotation ≤ 10°',
    });
  });

  it('resumes a plateau schedule with warm-up, augmentation and early stopping bit for bit', async () => {
    const flags = ['--schedule', 'plateau', '--plateau-patience', '1', '--gamma', '0.5', '--warmup', '1'];
    const more = ['--augment', '--normalize', '--early-stop', '3', '--checkpoint-every', '4'];
    const straight = await run(
      ['--json', ...SMALL, '--epochs', '4', ...flags, ...more, '--out', 'straight'],
      cwd,
    );
    expect(straight.code).toBe(0);
    const ev = events(straight.stdout);
    // the plateau halved the rate at least once: the run tests the reduction's state too
    const rates = ev.filter((e) => e.event === 'epoch').map((e) => e.learningRate as number);
    expect(Math.min(...rates)).toBeLessThan(0.05);
    const resumed = await run(
      [
        '--json',
        '--resume',
        'straight/checkpoint-e0002-b000002.safetensors',
        '--test-limit',
        '64',
        '--epochs',
        '4',
        '--out',
        'resumed',
      ],
      cwd,
    );
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(events(resumed.stdout)[0]).toMatchObject({
      earlyStop: 3,
      schedule: expect.stringContaining('warm-up 1 epoch'),
    });
    const a = readFileSync(join(cwd, 'straight/model.safetensors'));
    const b = readFileSync(join(cwd, 'resumed/model.safetensors'));
    expect(a.equals(b)).toBe(true);
    // the checkpoints of the last epoch agree too: optimizer slots, plateau and early-stopping state
    const headerOf = (p: string) => decodeSafetensors(new Uint8Array(readFileSync(join(cwd, p))), p).metadata;
    const x = headerOf('straight/checkpoint-e0004-b000000.safetensors');
    const y = headerOf('resumed/checkpoint-e0004-b000000.safetensors');
    expect(y.optimizer).toBe(x.optimizer);
    expect(JSON.parse(y.extra as string).watchers).toEqual(JSON.parse(x.extra as string).watchers);
  });

  it('refuses a resume with another model', async () => {
    writeFileSync(join(cwd, 'x.json'), '{}');
    const r = await run(
      ['--json', '--resume', 'straight/checkpoint-latest.safetensors', '--arch', 'x.json'],
      cwd,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'scratchnet-train: --arch x.json conflicts with the checkpoint (trained with simple-cnn); leave it out to resume exactly\n',
    );
  });

  it('refuses a resume whose flags change the schedule', async () => {
    const r = await run(
      ['--json', '--resume', 'straight/checkpoint-latest.safetensors', '--schedule', 'cosine'],
      cwd,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'scratchnet-train: --schedule cosine conflicts with the checkpoint (trained with plateau); leave it out to resume exactly\n',
    );
  });
});

describe('scratchnet-train faults', () => {
  const cwd = tempDir('scratchnet-train-faults-');
  writeFileSync(join(cwd, 'afile'), 'x');
  mkdirSync(join(cwd, 'taken/model.safetensors'), { recursive: true });

  it.each([
    [['--out', 'afile'], '--out afile: is a file, not a directory'],
    [['--out', 'afile/sub'], `--out afile/sub: cannot write there, ${join(cwd, 'afile')} is a file`],
    [['--onnx', 'afile/m.onnx'], '--onnx afile/m.onnx: cannot write it, afile is a file'],
    [['--onnx', 'taken'], '--onnx taken: is a directory, not a file'],
    [
      ['--out', 'taken'],
      `--out taken: ${join('taken', 'model.safetensors')} is a directory, in the way of the model.safetensors file`,
    ],
  ])('refuses %j before training, in one line', async (args, message) => {
    const r = await run([...SMALL, ...args], cwd);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`scratchnet-train: ${message}\n`);
  });

  it('refuses an --out it may not write', async () => {
    mkdirSync(join(cwd, 'locked'));
    chmodSync(join(cwd, 'locked'), 0o555);
    // root may write anywhere: run as nobody then (the check comes before any data is read)
    const asRoot = process.getuid?.() === 0;
    if (asRoot) chmodSync(cwd, 0o755);
    const child = spawn(process.execPath, [cli, ...SMALL, '--out', 'locked/run'], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    });
    const r = await collect(child);
    expect(r.stderr).toBe(
      `scratchnet-train: --out locked/run: cannot write there, no permission to write in ${join(cwd, 'locked')}\n`,
    );
    expect(r.code).toBe(2);
  });

  it.each([
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)('%s saves a checkpoint and exits %i', async (signal, code) => {
    const out = `sig-${signal}`;
    const child = spawn(process.execPath, [cli, '--json', ...SMALL, '--epochs', '50', '--out', out], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.once('data', () => child.kill(signal));
    const r = await collect(child);
    expect(r.code).toBe(code);
    const done = events(r.stdout).at(-1)!;
    expect(done).toMatchObject({ event: 'done', stopped: true, stopReason: 'signal' });
    expect(existsSync(join(cwd, out, 'checkpoint-latest.safetensors'))).toBe(true);
    expect(existsSync(join(cwd, out, 'model.safetensors'))).toBe(true);
  });

  it('a full disk on stdout stops printing, saves the model and checkpoint, and says so in one line', async () => {
    const r = await collect(spawnToDevFull(['--plain', ...SMALL, '--epochs', '50', '--out', 'full']));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `scratchnet-train: cannot write to stdout (ENOSPC: no space left on device): training stopped; the model was saved to ${join('full', 'model.safetensors')} and a checkpoint to ${join('full', 'checkpoint-latest.safetensors')}\n`,
    );
    expect(existsSync(join(cwd, 'full/model.safetensors'))).toBe(true);
    expect(existsSync(join(cwd, 'full/checkpoint-latest.safetensors'))).toBe(true);
  });

  it('--help into a full disk: one line, no stack trace', async () => {
    const r = await collect(spawnToDevFull(['--help']));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('scratchnet-train: cannot write to stdout (ENOSPC: no space left on device)\n');
  });

  it('a loss that is no longer finite stops training, keeping the last finite checkpoint', async () => {
    const r = await run(
      [
        '--json',
        ...SMALL,
        '--epochs',
        '3',
        '--lr',
        '1e10',
        '--momentum',
        '0',
        '--checkpoint-every',
        '1',
        '--out',
        'nan',
      ],
      cwd,
    );
    expect(r.code).toBe(1);
    const ev = events(r.stdout);
    const done = ev.at(-1)!;
    expect(done).toMatchObject({ event: 'done', model: null, stopped: true, stopReason: 'diverged' });
    expect(r.stderr).toBe(`scratchnet-train: ${done.message}\n`);
    expect(done.message).toMatch(
      /^training diverged: the loss became NaN at epoch 1, batch \d; the last finite checkpoint is /,
    );
    expect(existsSync(join(cwd, 'nan/model.safetensors'))).toBe(false);
    // every checkpoint written holds finite weights only
    for (const c of ev.filter((e) => e.event === 'checkpoint')) {
      const file = decodeSafetensors(
        new Uint8Array(readFileSync(join(cwd, c.path as string))),
        c.path as string,
      );
      for (const [name, t] of file.tensors) {
        if (t.dtype !== 'F32') continue;
        const f = new Float32Array(
          t.data.buffer.slice(t.data.byteOffset, t.data.byteOffset + t.data.byteLength),
        );
        expect(f.every(Number.isFinite), name).toBe(true);
      }
    }
  });

  it('--no-stop-on-nan trains on', async () => {
    const r = await run(
      [
        '--json',
        ...SMALL,
        '--epochs',
        '2',
        '--lr',
        '1e10',
        '--momentum',
        '0',
        '--no-stop-on-nan',
        '--out',
        'nan-on',
      ],
      cwd,
    );
    expect(r.code).toBe(0);
    expect(events(r.stdout).at(-1)).toMatchObject({ event: 'done', stopReason: 'completed', epochs: 2 });
  });

  /** The CLI with its stdout on /dev/full, where every write fails with ENOSPC. */
  function spawnToDevFull(args: string[]): ChildProcess {
    const full = openSync('/dev/full', 'w');
    return spawn(process.execPath, [cli, ...args], { cwd, stdio: ['ignore', full, 'pipe'] });
  }
});
