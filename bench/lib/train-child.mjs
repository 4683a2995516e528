// One full training run in its own process, for peak memory: the seed network on all of MNIST for
// one epoch (wasm backend, all threads, batch 64), then evaluation on the test set (batch 256,
// evaluate's default). Prints JSON, with where the memory is at the end: the datasets' images, the
// V8 heap, and the wasm heap's high-water mark (a wasm memory never shrinks; the pages below the
// mark have been written, those above never were).
import { loadMnist } from '@scratchnet/datasets/node';
import { createModel } from '@scratchnet/layers';
import { SGD } from '@scratchnet/optimizers';
import { setBackend } from '@scratchnet/tensor';

const MiB = 2 ** 20;
const [backend = 'wasm', threadsArg = '0', epochsArg = '1'] = process.argv.slice(2);
const threads = Number(threadsArg) || undefined;
const be = setBackend(backend, threads === undefined ? {} : { threads });
const { train, test } = await loadMnist();
const model = createModel('seed', { seed: 1 });
const optimizer = new SGD(model.namedParameters(), { lr: 0.01, momentum: 0.9 });
const t = performance.now();
const history = await model.fit(train, { optimizer, epochs: Number(epochsArg), batchSize: 64, seed: 1 });
const seconds = (performance.now() - t) / 1000;
const evaluation = await model.evaluate(test, { batchSize: 256 });
process.stdout.write(
  `${JSON.stringify({
    backend: be.name,
    threads: be.threads,
    epochs: history.epochs.length,
    seconds,
    samplesPerSecond: (train.count * history.epochs.length) / seconds,
    testAccuracy: evaluation.accuracy,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    imagesMiB: (train.imageBytes + test.imageBytes) / MiB,
    v8HeapMiB: process.memoryUsage().heapTotal / MiB,
    wasmHeapMiB: be.name === 'wasm' ? be.runtime.heap.highWater / MiB : 0,
  })}\n`,
);
