// Shared helpers of the benchmark suites: statistics, timing, machine facts, the seed network.
import { cpus, availableParallelism, loadavg, totalmem } from 'node:os';

/** Median of a list of numbers. */
export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs `fn` `reps` times after `warmup` calls; returns each repetition's seconds. */
export function timeRepeated(fn, { reps, warmup = 1 }) {
  for (let i = 0; i < warmup; i++) fn();
  const out = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    fn();
    out.push((performance.now() - t) / 1000);
  }
  return out;
}

/**
 * Runs `fn` until it runs at a steady speed, for a steady-state throughput measurement: for at least
 * `minSeconds`, and then, once `ready()` holds, until two consecutive windows of `windowSeconds` ran
 * at rates (calls per second) within `tolerance` of each other, or `maxSeconds` passed. A fresh thread
 * pool starts cold (its workers take a while to start, and the wasm code runs unoptimized until the
 * engine has compiled it again in the background), so a fixed single warm-up call is not enough for
 * multi-threaded rows; `ready` says when every worker is up (before that the speed can plateau at one
 * thread's). Returns the seconds spent and whether the speed settled; `describe` words it for a note.
 */
export function warmUntilSteady(
  fn,
  { minSeconds = 0.3, windowSeconds = 0.05, tolerance = 0.03, maxSeconds = 3, ready = () => true } = {},
) {
  const start = performance.now();
  const window = () => {
    const t = performance.now();
    let calls = 0;
    let dt = 0;
    do {
      fn();
      calls++;
      dt = performance.now() - t;
    } while (dt < windowSeconds * 1000);
    return calls / dt;
  };
  let last = window();
  let steady = false;
  for (;;) {
    const elapsed = (performance.now() - start) / 1000;
    if (elapsed >= maxSeconds) break;
    const rate = window();
    if (elapsed >= minSeconds && ready() && Math.abs(rate - last) <= tolerance * Math.max(rate, last)) {
      steady = true;
      break;
    }
    last = rate;
  }
  const seconds = (performance.now() - start) / 1000;
  const describe = () =>
    `warm-up ${seconds.toFixed(2)} s (≥ ${minSeconds} s, every thread started, until two consecutive ${windowSeconds * 1000} ms windows agreed within ${tolerance * 100} %${steady ? '' : '; never did'})`;
  return { seconds, steady, describe };
}

/** Async variant of {@link timeRepeated}. */
export async function timeRepeatedAsync(fn, { reps, warmup = 1 }) {
  for (let i = 0; i < warmup; i++) await fn();
  const out = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    await fn();
    out.push((performance.now() - t) / 1000);
  }
  return out;
}

/** CPU model, cores, memory, Node version, load: the context every result needs. */
export function machine() {
  const c = cpus();
  return {
    cpu: c[0]?.model?.trim() ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverage: loadavg().map((v) => +v.toFixed(2)),
  };
}

/** Rounds for display: 3 significant digits, integers above 100. */
export function fmt(v) {
  if (typeof v !== 'number' || !Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 100) return Math.round(v).toLocaleString('en-US');
  return String(+v.toPrecision(3));
}

/** One result row. `value` is the median of `samples` when they are given. */
export function row(metric, config, value, unit, extra = {}) {
  return { metric, config, value, unit, ...extra };
}

/** Seed-network training options used by every throughput measurement (the setup). */
export const SEED = { batchSize: 64, lr: 0.01, momentum: 0.9 };

/** Shorthand: the thread count "all" resolves to. */
export const ALL_THREADS = availableParallelism();
