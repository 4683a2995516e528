/**
 * The step-timing Worker (for `bench/suites/browser.mjs`, `scripts/measure.mjs` and the e2e test; the
 * page never loads it): times one training step of a preset at a fixed batch on the wasm backend at
 * each asked thread count, alternately, in this one Worker, exactly as the training Worker trains
 * (`Sequential.trainBatch`, SGD momentum 0.9, softmax cross-entropy).
 *
 * Every thread count trains its own model, created from the same seed and fed the same batches in the
 * same order, so the runs can be compared: their losses step by step and their final parameters come
 * back with the timings.
 */
import { type PresetName, type Sequential, createModel } from '@scratchnet/layers';
import { SGD } from '@scratchnet/optimizers';
import {
  IntTensor,
  Random,
  type Tensor,
  WasmBackend,
  getBackend,
  randomUniform,
  setBackend,
} from '@scratchnet/tensor';
import type { StepBenchRequest, StepBenchResult, StepBenchRun } from './lib/protocol.js';
import { workersUp } from './lib/workers-up.js';

interface WorkerScope {
  postMessage(message: StepBenchResult): void;
  onmessage: ((e: MessageEvent<StepBenchRequest>) => void) | null;
  crossOriginIsolated?: boolean;
}
const scope = globalThis as unknown as WorkerScope;

/** Batches cycled through by every run: a few distinct ones, so that no step sees only one. */
const DISTINCT_BATCHES = 4;

interface Run {
  threads: number;
  model: Sequential;
  optimizer: SGD;
  backend: WasmBackend;
  result: StepBenchRun;
  step: number;
}

scope.onmessage = async (e) => {
  try {
    scope.postMessage(await bench(e.data));
  } catch (err) {
    scope.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
};

async function bench(q: StepBenchRequest): Promise<StepBenchResult> {
  const first = setBackend('wasm', { threads: q.threads[0] });
  // The batches: uniform pixels in [0, 1) and labels 0..9 in turn, made once on the wasm heap.
  const rng = new Random(q.seed);
  const model0 = createModel(q.preset as PresetName, { seed: q.seed });
  const inputShape = model0.inputShape;
  const classes = model0.outputShape.at(-1) ?? 10;
  const batches: { x: Tensor; y: IntTensor }[] = [];
  for (let b = 0; b < DISTINCT_BATCHES; b++) {
    const x = randomUniform([q.batch, ...inputShape], rng);
    const labels = Array.from({ length: q.batch }, (_, i) => (i * 7 + b) % classes);
    batches.push({ x, y: IntTensor.fromArray(labels, [q.batch]) });
  }
  const runs: Run[] = [];
  for (const [i, threads] of q.threads.entries()) {
    const backend = setBackend('wasm', { threads });
    if (!(backend instanceof WasmBackend))
      throw new Error(`expected the wasm backend, got '${backend.name}'`);
    const startMs = await workersUp(backend, q.startTimeoutMs);
    const model = i === 0 ? model0 : createModel(q.preset as PresetName, { seed: q.seed });
    runs.push({
      threads,
      model,
      optimizer: new SGD(model.namedParameters(), { lr: 0.01, momentum: 0.9 }),
      backend,
      result: {
        threads,
        obtained: backend.threads,
        started: backend.startedThreads,
        startMs,
        stepMs: [],
        losses: [],
        parameters: new Float32Array(0),
      },
      step: 0,
    });
  }
  const steps = (r: Run, n: number, timed: boolean) => {
    setBackend('wasm', { threads: r.threads });
    const t0 = performance.now();
    for (let s = 0; s < n; s++) {
      const { x, y } = batches[r.step++ % DISTINCT_BATCHES];
      const { loss } = r.model.trainBatch(x, y, r.optimizer, 'softmaxCrossEntropy');
      r.result.losses.push(loss);
    }
    if (timed) r.result.stepMs.push((performance.now() - t0) / n);
  };
  for (const r of runs) steps(r, q.warmupSteps, false);
  for (let round = 0; round < q.rounds; round++) {
    // Alternate the order too, so that neither count always runs right after the other.
    const order = round % 2 === 0 ? runs : [...runs].reverse();
    for (const r of order) steps(r, q.stepsPerRound, true);
  }
  for (const r of runs) {
    r.result.parameters = flatParameters(r.model);
    r.result.started = r.backend.startedThreads;
  }
  return {
    type: 'result',
    crossOriginIsolated: scope.crossOriginIsolated === true,
    variant: (first as { variant?: string }).variant ?? getBackend().name,
    hardwareConcurrency: (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator
      ?.hardwareConcurrency,
    runs: runs.map((r) => r.result),
  };
}

/** Every parameter's values, concatenated in the model's order. */
function flatParameters(model: Sequential): Float32Array {
  const ps = model.namedParameters().map((p) => p.value.data);
  const out = new Float32Array(ps.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of ps) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
