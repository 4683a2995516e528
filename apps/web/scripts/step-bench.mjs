// Times one training step in a Worker of headless Chromium at several thread counts (the page's
// `step-worker.js`, see src/step-worker.ts): shared by scripts/measure.mjs, bench/suites/browser.mjs
// and the e2e suite. Needs the built site served with COOP/COEP for threads.
import { existsSync, readFileSync, readdirSync } from 'node:fs';

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

/** Every process under `pid` (Linux /proc), `pid` included. */
function descendants(pid) {
  const parent = new Map();
  for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      // The ppid is the 2nd field after the parenthesised command name.
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      parent.set(Number(p), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // the process ended meanwhile
    }
  }
  const out = new Set([pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [p, pp] of parent) {
      if (out.has(pp) && !out.has(p)) {
        out.add(p);
        grew = true;
      }
    }
  }
  return [...out];
}

/** Nanoseconds on a CPU so far of every Worker thread ("DedicatedWorker") under `pid`, by task path. */
function workerThreadsCpu(pids) {
  const out = new Map();
  for (const p of pids) {
    let tasks;
    try {
      tasks = readdirSync(`/proc/${p}/task`);
    } catch {
      continue;
    }
    for (const t of tasks) {
      try {
        if (readFileSync(`/proc/${p}/task/${t}/comm`, 'utf8').trim() !== 'DedicatedWorker') continue;
        out.set(`${p}/${t}`, Number(readFileSync(`/proc/${p}/task/${t}/schedstat`, 'utf8').split(' ')[0]));
      } catch {
        // the thread ended meanwhile
      }
    }
  }
  return out;
}

/**
 * CPU time per step of each thread running the step at `threads` threads, busiest first (Linux only:
 * Chromium's Worker threads read from /proc; undefined elsewhere). Unlike wall time it hardly depends
 * on what else the machine runs: it is the work each thread did, spinning included, not the time it
 * waited for a core. Two runs in fresh Workers, `short` and `long` timed steps after the same warm-up:
 * the difference, per step, leaves out start-up and warm-up.
 */
export async function stepCpu(browser, url, threads, { short = 10, long = 50, ...request } = {}) {
  const pid = browser.process()?.pid;
  if (pid === undefined || !existsSync('/proc/self/task')) return undefined;
  const once = async (steps) => {
    const last = new Map();
    let pids = descendants(pid);
    const before = new Set(workerThreadsCpu(pids).keys());
    let samples = 0;
    const sample = () => {
      // The tab's renderer process starts after this: look for new processes now and then.
      if (++samples % 20 === 0) pids = descendants(pid);
      for (const [k, ns] of workerThreadsCpu(pids)) if (!before.has(k)) last.set(k, ns);
    };
    const timer = setInterval(sample, 5);
    try {
      await runStepBench(browser, url, { ...request, threads: [threads], rounds: 1, stepsPerRound: steps });
    } finally {
      clearInterval(timer);
    }
    return [...last.values()].sort((a, b) => b - a);
  };
  const a = await once(short);
  const b = await once(long);
  // The step Worker and its backend's workers (threads of earlier pages are gone or idle).
  return b.slice(0, threads).map((ns, i) => (ns - (a[i] ?? 0)) / 1e6 / (long - short));
}
