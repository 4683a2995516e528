#!/usr/bin/env node
// Takes the README's screenshot in headless Chromium: a 7 drawn on the Draw page and read by the
// pretrained model. Writes apps/web/screenshot.png. Needs the built site and /usr/bin/chromium.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './chromium.mjs';
import { serve } from './serve.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const { server, url } = await serve({ dir: join(here, '../dist'), port: 0 });
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1100, height: 620 });
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction(() => globalThis.scratchnet?.stats.modelReadyMs !== undefined, {
    timeout: 60_000,
  });
  const box = await (await page.$('#pad')).boundingBox();
  const seven = [
    [70, 60],
    [215, 55],
    [180, 125],
    [150, 190],
    [128, 250],
  ];
  await page.mouse.move(box.x + seven[0][0], box.y + seven[0][1]);
  await page.mouse.down();
  for (const [x, y] of seven.slice(1)) await page.mouse.move(box.x + x, box.y + y, { steps: 8 });
  await page.mouse.up();
  await page.waitForFunction(() => /^\S+ — /.test(document.getElementById('prediction').textContent));
  const out = join(here, '../screenshot.png');
  await page.screenshot({ path: out });
  process.stdout.write(`${out}: ${await page.$eval('#prediction', (e) => e.textContent)}\n`);
} finally {
  await browser.close();
  server.close();
}
