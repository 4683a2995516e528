// Ours against PyTorch (CPU, 2 threads) in the same run: the simple CNN, LeNet-5 and the strong preset
// trained with batch 64 and SGD momentum 0.9, in alternated rounds (ours, PyTorch, ours, ...; medians),
// inference over the 10,000 MNIST test images in batches of 1000, and per preset a "where a step
// goes" table of our kernels (timed through the kernel registry's observer, see lib/profile.mjs). PyTorch runs from
// Debian's python3-torch (see tests/torch-interop/python-env.js); without it, ours alone is measured.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { loadMnist } from '@scratchnet/datasets/node';
import { PRESET_NAMES, createModel } from '@scratchnet/layers';
import { SGD } from '@scratchnet/optimizers';
import { setBackend } from '@scratchnet/tensor';
import { PYTHON, torchEnv, torchStatus } from '@scratchnet/torch-interop/python-env';
import { SEED, fmt, median, row } from '../lib/common.mjs';
import { profileBackend } from '../lib/profile.mjs';

const THREADS = 2;
const SIMPLE = PRESET_NAMES.includes('simple-cnn') ? 'simple-cnn' : 'seed';
/** [preset, batches per round] */
const PRESETS = [
  [SIMPLE, 150],
  ['lenet5', 150],
  ['strong', 50],
];
const INFER_BATCH = 1000;

/** The PyTorch server (lib/torch_bench.py): send a command, await its JSON answer. */
function startTorch() {
  const script = fileURLToPath(new URL('../lib/torch_bench.py', import.meta.url));
  const child = spawn(PYTHON, [script], {
    env: torchEnv({ MALLOC_MMAP_THRESHOLD_: '268435456', MALLOC_TRIM_THRESHOLD_: '1073741824' }),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    async ask(command) {
      child.stdin.write(`${JSON.stringify(command)}\n`);
      const { value, done } = await lines.next();
      if (done) throw new Error('PyTorch bench process exited');
      const answer = JSON.parse(value);
      if (answer.error) throw new Error(`PyTorch: ${answer.error}`);
      return answer;
    },
    close: () => child.stdin.end(),
  };
}

const load = () => loadavg()[0].toFixed(2);

export default async function pytorch(ctx) {
  const rounds = ctx.quick ? 2 : 3;
  const status = torchStatus();
  if (!status.ok) ctx.log(`PyTorch not available (${status.reason}): measuring ours alone`);
  const torch = status.ok ? startTorch() : undefined;
  const rows = [];
  const dir = mkdtempSync(join(tmpdir(), 'scratchnet-bench-torch-'));
  try {
    setBackend('js'); // the dataset's batches are made before the backend is chosen
    const { train, test } = await loadMnist();
    if (torch !== undefined) {
      const info = await torch.ask({ cmd: 'info' });
      const setup = `${info.threads} threads, BLAS ${info.blas.join(' + ') || 'none mapped'}, oneDNN ${info.onednn ? (info.onednnVersion ?? 'yes') : 'no'}, ${info.capability ?? ''}`;
      ctx.log(`PyTorch: torch ${info.torch}, ${setup}`);
      rows.push(
        row('PyTorch setup', 'libraries PyTorch actually loaded', `torch ${info.torch}`, '', { note: setup }),
      );
      writeFileSync(join(dir, 'test-images'), test.images);
      writeFileSync(join(dir, 'test-labels'), test.labels);
      await torch.ask({
        cmd: 'data',
        name: 'test',
        images: join(dir, 'test-images'),
        labels: join(dir, 'test-labels'),
        count: test.count,
      });
    }
    const be = setBackend('wasm', { threads: THREADS });
    const ours = `ours (wasm ${be.variant}, ${be.threads} threads)`;
    for (const [preset, fullBatches] of PRESETS) {
      const batches = ctx.quick ? Math.ceil(fullBatches / 5) : fullBatches;
      const data = train.subset(0, batches * SEED.batchSize);
      const model = createModel(preset, { seed: 1 });
      const optimizer = new SGD(model.namedParameters(), { lr: SEED.lr, momentum: SEED.momentum });
      let epoch = 0;
      const fitOnce = async () => {
        const t = performance.now();
        await model.fit(data, {
          optimizer,
          epochs: ++epoch,
          initialEpoch: epoch - 1,
          batchSize: SEED.batchSize,
          seed: 1,
        });
        return data.count / ((performance.now() - t) / 1000);
      };
      if (torch !== undefined) {
        await torch.ask({
          cmd: 'model',
          layers: model.getConfig().layers,
          inputShapes: model.layers.map((l) => l.inputShape),
          lr: SEED.lr,
          momentum: SEED.momentum,
        });
        writeFileSync(join(dir, 'train-images'), data.images.subarray(0, data.count * 784));
        writeFileSync(join(dir, 'train-labels'), data.labels.subarray(0, data.count));
        await torch.ask({
          cmd: 'data',
          name: 'train',
          images: join(dir, 'train-images'),
          labels: join(dir, 'train-labels'),
          count: data.count,
        });
        await torch.ask({ cmd: 'train', batches: 5, batchSize: SEED.batchSize }); // warm-up
      }
      await fitOnce(); // warm-up
      // Alternated rounds: whatever else the machine is doing hits both sides alike.
      const mine = [];
      const theirs = [];
      const loads = [];
      for (let r = 0; r < rounds; r++) {
        loads.push(load());
        mine.push(await fitOnce());
        if (torch !== undefined) {
          const { seconds } = await torch.ask({ cmd: 'train', batches, batchSize: SEED.batchSize });
          theirs.push((batches * SEED.batchSize) / seconds);
        }
      }
      const note = `${batches} batches of 64 per round, median of ${rounds} alternated rounds; load average (1 min) at each round: ${loads.join(', ')}`;
      const trainRows = [
        row('training samples/s', `${preset}: ${ours}`, median(mine), 'samples/s', {
          samples: mine.map(Math.round),
          note,
        }),
      ];
      if (torch !== undefined) {
        trainRows.push(
          row('training samples/s', `${preset}: PyTorch, ${THREADS} threads`, median(theirs), 'samples/s', {
            samples: theirs.map(Math.round),
            note,
          }),
          row('ratio', `${preset}: ours / PyTorch, training`, median(mine) / median(theirs), '×'),
        );
      }
      rows.push(...trainRows);
      ctx.log(
        `${preset} training: ours ${fmt(median(mine))} samples/s${
          torch
            ? `, PyTorch ${fmt(median(theirs))} samples/s, ratio ${fmt(median(mine) / median(theirs))}×`
            : ''
        } (load ${loads.join(', ')})`,
      );

      rows.push(...(await inference(ctx, preset, model, test, torch, rounds, ours)));
      rows.push(...(await whereStepGoes(ctx, preset, fitOnce, batches)));
    }
  } finally {
    torch?.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

/** Inference over the whole test set in batches of 1000, alternated rounds. */
async function inference(ctx, preset, model, test, torch, rounds, ours) {
  const mine = [];
  const theirs = [];
  let accuracy = 0;
  await model.evaluate(test, { batchSize: INFER_BATCH }); // warm-up
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    accuracy = (await model.evaluate(test, { batchSize: INFER_BATCH })).accuracy;
    mine.push(test.count / ((performance.now() - t) / 1000));
    if (torch !== undefined) {
      const { seconds } = await torch.ask({ cmd: 'infer', batchSize: INFER_BATCH });
      theirs.push(test.count / seconds);
    }
  }
  const config = `${test.count.toLocaleString('en-US')} test images, batch ${INFER_BATCH}`;
  const note = `median of ${rounds} alternated rounds (accuracy after the short training: ${(accuracy * 100).toFixed(1)}%)`;
  const rows = [
    row('inference samples/s', `${preset}: ${ours}, ${config}`, median(mine), 'samples/s', {
      samples: mine.map(Math.round),
      note,
    }),
  ];
  if (torch !== undefined) {
    rows.push(
      row('inference samples/s', `${preset}: PyTorch, ${config}`, median(theirs), 'samples/s', {
        samples: theirs.map(Math.round),
        note,
      }),
      row('ratio', `${preset}: ours / PyTorch, inference`, median(mine) / median(theirs), '×'),
    );
  }
  ctx.log(
    `${preset} inference: ours ${fmt(median(mine))} samples/s${torch ? `, PyTorch ${fmt(median(theirs))} samples/s` : ''}`,
  );
  return rows;
}

/** One more round of ours with every kernel timed: each kernel's share of the step, calls, speed. */
async function whereStepGoes(ctx, preset, fitOnce, batches) {
  const profile = profileBackend();
  let wall;
  try {
    const t = performance.now();
    await fitOnce();
    wall = performance.now() - t;
  } finally {
    profile.restore();
  }
  const stats = profile.stats().sort((a, b) => b.ms - a.ms);
  const kernelMs = stats.reduce((s, e) => s + e.ms, 0);
  const rows = [];
  const lines = [`${preset}: where a training step goes (${(wall / batches).toFixed(2)} ms a step)`];
  for (const e of [
    ...stats,
    { name: 'outside kernels', ms: wall - kernelMs, calls: 0, flops: 0, bytes: 0 },
  ]) {
    const share = (100 * e.ms) / wall;
    const speed =
      e.flops > 0
        ? `${fmt(e.flops / (e.ms / 1000) / 1e9)} GFLOPS`
        : e.bytes > 0
          ? `${fmt(e.bytes / (e.ms / 1000) / 1e9)} GB/s`
          : '';
    const calls = e.calls / batches;
    // A kernel the backend does not implement itself runs the reference (plain JS loops).
    const ref = e.impl === 'reference' ? ' (reference)' : '';
    lines.push(
      `  ${(e.name + ref).padEnd(36)} ${share.toFixed(1).padStart(5)} %  ${fmt(calls).padStart(5)} calls/step  ${speed}`,
    );
    rows.push(
      row('step share', `${preset}: ${e.name}${ref}`, share, '%', {
        note: `${e.calls > 0 ? `${fmt(calls)} calls a step` : 'JS: layers, data, loss, bookkeeping'}${speed ? `, ${speed}` : ''}`,
      }),
    );
  }
  for (const l of lines) ctx.log(l);
  return rows;
}
