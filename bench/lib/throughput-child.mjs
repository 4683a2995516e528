// Training and inference throughput of the seed network for one backend configuration, in a process of
// its own (no JIT state, garbage or dataset buffers left over from another backend). Prints JSON rows.
//   node throughput-child.mjs <backend> <threads> <batches> <reps> <evalReps> <evalCount>
import { loadMnist } from '@scratchnet/datasets/node';
import { createModel } from '@scratchnet/layers';
import { SGD } from '@scratchnet/optimizers';
import { setBackend } from '@scratchnet/tensor';
import { SEED, median, row, timeRepeatedAsync } from './common.mjs';

const [name, threadsArg, batchesArg, repsArg, evalRepsArg, evalCountArg] = process.argv.slice(2);
const batches = Number(batchesArg);
const reps = Number(repsArg);
const evalReps = Number(evalRepsArg);
const be = setBackend(name, { threads: Number(threadsArg) });
const { train, test } = await loadMnist();
const model = createModel('seed', { seed: 1 });
const optimizer = new SGD(model.namedParameters(), { lr: SEED.lr, momentum: SEED.momentum });
const data = train.subset(0, batches * SEED.batchSize);
const label = `${be.name}, ${be.threads} thread${be.threads > 1 ? 's' : ''}`;
const rows = [];

let epoch = 0;
const fitOnce = () =>
  model.fit(data, {
    optimizer,
    epochs: ++epoch,
    initialEpoch: epoch - 1,
    batchSize: SEED.batchSize,
    seed: 1,
  });
const secs = await timeRepeatedAsync(fitOnce, { reps, warmup: 1 });
const sps = secs.map((s) => data.count / s);
rows.push(
  row('training samples/s', label, median(sps), 'samples/s', {
    backend: be.name,
    threads: be.threads,
    samples: sps.map((v) => Math.round(v)),
    epochSeconds: +(60000 / median(sps)).toFixed(1),
    note: `Sequential.fit, ${batches} batches of 64 per repetition, median of ${reps}; MNIST epoch ≈ ${(60000 / median(sps)).toFixed(1)} s`,
  }),
);

// Inference over the test set (forward, loss and accuracy) at the training batch size and at
// evaluate's default: small batches keep each layer's output in cache, large ones amortise packing.
const evalSet = test.subset(0, Number(evalCountArg));
for (const batchSize of [64, 256]) {
  let accuracy = 0;
  const esecs = await timeRepeatedAsync(
    async () => {
      accuracy = (await model.evaluate(evalSet, { batchSize })).accuracy;
    },
    { reps: evalReps, warmup: 1 },
  );
  const isps = esecs.map((s) => evalSet.count / s);
  rows.push(
    row('inference samples/s', `${label}, batch ${batchSize}`, median(isps), 'samples/s', {
      backend: be.name,
      threads: be.threads,
      batch: batchSize,
      samples: isps.map((v) => Math.round(v)),
      note: `evaluate() on ${evalSet.count} test images, median of ${evalReps} (accuracy after the short training: ${(accuracy * 100).toFixed(1)}%)`,
    }),
  );
}
process.stdout.write(`${JSON.stringify(rows)}\n`);
