/**
 * The training Worker: loads the chosen dataset from the page's origin, trains on the wasm backend
 * (with threads when the page is cross-origin isolated) and reports batches and epochs to the page.
 * Training runs off the page's thread, so drawing and the charts stay smooth.
 */
import type { ImageDataset } from '@scratchnet/datasets';
import { type PresetName, type Sequential, createModel } from '@scratchnet/layers';
import { type OptimizerSpec, createOptimizer } from '@scratchnet/optimizers';
import { modelToBytes } from '@scratchnet/serialization';
import { WasmBackend, getBackend, setBackend } from '@scratchnet/tensor';
import { loadDataset } from './lib/idx-data.js';
import type {
  DatasetEntry,
  Filters,
  FromWorker,
  Misclassified,
  ToWorker,
  TrainConfig,
} from './lib/protocol.js';
import { workersUp } from './lib/workers-up.js';

interface WorkerScope {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
  crossOriginIsolated?: boolean;
  location: { href: string };
}
const scope = globalThis as unknown as WorkerScope;
const post = (m: FromWorker, transfer?: Transferable[]) => scope.postMessage(m, transfer);

let paused: { promise: Promise<void>; resume: () => void } | null = null;
let abort: AbortController | null = null;

scope.onmessage = (e) => {
  const m = e.data;
  if (m.type === 'start') {
    train(m.config).catch((err: unknown) =>
      post({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
    );
  } else if (m.type === 'pause' && paused === null) {
    let resume = () => {};
    const promise = new Promise<void>((r) => {
      resume = r;
    });
    paused = { promise, resume };
  } else if (m.type === 'resume' && paused !== null) {
    paused.resume();
    paused = null;
    post({ type: 'resumed' });
  } else if (m.type === 'stop') {
    abort?.abort();
    paused?.resume();
    paused = null;
  }
};

/** Chooses the backend and says plainly how many threads it got, and why not more. */
function startBackend(requested: number): void {
  const isolated = scope.crossOriginIsolated === true;
  try {
    setBackend('wasm', { threads: requested });
  } catch (e) {
    setBackend('js');
    post({
      type: 'backend',
      backend: 'js',
      threads: 1,
      requestedThreads: requested,
      crossOriginIsolated: isolated,
      note: `WebAssembly SIMD is unavailable here (${e instanceof Error ? e.message : String(e)}): training on the slower pure-TypeScript backend, 1 thread.`,
    });
    return;
  }
  const be = getBackend();
  let note = '';
  if (be.threads < requested) {
    note = isolated
      ? `Got ${be.threads} of ${requested} threads: this browser cannot share WebAssembly memory between workers.`
      : `This page is not cross-origin isolated (it was served without the Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp headers), so WebAssembly memory cannot be shared: training runs on 1 thread.`;
  }
  post({
    type: 'backend',
    backend: be.name,
    threads: be.threads,
    requestedThreads: requested,
    crossOriginIsolated: isolated,
    note,
  });
}

function optimizerSpec(c: TrainConfig): OptimizerSpec {
  if (c.optimizer === 'sgd') return { type: 'sgd', lr: c.learningRate, momentum: 0.9 };
  if (c.optimizer === 'rmsprop') return { type: 'rmsprop', lr: c.learningRate };
  return { type: c.optimizer, lr: c.learningRate };
}

/** The first convolution's weights, copied (they keep changing under training). */
function firstFilters(model: Sequential): Filters | null {
  const conv = model.layers.find((l) => l.type === 'Conv2d');
  const w = conv?.parameters().find((p) => p.name === 'weight')?.value;
  if (w === undefined || w.rank !== 4) return null;
  return { shape: [w.shape[0], w.shape[1], w.shape[2], w.shape[3]], data: w.data.slice() };
}

/** The first `max` test images the model gets wrong, in test-set order. */
function findMisclassified(model: Sequential, test: ImageDataset, max: number): Misclassified[] {
  const out: Misclassified[] = [];
  const plane = test.height * test.width;
  let index = 0;
  for (const { x, y, size } of test.batches({ batchSize: 256, shuffle: false, seed: 0, epoch: 0 })) {
    const predicted = model.predictClasses(x).data;
    const labels = y.data;
    for (let i = 0; i < size && out.length < max; i++) {
      if (predicted[i] === labels[i]) continue;
      const pixels = test.image(index + i).pixels.slice(0, plane);
      out.push({ index: index + i, predicted: predicted[i], actual: labels[i], pixels });
    }
    index += size;
    if (out.length >= max) break;
  }
  return out;
}

async function train(c: TrainConfig): Promise<void> {
  abort = new AbortController();
  startBackend(c.threads);
  post({ type: 'status', text: `Loading ${c.dataset}…` });
  const base = new URL('data/', scope.location.href).href;
  const index = (await (await fetch(new URL('datasets.json', base))).json()) as DatasetEntry[];
  const entry = index.find((d) => d.id === c.dataset);
  if (entry === undefined) throw new Error(`unknown dataset '${c.dataset}'`);
  let { train, test } = await loadDataset(entry, base);
  // The backend's worker threads came up while the data loaded (they start once this thread yields):
  // make sure they are all running before the first batch, rather than joining part-way.
  const backend = getBackend();
  if (backend instanceof WasmBackend) await workersUp(backend, 2000);
  if (c.trainSubset !== undefined) train = train.subset(0, Math.min(c.trainSubset, train.count));
  if (c.testSubset !== undefined) test = test.subset(0, Math.min(c.testSubset, test.count));
  const classNames = [...train.classNames];
  const model = createModel(c.model as PresetName, {
    seed: c.seed,
    inputShape: train.inputShape,
    numClasses: classNames.length,
  });
  const optimizer = createOptimizer(optimizerSpec(c), model.namedParameters());
  const batches = Math.ceil(train.count / c.batchSize);
  post({
    type: 'start',
    parameters: model.countParameters(),
    trainSamples: train.count,
    testSamples: test.count,
    batches,
    classNames,
  });
  let lastTest: number | undefined;
  let epochsDone = 0;
  const every = Math.max(1, Math.round(batches / 50));
  const history = await model.fit(train, {
    optimizer,
    loss: 'softmaxCrossEntropy',
    epochs: c.epochs,
    batchSize: c.batchSize,
    seed: c.seed,
    signal: abort.signal,
    callbacks: {
      onBatchEnd: async (m) => {
        if (m.batch % every === 0 || m.batch === m.batches) {
          post({
            type: 'batch',
            epoch: m.epoch,
            batch: m.batch,
            batches: m.batches,
            loss: m.loss,
            accuracy: m.accuracy,
            samplesPerSecond: m.samplesPerSecond,
          });
        }
        if (paused !== null) {
          post({ type: 'paused' });
          await paused.promise;
        }
      },
      onEpochEnd: async (m) => {
        post({ type: 'status', text: `Epoch ${m.epoch}: evaluating on ${test.count} test images…` });
        const ev = await model.evaluate(test, { batchSize: 256 });
        lastTest = ev.accuracy;
        epochsDone = m.epoch;
        post({
          type: 'epoch',
          report: {
            epoch: m.epoch,
            epochs: m.epochs,
            loss: m.loss,
            accuracy: m.accuracy,
            testLoss: ev.loss,
            testAccuracy: ev.accuracy,
            seconds: m.seconds,
            samplesPerSecond: m.samplesPerSecond,
            learningRate: m.learningRate,
            confusion: ev.confusion,
            misclassified: findMisclassified(model, test, 24),
            filters: firstFilters(model),
          },
        });
      },
    },
  });
  const bytes = modelToBytes(model, {
    classNames,
    preprocessing: { input: [...train.inputShape], scale: 1 / 255, normalization: null, source: c.dataset },
    training: {
      dataset: c.dataset,
      epochs: epochsDone,
      testAccuracy: lastTest,
      model: c.model,
      optimizer: `${c.optimizer} lr ${c.learningRate}`,
      batchSize: c.batchSize,
      seed: c.seed,
      trainSamples: train.count,
      trainedIn: 'browser',
    },
  });
  post({ type: 'done', stopped: history.stopped, model: bytes }, [bytes.buffer as ArrayBuffer]);
  abort = null;
}
