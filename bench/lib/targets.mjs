// The targets of the first release and of the speed work, read from the suites'
// rows (RESULTS.md's first tables).
const rows = (suites, name) => suites[name]?.rows ?? [];
const pick = (suites, name, pred) => rows(suites, name).find(pred)?.value;
/** The best value among the wasm backend's rows at the highest thread count measured ("all threads"). */
const allThreads = (suites, name, metric) => {
  const r = rows(suites, name).filter((x) => x.metric === metric && x.backend === 'wasm');
  const t = Math.max(...r.map((x) => x.threads));
  const v = r.filter((x) => x.threads === t).map((x) => x.value);
  return v.length ? Math.max(...v) : undefined;
};
const best = (suites, name, pred) => {
  const v = rows(suites, name)
    .filter(pred)
    .map((r) => r.value);
  return v.length ? Math.max(...v) : undefined;
};

export const TARGETS = [
  {
    label: 'seed network training, wasm, all threads',
    unit: 'samples/s',
    goal: '≥ 6,000',
    measure: (s) => allThreads(s, 'training', 'training samples/s'),
    ok: (v) => v >= 6000,
  },
  {
    label: 'ours / TF.js wasm (training, same run)',
    unit: '×',
    goal: '≥ 12×',
    measure: (s) => pick(s, 'tfjs', (r) => r.config === 'ours (wasm, all threads) / TF.js wasm'),
    ok: (v) => v >= 12,
  },
  {
    label: 'ours / TF.js cpu (training, same run)',
    unit: '×',
    goal: '≥ 200×',
    measure: (s) => pick(s, 'tfjs', (r) => r.config === 'ours (wasm, all threads) / TF.js cpu'),
    ok: (v) => v >= 200,
  },
  {
    label: 'GEMM [64×6272]·[6272×128], wasm, all threads',
    unit: 'GFLOPS',
    goal: '≥ 40',
    measure: (s) =>
      best(s, 'gemm', (r) => r.backend === 'wasm' && r.threads > 1 && r.shape?.join() === '64,128,6272'),
    ok: (v) => v >= 40,
  },
  {
    label: 'inference, 10,000 test images, wasm, all threads (best batch size)',
    unit: 'samples/s',
    goal: '≥ 15,000',
    measure: (s) => allThreads(s, 'training', 'inference samples/s'),
    ok: (v) => v >= 15000,
  },
  {
    label: 'seed network training, wasm, 1 thread (for reference)',
    unit: 'samples/s',
    goal: '—',
    measure: (s) =>
      pick(
        s,
        'training',
        (r) => r.metric === 'training samples/s' && r.backend === 'wasm' && r.threads === 1,
      ),
    informational: true,
    ok: () => true,
  },
  {
    label: 'peak RSS of a training run',
    unit: 'MiB',
    goal: '≤ 300',
    measure: (s) => pick(s, 'memory', (r) => r.metric === 'peak RSS of a training run'),
    ok: (v) => v <= 300,
  },
  {
    label: 'js reference (1 thread) / TF.js cpu',
    unit: '×',
    goal: '≥ 3×',
    measure: (s) => pick(s, 'tfjs', (r) => r.config === 'ours (js reference, 1 thread) / TF.js cpu'),
    ok: (v) => v >= 3,
  },
];

const ratio = (s, config) => pick(s, 'pytorch', (r) => r.metric === 'ratio' && r.config === config);

/** The speed targets: against PyTorch in the same run, the Dense GEMM, predict's start, the browser. */
export const SPEED_TARGETS = [
  ...['simple-cnn', 'lenet5', 'strong'].map((preset) => ({
    label: `${preset}: training, ours / PyTorch (2 threads, same run)`,
    unit: '×',
    goal: '≥ 1.0×',
    measure: (s) => ratio(s, `${preset}: ours / PyTorch, training`),
    ok: (v) => v >= 1,
  })),
  {
    label: 'simple-cnn training, wasm, 2 threads (against PyTorch)',
    unit: 'samples/s',
    goal: '≥ 10,000 on a quiet machine',
    measure: (s) =>
      pick(s, 'pytorch', (r) => r.metric === 'training samples/s' && r.config.startsWith('simple-cnn: ours')),
    ok: (v) => v >= 10000,
  },
  {
    label: 'GEMM [64×6272]·[6272×128], wasm, 2 threads',
    unit: 'GFLOPS',
    goal: '≥ 85',
    measure: (s) =>
      best(s, 'gemm', (r) => r.backend === 'wasm' && r.threads > 1 && r.shape?.join() === '64,128,6272'),
    ok: (v) => v >= 85,
  },
  ...['simple-cnn', 'lenet5', 'strong'].map((preset) => ({
    label: `${preset}: inference over the test set, ours / PyTorch`,
    unit: '×',
    goal: preset === 'simple-cnn' ? '≥ 1.3×' : '— (goal set for simple-cnn)',
    measure: (s) => ratio(s, `${preset}: ours / PyTorch, inference`),
    informational: preset !== 'simple-cnn',
    ok: (v) => v >= 1.3,
  })),
  {
    label: 'scratchnet-predict start to answer above node -e 0',
    unit: 'ms',
    goal: '≤ 30',
    measure: (s) =>
      pick(
        s,
        'startup',
        (r) => r.metric === 'start to answer above node -e 0' && r.config === 'scratchnet-predict seven.png',
      ),
    ok: (v) => v <= 30,
  },
  {
    label: 'Chromium Worker, simple-cnn step: 2 threads / 1 thread',
    unit: '×',
    goal: '≥ 1.6×',
    measure: (s) => pick(s, 'browser', (r) => r.metric === 'browser ratio'),
    ok: (v) => v >= 1.6,
  },
  {
    label: 'peak RSS of a training run',
    unit: 'MiB',
    goal: '≤ 226 (no higher than before)',
    measure: (s) => pick(s, 'memory', (r) => r.metric === 'peak RSS of a training run'),
    ok: (v) => v <= 226,
  },
];
