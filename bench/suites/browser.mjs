// One training step of the simple CNN (batch 64, SGD momentum 0.9) in a Worker of headless Chromium
// (Debian's /usr/bin/chromium through puppeteer-core), on the wasm backend with 1 and 2 threads
// alternately in the same Worker: ms/step, samples/s and the 2-thread / 1-thread ratio, with whether
// the page was cross-origin isolated and how many threads the backend got and had started. Builds
// the web app (apps/web/dist) and serves it with COOP/COEP first.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CHROMIUM, launchChromium } from '../../apps/web/scripts/chromium.mjs';
import { serve } from '../../apps/web/scripts/serve.mjs';
import { STEP_BENCH, runStepBench, stepCpu } from '../../apps/web/scripts/step-bench.mjs';
import { median, row } from '../lib/common.mjs';

const web = fileURLToPath(new URL('../../apps/web/', import.meta.url));

export default async function browser(ctx) {
  if (!existsSync(CHROMIUM)) {
    ctx.log(`no Chromium at ${CHROMIUM} (apt-get install chromium; CHROMIUM_PATH overrides): not measured`);
    return [];
  }
  const { stdout } = await promisify(execFile)(process.execPath, [`${web}build.mjs`], { cwd: web });
  ctx.log(stdout.trim());
  const request = { ...STEP_BENCH, rounds: ctx.quick ? 4 : 12, stepsPerRound: ctx.quick ? 5 : 10 };
  const { server, url } = await serve({ dir: `${web}dist`, port: 0 });
  const chromium = await launchChromium();
  // The load while the rounds run (they all run inside one call into the page).
  const loads = [loadavg()[0]];
  const sampler = setInterval(() => loads.push(loadavg()[0]), 2000);
  let r;
  // CPU time per step of each thread (Linux), 1 and 2 threads alternately: [busiest, …] per repetition.
  const cpu = { 1: [], 2: [] };
  try {
    r = await runStepBench(chromium, url, request);
    for (let i = 0; i < (ctx.quick ? 1 : 3); i++) {
      for (const threads of [1, 2]) {
        const c = await stepCpu(chromium, url, threads, { short: 10, long: ctx.quick ? 30 : 50 });
        if (c !== undefined) cpu[threads].push(c);
      }
    }
  } finally {
    clearInterval(sampler);
    loads.push(loadavg()[0]);
    await chromium.close();
    server.close();
  }
  const version = (await promisify(execFile)(CHROMIUM, ['--version'])).stdout.trim();
  const load = `load average (1 min) ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} during the run`;
  const setup = `${version}, Worker, wasm '${r.variant}', crossOriginIsolated ${r.crossOriginIsolated}, ${r.hardwareConcurrency} cores`;
  ctx.log(setup);
  const rows = [];
  for (const run of r.runs) {
    const config = `Chromium Worker, simple-cnn batch ${request.batch}, ${run.threads} thread${run.threads > 1 ? 's' : ''}`;
    const got = `threads asked ${run.threads}, obtained ${run.obtained}, started ${run.started}${run.threads > 1 ? ` (all up ${run.startMs === null ? 'never' : `${run.startMs.toFixed(0)} ms`} after choosing the backend)` : ''}`;
    const note = `${got}; ${request.rounds} alternated rounds of ${request.stepsPerRound} steps after ${request.warmupSteps} warm-up steps; ${load}`;
    const extra = {
      backend: 'wasm',
      threads: run.obtained,
      startedThreads: run.started,
      crossOriginIsolated: r.crossOriginIsolated,
    };
    ctx.log(`${config}: ${median(run.stepMs).toFixed(1)} ms/step (${got})`);
    rows.push(
      row('browser training step', config, median(run.stepMs), 'ms', { samples: run.stepMs, note, ...extra }),
      row(
        'browser training samples/s',
        config,
        median(run.stepMs.map((ms) => (1000 * request.batch) / ms)),
        'samples/s',
        { samples: run.stepMs.map((ms) => (1000 * request.batch) / ms), note, ...extra },
      ),
    );
  }
  const one = r.runs.find((x) => x.threads === 1);
  const two = r.runs.find((x) => x.threads === 2);
  // Rounds alternate the thread counts, so each round's ratio compares neighbours in time.
  const ratios = one.stepMs.map((ms, i) => ms / two.stepMs[i]);
  ctx.log(`2 threads / 1 thread: ${median(ratios).toFixed(2)}× (median of per-round ratios; ${load})`);
  rows.push(
    row(
      'browser ratio',
      'Chromium Worker, simple-cnn batch 64: 2 threads / 1 thread (speed-up)',
      median(ratios),
      '×',
      {
        samples: ratios,
        note: `${setup}; median of per-round ratios of 1-thread to 2-thread ms/step; ${two.started} of 2 threads started; results of 2 threads differ from 1 thread's by at most ${two.maxDiffFromFirst.toExponential(1)} (a K-split GEMM sums in another order); ${load}`,
        threads: two.obtained,
        startedThreads: two.started,
        crossOriginIsolated: r.crossOriginIsolated,
      },
    ),
  );
  if (cpu[1].length > 0 && cpu[2].length > 0) rows.push(...cpuRows(ctx, cpu, load));
  return rows;
}

/**
 * The CPU time rows: what each thread worked per step (spinning included), which unlike wall time
 * hardly depends on the other jobs, and the speed-up it implies where both threads have a core.
 */
function cpuRows(ctx, cpu, load) {
  const busiest = (t) => cpu[t].map((c) => c[0]);
  const shown = (t) => cpu[t].map((c) => c.map((ms) => ms.toFixed(1)).join(' + ')).join('; ');
  const how =
    "CPU ms per step of the busiest Worker thread (/proc schedstat of Chromium's DedicatedWorker threads; 50 minus 10 timed steps in fresh Workers)";
  const estimate = median(busiest(1)) / median(busiest(2));
  ctx.log(
    `CPU per step: 1 thread ${shown(1)} ms; 2 threads ${shown(2)} ms: ${estimate.toFixed(2)}× where each thread has a core`,
  );
  return [
    row('browser step CPU', 'Chromium Worker, simple-cnn batch 64, 1 thread', median(busiest(1)), 'ms', {
      samples: busiest(1),
      note: `${how}; ${load}`,
      threads: 1,
    }),
    row('browser step CPU', 'Chromium Worker, simple-cnn batch 64, 2 threads', median(busiest(2)), 'ms', {
      samples: busiest(2),
      note: `${how}; every thread: ${shown(2)}; ${load}`,
      threads: 2,
    }),
    row(
      'browser ratio',
      'Chromium Worker, simple-cnn batch 64: 1-thread CPU / busiest thread at 2 threads (speed-up on idle cores, estimated)',
      estimate,
      '×',
      {
        note: 'an estimate from CPU time, not a timing: it leaves out the time a thread sleeps waiting for the other',
        threads: 2,
      },
    ),
  ];
}
