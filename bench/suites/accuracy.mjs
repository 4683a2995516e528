// Accuracy benchmarks (issue 5): train a preset on full MNIST (60,000 images), report its accuracy on
// the 10,000 test images and the time per epoch. Not a unit test: the full runs take tens of minutes.
//
//   seed    the original CNN; SGD momentum 0.9, learning-rate decay 1e-3, batch 64, 5 epochs: ≥ 98.5 %
//   strong  conv–batchnorm–ReLU blocks with dropout: ≥ 99.3 %
//
// Suite convention (bench/README.md): the default export is `async (ctx) => rows`. `ctx.quick` trains
// 1 epoch on 6,000 images instead (a smoke test: its accuracy is not the target's). Standalone:
//   node bench/suites/accuracy.mjs [seed] [strong] [--quick]   (progress on stderr, rows on stdout)
import { MNIST_NORMALIZATION, loadMnist } from '@scratchnet/datasets/node';
import { createModel } from '@scratchnet/layers';
import { SGD } from '@scratchnet/optimizers';
import { getBackend } from '@scratchnet/tensor';

const BATCH = 64;

/** Each run: the preset, how it is trained, and the test accuracy (%) it must reach. */
export const RUNS = [
  {
    preset: 'seed',
    epochs: 5,
    target: 98.5,
    recipe: 'SGD lr 0.05, momentum 0.9, decay 1e-3, batch 64, 5 epochs',
    optimizer: (params) => new SGD(params, { lr: 0.05, momentum: 0.9, decay: 1e-3 }),
    augmentation: null,
  },
  {
    preset: 'strong',
    epochs: 12,
    target: 99.3,
    recipe:
      'SGD lr 0.05, Nesterov momentum 0.9, weight decay 5e-4, cosine schedule, batch 64, 12 epochs, shifts ≤ 2 px, rotations ≤ 10°',
    optimizer: (params, steps) =>
      new SGD(params, {
        lr: 0.05,
        momentum: 0.9,
        nesterov: true,
        weightDecay: 5e-4,
        schedule: { type: 'cosine', tMax: steps, etaMin: 0 },
      }),
    augmentation: { maxShift: 2, maxRotation: 10 },
  },
];

const pct = (v) => +(100 * v).toFixed(2);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function runOne(run, mnist, { quick, log }) {
  const be = getBackend();
  let train = mnist.train.withOptions({ normalization: MNIST_NORMALIZATION, augmentation: run.augmentation });
  const test = mnist.test.withOptions({ normalization: MNIST_NORMALIZATION });
  const epochs = quick ? 1 : run.epochs;
  if (quick) train = train.subset(0, 6000);
  const model = createModel(run.preset, { seed: 1 });
  const optimizer = run.optimizer(model.namedParameters(), epochs * Math.ceil(train.count / BATCH));
  const recipe = quick ? `${run.recipe} (quick: 1 epoch, 6,000 images)` : run.recipe;
  log(`${run.preset} on ${be.name} (${be.threads} thread(s)): ${recipe}`);
  const history = await model.fit(train, {
    optimizer,
    loss: 'softmaxCrossEntropy',
    epochs,
    batchSize: BATCH,
    seed: 1,
    validationData: test,
    callbacks: {
      onEpochEnd: (m) =>
        log(
          `${run.preset} epoch ${m.epoch}/${m.epochs}: loss ${m.loss.toFixed(4)}, train ${pct(m.accuracy)} %, ` +
            `test ${pct(m.valAccuracy)} %, ${m.seconds.toFixed(1)} s (${m.samplesPerSecond.toFixed(0)} samples/s)`,
        ),
    },
  });
  const final = await model.evaluate(test);
  const accuracy = pct(final.accuracy);
  const pass = !quick && accuracy >= run.target;
  const config = `${run.preset} preset, ${recipe} (${be.name}, ${be.threads} thread${be.threads > 1 ? 's' : ''})`;
  const common = { backend: be.name, threads: be.threads, preset: run.preset, quick };
  const seconds = history.epochs.map((e) => +e.seconds.toFixed(1));
  return [
    {
      metric: 'MNIST test accuracy',
      config,
      value: accuracy,
      unit: '%',
      note: `target ≥ ${run.target} %: ${quick ? 'not checked (quick)' : pass ? 'pass' : 'FAIL'}; after each epoch ${history.epochs.map((e) => pct(e.valAccuracy)).join(', ')} %`,
      target: run.target,
      pass,
      testLoss: final.loss,
      ...common,
    },
    {
      metric: 'seconds per epoch',
      config,
      value: median(seconds),
      unit: 's',
      note: 'training plus test-set evaluation',
      samples: seconds,
      trainSamplesPerSecond: median(history.epochs.map((e) => e.samplesPerSecond)),
      ...common,
    },
  ];
}

/** Runs the accuracy benchmarks; `ctx.presets` (or ACCURACY_PRESETS=seed,strong) picks some. */
export default async function accuracy(ctx = {}) {
  const log = ctx.log ?? ((msg) => process.stderr.write(`[accuracy] ${msg}\n`));
  const wanted = ctx.presets ?? process.env.ACCURACY_PRESETS?.split(',') ?? RUNS.map((r) => r.preset);
  const mnist = await loadMnist();
  const rows = [];
  for (const run of RUNS.filter((r) => wanted.includes(r.preset))) {
    rows.push(...(await runOne(run, mnist, { quick: ctx.quick === true, log })));
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const presets = args.filter((a) => !a.startsWith('--'));
  const rows = await accuracy({
    quick: args.includes('--quick'),
    ...(presets.length > 0 ? { presets } : {}),
  });
  process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
}
