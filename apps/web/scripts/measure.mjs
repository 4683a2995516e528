#!/usr/bin/env node
// Measures the web app in headless Chromium, for the README (never part of the tests): time to
// the first prediction after page load, prediction latency while drawing, training throughput in
// the Worker at 1 and 2 threads, and the bundle sizes. Needs the built site and /usr/bin/chromium.
//
//   node apps/web/scripts/measure.mjs [--train-images 4096] [--runs 3]
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import puppeteer from 'puppeteer-core';
import { serve } from './serve.mjs';

const dist = join(dirname(fileURLToPath(import.meta.url)), '../dist');
const { values } = parseArgs({
  options: { 'train-images': { type: 'string', default: '4096' }, runs: { type: 'string', default: '3' } },
});
const trainImages = Number(values['train-images']);
const runs = Number(values.runs);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const log = (m) => process.stderr.write(`[measure] ${m}\n`);

const { server, url } = await serve({ dir: dist, port: 0 });
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: false,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
  ],
});
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
  const rates = {};
  for (const threads of [1, 2]) {
    const r = [];
    for (let i = 0; i < runs; i++) r.push(await training(threads));
    if (r.some((x) => x.threads !== threads))
      throw new Error(`asked for ${threads} threads, got ${r.map((x) => x.threads)}`);
    rates[threads] = median(r.map((x) => x.samplesPerSecond));
    log(`training ${threads} thread(s): ${r.map((x) => x.samplesPerSecond.toFixed(0)).join(', ')} samples/s`);
  }
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
