#!/usr/bin/env node
// Trains the MNIST model that ships with scratchnet-predict and the web app, reproducibly: a fixed
// preset, recipe and seed, every setting in the file's metadata together with the command, the git
// commit it was trained from and the test accuracy it reached.
//
//   pnpm pretrain                       # full run: the `strong` preset, 6 epochs (tens of minutes)
//   node apps/web/scripts/pretrain.mjs --epochs 1 --subset 2000 --out /tmp/m.safetensors   # smoke run
//
// Augmentation (shifts and rotations) is on so that photos and drawings, which are never centred
// the way MNIST is, still read well.
import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { MNIST_CLASSES, MNIST_NORMALIZATION, loadMnist } from '@scratchnet/datasets/node';
import { createModel } from '@scratchnet/layers';
import { SGD } from '@scratchnet/optimizers';
import { modelToBytes } from '@scratchnet/serialization';
import { getBackend, setBackend } from '@scratchnet/tensor';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
/** Where the shipped model lives: inside @scratchnet/predict (its `files`), copied into the web app. */
export const PRETRAINED_PATH = join(repo, 'apps/predict/pretrained/mnist.safetensors');

const RECIPE = {
  preset: 'strong',
  epochs: 6,
  batchSize: 64,
  seed: 1,
  optimizer: {
    type: 'SGD',
    lr: 0.05,
    momentum: 0.9,
    nesterov: true,
    weightDecay: 5e-4,
    schedule: 'cosine to 0',
  },
  augmentation: { maxShift: 2, maxRotation: 10, maxScale: 0 },
};

const { values } = parseArgs({
  options: {
    epochs: { type: 'string' },
    subset: { type: 'string' },
    threads: { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  process.stdout.write(
    'usage: pnpm pretrain [--epochs N] [--subset N] [--threads N] [--out FILE]\n' +
      `Trains the ${RECIPE.preset} preset on MNIST with augmentation, seed ${RECIPE.seed}, and writes ${relative(process.cwd(), PRETRAINED_PATH)}\n`,
  );
  process.exit(0);
}
const int = (name, v, fallback) => {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) {
    process.stderr.write(`pretrain: --${name} must be a positive integer, got '${v}'\n`);
    process.exit(2);
  }
  return n;
};
const epochs = int('epochs', values.epochs, RECIPE.epochs);
const subset = int('subset', values.subset, undefined);
const threads = int('threads', values.threads, undefined);
const out = resolve(values.out ?? PRETRAINED_PATH);

const git = (...args) => {
  try {
    return execFileSync('git', args, {
      cwd: repo,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
};
const commit = git('rev-parse', 'HEAD') ?? 'unknown';
const dirty = (git('status', '--porcelain', '--untracked-files=no') ?? '') !== '';
const command = ['pnpm pretrain', ...process.argv.slice(2)].join(' ');

const log = (msg) => process.stderr.write(`[pretrain ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
setBackend('wasm', threads === undefined ? {} : { threads });
const be = getBackend();
const mnist = await loadMnist();
let train = mnist.train.withOptions({
  normalization: MNIST_NORMALIZATION,
  augmentation: RECIPE.augmentation,
});
if (subset !== undefined) train = train.subset(0, Math.min(subset, train.count));
const test = mnist.test.withOptions({ normalization: MNIST_NORMALIZATION });
const model = createModel(RECIPE.preset, { seed: RECIPE.seed });
const steps = epochs * Math.ceil(train.count / RECIPE.batchSize);
const o = RECIPE.optimizer;
const optimizer = new SGD(model.namedParameters(), {
  lr: o.lr,
  momentum: o.momentum,
  nesterov: o.nesterov,
  weightDecay: o.weightDecay,
  schedule: { type: 'cosine', tMax: steps, etaMin: 0 },
});
log(
  `${RECIPE.preset} (${model.countParameters()} parameters) on ${be.name}, ${be.threads} thread(s): ` +
    `${train.count} images, ${epochs} epochs, commit ${commit.slice(0, 10)}${dirty ? ' (dirty)' : ''}`,
);
const pct = (v) => +(100 * v).toFixed(2);
const started = Date.now();
const testAccuracyByEpoch = [];
let final;

/** The model file with its metadata after `done` epochs, written atomically (a stop loses one epoch at most). */
function write(done, evaluation) {
  const bytes = modelToBytes(model, {
    classNames: [...MNIST_CLASSES],
    preprocessing: {
      input: [1, 28, 28],
      scale: 1 / 255,
      normalization: { mean: MNIST_NORMALIZATION.mean, std: MNIST_NORMALIZATION.std },
      source: 'mnist',
    },
    training: {
      dataset: 'mnist',
      epochs: done,
      plannedEpochs: epochs,
      testAccuracy: evaluation.accuracy,
      testLoss: evaluation.loss,
      trainSamples: train.count,
      model: RECIPE.preset,
      optimizer: `SGD lr ${o.lr}, Nesterov momentum ${o.momentum}, weight decay ${o.weightDecay}, cosine schedule to 0 over ${epochs} epochs`,
      batchSize: RECIPE.batchSize,
      seed: RECIPE.seed,
      augmentation: { ...RECIPE.augmentation },
      testAccuracyByEpoch: [...testAccuracyByEpoch],
      command,
      commit,
      dirty,
      backend: `${be.name}, ${be.threads} thread(s)`,
      trainedAt: new Date().toISOString(),
    },
  });
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(`${out}.tmp`, bytes);
  renameSync(`${out}.tmp`, out);
  return bytes;
}

await model.fit(train, {
  optimizer,
  loss: 'softmaxCrossEntropy',
  epochs,
  batchSize: RECIPE.batchSize,
  seed: RECIPE.seed,
  callbacks: {
    onEpochEnd: async (m) => {
      const ev = await model.evaluate(test);
      testAccuracyByEpoch.push(ev.accuracy);
      final = ev;
      write(m.epoch, ev);
      log(
        `epoch ${m.epoch}/${m.epochs}: loss ${m.loss.toFixed(4)}, train ${pct(m.accuracy)} %, test ${pct(ev.accuracy)} %, ` +
          `${m.seconds.toFixed(0)} s (${m.samplesPerSecond.toFixed(0)} samples/s); wrote ${relative(process.cwd(), out)}`,
      );
    },
  },
});
log(
  `test accuracy ${pct(final.accuracy)} % (loss ${final.loss.toFixed(4)}) after ${((Date.now() - started) / 60000).toFixed(1)} min`,
);
const bytes = write(epochs, final);
log(`wrote ${relative(process.cwd(), out)} (${(bytes.length / 1024).toFixed(0)} KiB)`);
