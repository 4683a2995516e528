// The same seed network trained in the same run with TensorFlow.js 4.22 (cpu backend, and wasm backend
// with a plain-JS Conv2DBackpropFilter fallback), and our/their throughput ratios.
import { loadMnist } from '@scratchnet/datasets/node';
import { setBackend } from '@scratchnet/tensor';
import { SEED, median, row } from '../lib/common.mjs';
import { seedModel, tf, trainer, useTfBackend } from '../lib/tfjs.mjs';

export default async function tfjs(ctx) {
  // Our batches (bytes → float32 per batch) feed TF.js too; keep them off our worker threads.
  setBackend('js');
  const { train } = await loadMnist();
  const rows = [];
  const measured = {};
  for (const name of ['wasm', 'cpu']) {
    const active = await useTfBackend(name);
    const model = seedModel();
    const step = trainer(model, SEED.lr, SEED.momentum);
    const batches = name === 'cpu' ? (ctx.quick ? 1 : 3) : ctx.quick ? 5 : 30;
    const reps = ctx.quick ? 2 : 3;
    const it = train.batches({ batchSize: SEED.batchSize, shuffle: true, seed: 1, epoch: 0 });
    const next = () => it.next().value;
    step(next()); // warm-up (kernel compilation, allocation)
    const sps = [];
    for (let r = 0; r < reps; r++) {
      const list = Array.from({ length: batches }, next);
      const t = performance.now();
      for (const b of list) step(b);
      sps.push((batches * SEED.batchSize) / ((performance.now() - t) / 1000));
    }
    measured[name] = median(sps);
    const note =
      name === 'wasm'
        ? 'Conv2DBackpropFilter is missing on TF.js wasm: a plain-JS fallback kernel is registered for it'
        : 'pure-JS kernels';
    ctx.log(`TF.js ${active}: ${measured[name].toFixed(1)} samples/s (${note})`);
    rows.push(
      row(
        'TF.js training samples/s',
        `@tensorflow/tfjs ${tf.version.tfjs}, ${active} backend`,
        measured[name],
        'samples/s',
        {
          samples: sps.map((v) => +v.toFixed(1)),
          note: `${batches} batches of 64 per repetition, median of ${reps}; ${note}`,
        },
      ),
    );
    model.dispose();
  }
  // Ratios against this run's training suite.
  const ours = ctx.results.training ?? [];
  const find = (backend, threads) =>
    ours.find((r) => r.metric === 'training samples/s' && r.backend === backend && r.threads === threads)
      ?.value;
  const wasmRows = ours.filter((r) => r.metric === 'training samples/s' && r.backend === 'wasm');
  const maxThreads = Math.max(...wasmRows.map((r) => r.threads));
  const wasmAll = wasmRows.find((r) => r.threads === maxThreads)?.value ?? Number.NaN;
  const js1 = find('js', 1);
  if (Number.isFinite(wasmAll)) {
    rows.push(row('ratio', 'ours (wasm, all threads) / TF.js wasm', wasmAll / measured.wasm, '×'));
    rows.push(row('ratio', 'ours (wasm, all threads) / TF.js cpu', wasmAll / measured.cpu, '×'));
  }
  if (js1 !== undefined)
    rows.push(row('ratio', 'ours (js reference, 1 thread) / TF.js cpu', js1 / measured.cpu, '×'));
  for (const r of rows.filter((x) => x.metric === 'ratio')) ctx.log(`${r.config}: ${r.value.toFixed(1)}×`);
  return rows;
}
