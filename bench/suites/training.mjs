// Seed-network training throughput (samples/s, batch 64, SGD momentum 0.9) through the real
// Sequential.fit on MNIST (bytes converted to float32 per batch), for the js reference backend and
// the wasm backend at 1 thread and all threads; then inference throughput over the 10,000 test images.
import { loadMnist } from '@scratchnet/datasets';
import { createModel } from '@scratchnet/layers';
import { SGD } from '@scratchnet/optimizers';
import { setBackend } from '@scratchnet/tensor';
import { ALL_THREADS, SEED, median, row, timeRepeatedAsync } from '../lib/common.mjs';

export default async function training(ctx) {
  const { train, test } = await loadMnist();
  const configs = [
    ['js', 1],
    ['wasm', 1],
    ['wasm', ALL_THREADS],
  ];
  const rows = [];
  for (const [name, threads] of configs) {
    const be = setBackend(name, { threads });
    const model = createModel('seed', { seed: 1 });
    const optimizer = new SGD(model.namedParameters(), { lr: SEED.lr, momentum: SEED.momentum });
    // js is ~100× slower: fewer samples per repetition, same batch size.
    const batches = name === 'js' ? (ctx.quick ? 4 : 16) : ctx.quick ? 40 : 200;
    const reps = ctx.quick ? 2 : name === 'js' ? 3 : 5;
    const data = train.subset(0, batches * SEED.batchSize);
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
    const label = `${name}, ${threads} thread${threads > 1 ? 's' : ''}`;
    const r = row('training samples/s', label, median(sps), 'samples/s', {
      backend: be.name,
      threads: be.threads,
      samples: sps.map((v) => Math.round(v)),
      epochSeconds: +(60000 / median(sps)).toFixed(1),
      note: `${batches} batches of 64 per repetition, median of ${reps}; MNIST epoch ≈ ${(60000 / median(sps)).toFixed(1)} s`,
    });
    ctx.log(`train ${label}: ${Math.round(r.value)} samples/s`);
    rows.push(r);

    // Inference over the whole test set (forward, loss and accuracy) at the training batch size and at
    // evaluate's default: small batches keep each layer's output in cache, large ones amortise packing.
    for (const batchSize of [64, 256]) {
      const evalReps = name === 'js' ? 1 : ctx.quick ? 2 : 5;
      const evalSet = name === 'js' ? test.subset(0, 2000) : test;
      let accuracy = 0;
      const esecs = await timeRepeatedAsync(
        async () => {
          accuracy = (await model.evaluate(evalSet, { batchSize })).accuracy;
        },
        { reps: evalReps, warmup: 1 },
      );
      const isps = esecs.map((s) => evalSet.count / s);
      const ir = row('inference samples/s', `${label}, batch ${batchSize}`, median(isps), 'samples/s', {
        backend: be.name,
        threads: be.threads,
        batch: batchSize,
        samples: isps.map((v) => Math.round(v)),
        note: `evaluate() on ${evalSet.count} test images, median of ${evalReps} (accuracy after the short training: ${(accuracy * 100).toFixed(1)}%)`,
      });
      ctx.log(`inference ${ir.config}: ${Math.round(ir.value)} samples/s`);
      rows.push(ir);
    }
  }
  return rows;
}
