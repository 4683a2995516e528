#!/usr/bin/env node
// pnpm bench: runs the suites in suites/*.mjs (each default-exports `async (ctx) => rows`), merges
// their rows into results.json (suites not run this time keep their previous rows) and renders
// RESULTS.md. Usage: node run.mjs [suite ...] [--quick] [--note="text for RESULTS.md"]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { listBackends, setBackend } from '@scratchnet/tensor';
import { fmt, machine } from './lib/common.mjs';
import { SPEED_TARGETS, TARGETS } from './lib/targets.mjs';

// Node 20 has relaxed SIMD (the FMA kernels) behind a V8 flag that Node 22 no longer needs: re-run
// with it when the wasm backend did not get its relaxed module and this Node accepts the flag, so every
// Node version measures its best wasm path.
const RELAXED = '--experimental-wasm-relaxed-simd';
const variant = setBackend('wasm').variant;
if (
  variant !== 'relaxed' &&
  !process.execArgv.includes(RELAXED) &&
  spawnSync(process.execPath, [RELAXED, '-e', '0']).status === 0
) {
  const r = spawnSync(process.execPath, [RELAXED, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
  });
  process.exit(r.status ?? 1);
}

const here = fileURLToPath(new URL('.', import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const note = args.find((a) => a.startsWith('--note='))?.slice('--note='.length);
const wanted = args.filter((a) => !a.startsWith('--'));

// Fixed order: later suites may use earlier results of the same run (tfjs computes ratios from training).
const ORDER = ['gemm', 'training', 'memory', 'tfjs', 'pytorch'];
const available = readdirSync(join(here, 'suites'))
  .filter((f) => f.endsWith('.mjs'))
  .map((f) => f.slice(0, -4))
  .sort((a, b) => (ORDER.indexOf(a) + 1 || 99) - (ORDER.indexOf(b) + 1 || 99) || a.localeCompare(b));
for (const w of wanted) {
  if (!available.includes(w)) {
    console.error(`bench: unknown suite '${w}' (available: ${available.join(', ')})`);
    process.exit(2);
  }
}
const suites = wanted.length > 0 ? available.filter((s) => wanted.includes(s)) : available;

const resultsPath = join(here, 'results.json');
const previous = existsSync(resultsPath) ? JSON.parse(readFileSync(resultsPath, 'utf8')) : { suites: {} };
const results = { machine: machine(), suites: { ...previous.suites } };
const thisRun = {};
for (const name of suites) {
  const { default: run } = await import(pathToFileURL(join(here, 'suites', `${name}.mjs`)).href);
  // Every suite starts on the default backend (the best available), whatever the previous one chose.
  setBackend(listBackends()[0]);
  const probe = speedProbe();
  console.log(`\n(speed probe: 512³ GEMM, wasm, 1 thread: ${probe.toFixed(1)} GFLOPS)`);
  const started = new Date();
  console.log(`\n== ${name}`);
  const rows = await run({
    quick,
    results: thisRun,
    log: (msg) => console.log(`  ${msg}`),
  });
  thisRun[name] = rows;
  results.suites[name] = {
    date: started.toISOString(),
    seconds: +((Date.now() - started.getTime()) / 1000).toFixed(1),
    quick,
    loadAverageBefore: machine().loadAverage,
    speedProbeGflops: +probe.toFixed(1),
    rows,
  };
}
results.machine.loadAverageAfter = machine().loadAverage;
results.machine.wasmVariant = setBackend('wasm').variant;
results.machine.nodeFlags = process.execArgv.join(' ');
results.notes = [
  `wasm backend module: '${results.machine.wasmVariant}'${results.machine.wasmVariant === 'relaxed' ? ' (relaxed-SIMD fused multiply-add)' : ' (plain SIMD128)'}; Node flags: ${results.machine.nodeFlags || 'none'}.`,
  'Values are medians of the repetitions listed as samples. The load average before each suite shows what else was running; see "machine parallel capacity" in the gemm suite for how much the second core actually delivered during the run.',
  ...(note ? [note] : []),
];
writeFileSync(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(here, 'RESULTS.md'), render(results) + handWritten(join(here, 'RESULTS.md')));
console.log(`\nwrote ${resultsPath} and RESULTS.md`);

/**
 * Single-threaded 512³ GEMM GFLOPS for one second, in a child process, before each suite: on a shared
 * or virtualised host the speed a core delivers changes from minute to minute, and this number puts
 * each suite's results in context (compare it with the gemm suite's 512³ row on a quiet machine).
 */
function speedProbe() {
  const child = join(here, 'lib', 'gemm-child.mjs');
  return Number(execFileSync(process.execPath, [...process.execArgv, child, '1'], { encoding: 'utf8' }));
}

/**
 * The hand-written sections of RESULTS.md (headings containing "(hand-written"), from the first one
 * to the end of the file: notes on past work that a new run must not erase.
 */
function handWritten(file) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return '';
  }
  const at = text.search(/^## .*\(hand-written/m);
  return at < 0 ? '' : `\n${text.slice(at).trimEnd()}\n`;
}

function render(r) {
  const m = r.machine;
  const lines = [
    '# Benchmark results',
    '',
    `Generated by \`pnpm bench\` (bench/run.mjs). Machine: **${m.cpu}**, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.platform}, Node ${m.node}.`,
    '',
  ];
  for (const [title, targets] of [
    ['Speed targets', SPEED_TARGETS],
    ['Targets of the first release', TARGETS],
  ]) {
    lines.push(`## ${title}`, '', '| target | measured | goal | met |', '|---|---|---|---|');
    for (const t of targets) {
      const v = t.measure(r.suites);
      const met = v === undefined || t.informational ? '—' : t.ok(v) ? 'yes' : '**no**';
      lines.push(
        `| ${t.label} | ${v === undefined ? 'not run' : `${fmt(v)} ${t.unit}`} | ${t.goal} | ${met} |`,
      );
    }
    lines.push('');
  }
  for (const [name, s] of Object.entries(r.suites)) {
    lines.push(`## ${name}`, '');
    lines.push(
      `Run ${s.date.slice(0, 16).replace('T', ' ')} UTC, ${s.seconds} s${s.quick ? ' (quick mode)' : ''}; load average before: ${s.loadAverageBefore?.join(', ') ?? '?'}; speed probe before (512³ GEMM, wasm, 1 thread): ${s.speedProbeGflops ?? '?'} GFLOPS.`,
      '',
    );
    lines.push('| metric | configuration | value | notes |', '|---|---|---|---|');
    for (const row of s.rows) {
      const samples = row.samples ? ` (samples: ${row.samples.map(fmt).join(', ')})` : '';
      lines.push(
        `| ${row.metric} | ${row.config} | ${fmt(row.value)} ${row.unit} | ${row.note ?? ''}${samples} |`,
      );
    }
    lines.push('');
  }
  if (r.notes) lines.push('## Notes', '', ...r.notes.map((n) => `- ${n}`), '');
  return lines.join('\n');
}
