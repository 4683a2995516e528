import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { transformSync } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { Control } from '../src/protocol.js';

/** A fresh temporary directory, removed when the file's tests finish. */
const tempDirs: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/**
 * A worker that stands in for training: synchronous "steps" of busy work, with the same control
 * checks as the real batch end. It reports each step and each save, so the test sees whether pause,
 * save and quit reach a thread that never yields to its event loop.
 */
function startBusyWorker(control: Control): { worker: Worker; events: string[] } {
  const dir = tempDir('scratchnet-control-');
  const protocol = transformSync(readFileSync(new URL('../src/protocol.ts', import.meta.url), 'utf8'), {
    loader: 'ts',
    format: 'esm',
  }).code;
  writeFileSync(join(dir, 'protocol.mjs'), protocol);
  writeFileSync(
    join(dir, 'busy.mjs'),
    `import { parentPort, workerData } from 'node:worker_threads';
     import { Control } from ${JSON.stringify(pathToFileURL(join(dir, 'protocol.mjs')).href)};
     const control = new Control(workerData);
     let step = 0;
     while (!control.quitRequested) {
       const end = Date.now() + 5;
       while (Date.now() < end) {} // a synchronous step
       step++;
       parentPort.postMessage('step');
       if (control.takeSaveRequest()) parentPort.postMessage('save');
       if (control.paused) {
         parentPort.postMessage('paused');
         while (control.paused && !control.quitRequested) {
           control.waitWhilePaused();
           if (control.takeSaveRequest()) parentPort.postMessage('save');
         }
       }
     }
     parentPort.postMessage('quit');`,
  );
  const worker = new Worker(join(dir, 'busy.mjs'), { workerData: control.buffer });
  const events: string[] = [];
  worker.on('message', (m: string) => events.push(m));
  return { worker, events };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const count = (events: string[], what: string) => events.filter((e) => e === what).length;
/** Waits for a condition (polling), so the test does not depend on how busy the machine is. */
async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await sleep(10);
  }
}

describe('Control', () => {
  it('pauses, saves while paused, resumes and quits a worker stuck in synchronous steps', async () => {
    const control = new Control();
    const { worker, events } = startBusyWorker(control);
    const exited = new Promise((r) => worker.on('exit', r));
    await until(() => count(events, 'step') > 3, 'the worker steps');

    control.setPaused(true);
    await until(() => events.includes('paused'), 'the worker pauses');
    const pausedAt = count(events, 'step');
    await sleep(150);
    expect(count(events, 'step')).toBe(pausedAt); // no steps while paused

    control.requestSave();
    await until(() => count(events, 'save') === 1, 'the save is served while paused');
    expect(count(events, 'step')).toBe(pausedAt);

    control.setPaused(false);
    await until(() => count(events, 'step') > pausedAt, 'the worker resumes');

    // Served at the next step's end; a quit asked in the same instant may legitimately win the race
    // (the real session saves on quit anyway), so the save is awaited first.
    control.requestSave();
    await until(() => count(events, 'save') === 2, 'the save is served while running');
    control.requestQuit();
    await exited;
    expect(events.at(-1)).toBe('quit');
    expect(count(events, 'save')).toBe(2);
  });

  it('counts save requests once each and toggles the pause', () => {
    const c = new Control();
    expect(c.takeSaveRequest()).toBe(false);
    c.requestSave();
    c.requestSave();
    expect(c.takeSaveRequest()).toBe(true);
    expect(c.takeSaveRequest()).toBe(false);
    expect(c.togglePause()).toBe(true);
    expect(c.paused).toBe(true);
    expect(c.togglePause()).toBe(false);
    c.waitWhilePaused(); // returns at once when not paused
  });

  it('keeps the first reason to quit', () => {
    const c = new Control();
    expect(c.quitReason).toBe(null);
    c.requestQuit('signal');
    c.requestQuit('output');
    expect(c.quitRequested).toBe(true);
    expect(c.quitReason).toBe('signal');
    // the worker sees the reason through the shared buffer
    expect(new Control(c.buffer).quitReason).toBe('signal');
  });
});
