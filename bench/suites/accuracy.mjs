// Accuracy benchmarks (issue 5): train a preset on full MNIST (60,000 images) and report its test
// accuracy (10,000 images) with the time per epoch. Not a unit test: a run takes minutes.
//
//   seed    the original CNN, SGD momentum 0.9, learning-rate decay 1e-3, batch 64, 5 epochs: ≥ 98.5 %
//   strong  conv–batchnorm–ReLU blocks with dropout: ≥ 99.3 %
//
// As a bench suite it default-exports an async function returning result rows (bench/run.mjs merges
// them into bench/results.json and bench/RESULTS.md). Standalone:
//   node bench/suites/accuracy.mjs [seed] [strong]        (progress on stderr, rows as JSON on stdout)
// Environment: ACCURACY_PRESETS=seed,strong picks the runs; SCRATCHNET_BACKEND=js|wasm the backend.
import { MNIST_NORMALIZATION, loadMnist } from '@scratchnet/datasets';
import { createModel } from '@scratchnet/layers';
import { SGD } from '@scratchnet/optimizers';
import { getBackend, setBackend } from '@scratchnet/tensor';

const TRAIN = 60_000;
const BATCH = 64;
const stepsPerEpoch = Math.ceil(TRAIN / BATCH);

/** Each run: the preset, how it is trained, and the accuracy it must reach. */
export const RUNS = [
  {
    preset: 'seed',
    epochs: 5,
    target: 0.985,
    recipe: 'SGD lr 0.05, momentum 0.9, decay 1e-3, batch 64, 5 epochs, inputs normalised',
    optimizer: (params) => new SGD(params, { lr: 0.05, momentum: 0.9, decay: 1e-3 }),
    augmentation: null,
  },
  {
    preset: 'strong',
    epochs: 12,
    target: 0.993,
    recipe:
      'SGD lr 0.05, Nesterov momentum 0.9, weight decay 5e-4, cosine schedule, batch 64, 12 epochs, shifts ≤ 2 px, rotations ≤ 10°',
    optimizer: (params) =>
      new SGD(params, {
        lr: 0.05,
        momentum: 0.9,
        nesterov: true,
        weightDecay: 5e-4,
        schedule: { type: 'cosine', tMax: 12 * stepsPerEpoch, etaMin: 0 },
      }),
    augmentation: { maxShift: 2, maxRotation: 10 },
  },
];

const log = (msg) => process.stderr.write(`[accuracy] ${msg}\n`);

async function runOne(run, mnist) {
  const be = getBackend();
  const train = mnist.train.withOptions({
    normalization: MNIST_NORMALIZATION,
    augmentation: run.augmentation,
  });
  const test = mnist.test.withOptions({ normalization: MNIST_NORMALIZATION });
  const model = createModel(run.preset, { seed: 1 });
  const optimizer = run.optimizer(model.namedParameters());
  log(`${run.preset} on ${be.name} (${be.threads} thread(s)): ${run.recipe}`);
  const history = await model.fit(train, {
    optimizer,
    loss: 'softmaxCrossEntropy',
    epochs: run.epochs,
    batchSize: BATCH,
    seed: 1,
    validationData: test,
    callbacks: {
      onEpochEnd: (m) =>
        log(
          `${run.preset} epoch ${m.epoch}/${m.epochs}: loss ${m.loss.toFixed(4)}, train ${(100 * m.accuracy).toFixed(2)} %, ` +
            `test ${(100 * m.valAccuracy).toFixed(2)} %, ${m.seconds.toFixed(1)} s (${m.samplesPerSecond.toFixed(0)} samples/s)`,
        ),
    },
  });
  const final = await model.evaluate(test);
  const epochs = history.epochs;
  const secondsPerEpoch = epochs.reduce((s, e) => s + e.seconds, 0) / epochs.length;
  return {
    suite: 'accuracy',
    name: `${run.preset} preset, full MNIST`,
    backend: be.name,
    threads: be.threads,
    recipe: run.recipe,
    metric: 'test accuracy',
    value: final.accuracy,
    unit: 'fraction',
    target: run.target,
    pass: final.accuracy >= run.target,
    testLoss: final.loss,
    secondsPerEpoch,
    trainSamplesPerSecond: epochs.reduce((s, e) => s + e.samplesPerSecond, 0) / epochs.length,
    epochs: epochs.map((e) => ({
      epoch: e.epoch,
      loss: e.loss,
      accuracy: e.accuracy,
      testAccuracy: e.valAccuracy,
      seconds: e.seconds,
    })),
  };
}

/** Runs the accuracy benchmarks (all, or those named in `options.presets` / ACCURACY_PRESETS). */
export default async function accuracy(options = {}) {
  if (process.env.SCRATCHNET_BACKEND) setBackend(process.env.SCRATCHNET_BACKEND);
  const wanted = options.presets ?? process.env.ACCURACY_PRESETS?.split(',') ?? RUNS.map((r) => r.preset);
  const mnist = await loadMnist();
  const rows = [];
  for (const run of RUNS.filter((r) => wanted.includes(r.preset))) rows.push(await runOne(run, mnist));
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const presets = process.argv.slice(2);
  const rows = await accuracy(presets.length > 0 ? { presets } : {});
  process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
}
