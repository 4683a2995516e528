/** Starts the built site on local servers (isolated and not) and a headless Chromium for the suite. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { serve } from '../scripts/serve.mjs';
import { launchChromium } from './chromium.js';

export const DIST = join(import.meta.dirname, '../dist');

export interface Harness {
  browser: Browser;
  /** The site with COOP/COEP (cross-origin isolated). */
  url: string;
  /** The same site without them. */
  plainUrl: string;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  if (!existsSync(join(DIST, 'index.html'))) {
    throw new Error(`${DIST} has no index.html: build the site first (pnpm --filter @scratchnet/web build)`);
  }
  const isolated = await serve({ dir: DIST, port: 0 });
  const plain = await serve({ dir: DIST, port: 0, isolation: false });
  const browser = await launchChromium();
  return {
    browser,
    url: isolated.url,
    plainUrl: plain.url,
    async close() {
      await browser.close();
      isolated.server.close();
      plain.server.close();
    },
  };
}

/** Opens `url`, failing on any page error, and waits until the pretrained model is loaded. */
export async function openPage(browser: Browser, url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.setViewport({ width: 1200, height: 900 });
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction(
    () =>
      (globalThis as { scratchnet?: { stats: { modelReadyMs?: number } } }).scratchnet?.stats.modelReadyMs !==
      undefined,
    { timeout: 30_000 },
  );
  return { page, errors };
}

/** Draws a polyline on the pad with the mouse (pointer events), in pad coordinates 0–280. */
export async function drawWithMouse(page: Page, points: [number, number][]): Promise<void> {
  const box = await (await page.$('#pad'))!.boundingBox();
  if (box === null) throw new Error('the pad is not visible');
  const at = ([x, y]: [number, number]) =>
    [box.x + (x * box.width) / 280, box.y + (y * box.height) / 280] as const;
  await page.mouse.move(...at(points[0]));
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(...at(p), { steps: 4 });
  await page.mouse.up();
}

/** Draws a polyline with a finger (touch events → pointer events of type touch). */
export async function drawWithTouch(page: Page, points: [number, number][]): Promise<void> {
  const box = await (await page.$('#pad'))!.boundingBox();
  if (box === null) throw new Error('the pad is not visible');
  const at = ([x, y]: [number, number]) =>
    [box.x + (x * box.width) / 280, box.y + (y * box.height) / 280] as const;
  await page.touchscreen.touchStart(...at(points[0]));
  for (const p of points.slice(1)) await page.touchscreen.touchMove(...at(p));
  await page.touchscreen.touchEnd();
}

/** Points on a circle (a drawn zero). */
export function circle(cx: number, cy: number, rx: number, ry: number, n = 40): [number, number][] {
  return Array.from({ length: n + 1 }, (_, i) => {
    const a = (2 * Math.PI * i) / n;
    return [cx + rx * Math.cos(a), cy + ry * Math.sin(a)] as [number, number];
  });
}

/** Text of an element. */
export async function text(page: Page, selector: string): Promise<string> {
  return page.$eval(selector, (el) => el.textContent ?? '');
}
