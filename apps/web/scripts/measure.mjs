#!/usr/bin/env node
// Measures the web app in headless Chromium, for the README (never part of the tests): time to
// the first prediction after page load, prediction latency while drawing, training throughput in
// the Worker at 1 and 2 threads (through the Train page, and one step of the simple CNN timed at 1 and
// 2 threads alternately in one Worker), and the bundle sizes. Needs the built site and
// /usr/bin/chromium. Timings on a busy machine are pessimistic: the load average is printed with them.
//
//   node apps/web/scripts/measure.mjs [--train-images 4096] [--runs 3] [--step-rounds 8]
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import { gzipSync } from 'node:zlib';
import { launchChromium } from './chromium.mjs';
import { serve } from './serve.mjs';
import { median, runStepBench } from './step-bench.mjs';

const dist = join(dirname(fileURLToPath(import.meta.url)), '../dist');
const { values } = parseArgs({
  options: {
    'train-images': { type: 'string', default: '4096' },
    runs: { type: 'string', default: '3' },
    'step-rounds': { type: 'string', default: '8' },
  },
});
const trainImages = Number(values['train-images']);
const runs = Number(values.runs);
const stepRounds = Number(values['step-rounds']);
const log = (m) => process.stderr.write(`[measure] ${m}\n`);

const { server, url } = await serve({ dir: dist, port: 0 });
const browser = await launchChromium();
const stats = (page) => page.evaluate(() => globalThis.scratchnet);

async function drawing() {
  const page = await browser.newPage();
  await page.setViewport({ width: 1200, height: 900 });
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction(() => globalThis.scratchnet?.stats.modelReadyMs !== undefined, {
    timeout: 60_000,
  });
  const box = await (await page.$('#pad')).boundingBox();
  await page.mouse.move(box.x + 140, box.y + 30);
  await page.mouse.down();
  for (let i = 0; i <= 60; i++)
    await page.mouse.move(box.x + 140 + 40 * Math.sin(i / 10), box.y + 30 + 3.5 * i);
  await page.mouse.up();
  await page.waitForFunction(() => globalThis.scratchnet.stats.firstPredictionMs !== undefined);
  await new Promise((r) => setTimeout(r, 300));
  const s = (await stats(page)).stats;
  await page.close();
  return s;
}

async function training(threads) {
  const page = await browser.newPage();
  await page.goto(`${url}#train`, { waitUntil: 'load' });
  await page.waitForFunction(() => document.getElementById('dataset').options.length > 0);
  for (const [id, v] of [
    ['threads', String(threads)],
    ['epochs', '1'],
    ['subset', String(trainImages)],
    ['optimizer', 'sgd'],
    ['lr', '0.01'],
  ]) {
    await page.$eval(
      `#${id}`,
      (el, value) => {
        el.value = value;
      },
      v,
    );
  }
  await page.click('#train');
  await page.waitForFunction(() => globalThis.scratchnet.trainStats.done === true, { timeout: 600_000 });
  const t = (await stats(page)).trainStats;
  await page.close();
  return { threads: t.threads, samplesPerSecond: t.epochs[0].samplesPerSecond };
}

try {
  const draws = [];
  for (let i = 0; i < runs; i++) draws.push(await drawing());
  const ready = median(draws.map((d) => d.modelReadyMs));
  const first = median(draws.map((d) => d.firstPredictionMs));
  const latencies = draws.flatMap((d) => d.predictionMs.slice(1));
  log(
    `drawing: model ready ${ready.toFixed(0)} ms, first prediction ${first.toFixed(0)} ms after navigation`,
  );
  // 1 and 2 threads alternately, so that the machine's other work hits both alike.
  const trained = { 1: [], 2: [] };
  for (let i = 0; i < runs; i++) for (const threads of [1, 2]) trained[threads].push(await training(threads));
  const rates = {};
  for (const threads of [1, 2]) {
    const r = trained[threads];
    if (r.some((x) => x.threads !== threads))
      throw new Error(`asked for ${threads} threads, got ${r.map((x) => x.threads)}`);
    rates[threads] = median(r.map((x) => x.samplesPerSecond));
    log(`training ${threads} thread(s): ${r.map((x) => x.samplesPerSecond.toFixed(0)).join(', ')} samples/s`);
  }
  const load0 = loadavg()[0];
  const step = await runStepBench(browser, url, { rounds: stepRounds });
  const load = `load average ${load0.toFixed(1)} → ${loadavg()[0].toFixed(1)}`;
  const [one, two] = step.runs;
  const speedup = median(one.stepMs.map((ms, i) => ms / two.stepMs[i]));
  log(
    `step: 1 thread ${median(one.stepMs).toFixed(1)} ms, 2 threads ${median(two.stepMs).toFixed(1)} ms (${two.started} started), ${speedup.toFixed(2)}× (${load})`,
  );
  const size = (f) => statSync(join(dist, f)).size;
  const gz = (f) => gzipSync(readFileSync(join(dist, f))).length;
  const kib = (b) => `${(b / 1024).toFixed(0)} KiB`;
  const rows = [
    ['model ready after navigation start (median)', `${ready.toFixed(0)} ms`],
    [
      'first prediction after navigation start (drawing starts once the model is ready; median)',
      `${first.toFixed(0)} ms`,
    ],
    [
      `prediction while drawing (preprocessing + forward pass + display), median / 90th percentile of ${latencies.length}`,
      `${median(latencies).toFixed(1)} ms / ${[...latencies].sort((a, b) => a - b)[Math.floor(0.9 * latencies.length)].toFixed(1)} ms`,
    ],
    [
      `training throughput, first preset, ${trainImages} images, batch 64, 1 thread`,
      `${rates[1].toFixed(0)} samples/s`,
    ],
    [`training throughput, same, 2 threads`, `${rates[2].toFixed(0)} samples/s`],
    [
      `one training step, simple CNN, batch 64, in a Worker: 1 thread / 2 threads (median of ${stepRounds} alternated rounds; ${load})`,
      `${median(one.stepMs).toFixed(1)} ms / ${median(two.stepMs).toFixed(1)} ms: ${speedup.toFixed(2)}×`,
    ],
    ['app.js (page)', `${kib(size('app.js'))} (${kib(gz('app.js'))} gzipped)`],
    ['train-worker.js (Worker)', `${kib(size('train-worker.js'))} (${kib(gz('train-worker.js'))} gzipped)`],
    ['pretrained model', kib(size('models/mnist.safetensors'))],
  ];
  process.stdout.write(
    `| measure | value |\n| --- | --- |\n${rows.map((r) => `| ${r[0]} | ${r[1]} |`).join('\n')}\n`,
  );
} finally {
  await browser.close();
  server.close();
}
