// Times one training step in a Worker of headless Chromium at several thread counts (the page's
// `step-worker.js`, see src/step-worker.ts): shared by scripts/measure.mjs, bench/suites/browser.mjs
// and the e2e suite. Needs the built site served with COOP/COEP for threads.

/** The step the browser benchmark times: the simple CNN at batch 64, 1 and 2 threads alternately. */
export const STEP_BENCH = {
  preset: 'simple-cnn',
  batch: 64,
  threads: [1, 2],
  startTimeoutMs: 10_000,
  warmupSteps: 10,
  rounds: 8,
  stepsPerRound: 10,
  seed: 1,
};

/** Median of a non-empty list. */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/**
 * Opens `url` (the site's index.html) in a new tab of `browser`, runs the step-timing Worker with
 * `request` (defaults: {@link STEP_BENCH}) and returns its answer, with for every run the digest of
 * its final parameters' bits and their largest difference from the first run's. Throws with the
 * Worker's message when it fails.
 */
export async function runStepBench(browser, url, request = {}) {
  const q = { ...STEP_BENCH, ...request };
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  try {
    await page.goto(url, { waitUntil: 'load' });
    const r = await page.evaluate(
      (q) =>
        new Promise((resolve) => {
          const w = new Worker('step-worker.js', { type: 'module' });
          w.onerror = (e) => resolve({ type: 'error', message: `step-worker.js: ${e.message}` });
          w.onmessage = (e) => {
            w.terminate();
            const d = e.data;
            if (d.type !== 'result') return resolve(d);
            // FNV-1a over the parameters' bits, and the largest difference from the first run.
            const first = d.runs[0].parameters;
            for (const run of d.runs) {
              const p = run.parameters;
              const bits = new Uint32Array(p.buffer, p.byteOffset, p.length);
              let h = 0x811c9dc5;
              let diff = 0;
              for (let i = 0; i < p.length; i++) {
                h = Math.imul(h ^ bits[i], 0x01000193) >>> 0;
                diff = Math.max(diff, Math.abs(p[i] - first[i]));
              }
              run.parameterCount = p.length;
              run.parameterDigest = h.toString(16).padStart(8, '0');
              run.maxDiffFromFirst = diff;
              run.parameters = undefined;
            }
            resolve({ ...d, pageCrossOriginIsolated: globalThis.crossOriginIsolated === true });
          };
          w.postMessage(q);
        }),
      q,
    );
    if (r.type !== 'result') throw new Error(`step benchmark failed in Chromium: ${r.message}`);
    if (errors.length > 0) throw new Error(`step benchmark page errors: ${errors.join('; ')}`);
    return r;
  } finally {
    await page.close();
  }
}
