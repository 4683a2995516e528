/**
 * The Train page: settings, the training Worker's controls (train, pause, resume, stop), live charts,
 * the epoch table, confusion matrix, misclassified images and first-layer filters, and the trained
 * model's download or use on the Draw page.
 */
import { PRESETS } from '@scratchnet/layers';
import { Classifier } from './lib/classifier.js';
import type { DatasetEntry, EpochReport, FromWorker, ToWorker, TrainConfig } from './lib/protocol.js';
import { type Series, drawChart, paintGray, paintWeights } from './lib/render.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** Throughput and thread counts the end-to-end tests read. */
export interface TrainStats {
  backend?: string;
  threads?: number;
  crossOriginIsolated?: boolean;
  epochs: { epoch: number; samplesPerSecond: number; testAccuracy: number }[];
  done?: boolean;
}
export const trainStats: TrainStats = { epochs: [] };

let worker: Worker | null = null;
let datasets: DatasetEntry[] = [];
let trained: { bytes: Uint8Array; name: string } | null = null;
let onUseModel: (c: Classifier) => void = () => {};

// Chart data: x in epochs (fractional while an epoch runs).
let lossPts: { x: number; y: number }[] = [];
let accPts: { x: number; y: number }[] = [];
let testLossPts: { x: number; y: number }[] = [];
let testAccPts: { x: number; y: number }[] = [];
let epochsPlanned = 1;

function setRunning(state: 'idle' | 'running' | 'paused'): void {
  $<HTMLButtonElement>('train').disabled = state !== 'idle';
  $<HTMLButtonElement>('pause').disabled = state !== 'running';
  $<HTMLButtonElement>('resume').disabled = state !== 'paused';
  $<HTMLButtonElement>('stop').disabled = state === 'idle';
  for (const id of ['dataset', 'model', 'optimizer', 'lr', 'epochs', 'batch', 'threads', 'subset']) {
    $<HTMLInputElement>(id).disabled = state !== 'idle';
  }
}

function redrawCharts(): void {
  const lossSeries: Series[] = [
    { label: 'training loss', color: '#0b57a4', points: lossPts },
    { label: 'test loss', color: '#b3261e', points: testLossPts, dots: true },
  ];
  const accSeries: Series[] = [
    { label: 'training accuracy', color: '#0b57a4', points: accPts },
    { label: 'test accuracy', color: '#b3261e', points: testAccPts, dots: true },
  ];
  drawChart($<HTMLCanvasElement>('loss-chart'), lossSeries, epochsPlanned);
  const ys = [...accPts, ...testAccPts].map((p) => p.y);
  drawChart($<HTMLCanvasElement>('acc-chart'), accSeries, epochsPlanned, [
    ys.length ? Math.max(0, Math.floor(Math.min(...ys) * 10) / 10) : 0,
    1,
  ]);
}

const pct = (v: number) => `${(100 * v).toFixed(2)} %`;

function addEpochRow(r: EpochReport): void {
  const tr = document.createElement('tr');
  const cells = [
    String(r.epoch),
    r.loss.toFixed(4),
    pct(r.accuracy),
    r.testLoss.toFixed(4),
    pct(r.testAccuracy),
    r.seconds.toFixed(1),
    Math.round(r.samplesPerSecond).toLocaleString('en'),
  ];
  tr.replaceChildren(
    ...cells.map((text, i) => {
      const cell = document.createElement(i === 0 ? 'th' : 'td');
      if (i === 0) cell.setAttribute('scope', 'row');
      cell.textContent = text;
      return cell;
    }),
  );
  $('epoch-table').querySelector('tbody')?.append(tr);
}

function showConfusion(confusion: number[][], names: readonly string[]): void {
  const table = document.createElement('table');
  table.className = 'confusion';
  const caption = table.createCaption();
  caption.textContent = 'Rows: actual class; columns: predicted class';
  const head = table.createTHead().insertRow();
  head.append(document.createElement('th'));
  for (const n of names) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = n.length > 6 ? `${n.slice(0, 5)}…` : n;
    th.title = n;
    head.append(th);
  }
  const body = table.createTBody();
  let max = 1;
  for (let i = 0; i < confusion.length; i++) {
    for (let j = 0; j < confusion[i].length; j++) if (i !== j) max = Math.max(max, confusion[i][j]);
  }
  confusion.forEach((row, i) => {
    const tr = body.insertRow();
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = names[i];
    tr.append(th);
    row.forEach((v, j) => {
      const td = tr.insertCell();
      td.textContent = String(v);
      // Off-diagonal mistakes in red, the diagonal in green; light tints keep the text readable.
      const t = i === j ? 0.25 : Math.min(1, v / max) * 0.45;
      td.style.background = i === j ? `rgba(61,139,85,${t})` : `rgba(179,38,30,${t})`;
    });
  });
  $('confusion').replaceChildren(table);
}

function showEpoch(r: EpochReport, names: readonly string[]): void {
  addEpochRow(r);
  testLossPts.push({ x: r.epoch, y: r.testLoss });
  testAccPts.push({ x: r.epoch, y: r.testAccuracy });
  redrawCharts();
  showConfusion(r.confusion, names);
  $('misclassified').replaceChildren(
    ...r.misclassified.map((m) => {
      const li = document.createElement('li');
      const c = document.createElement('canvas');
      paintGray(c, m.pixels, 28, 28);
      c.setAttribute('role', 'img');
      c.setAttribute(
        'aria-label',
        `test image ${m.index}: a ${names[m.actual]} read as ${names[m.predicted]}`,
      );
      const cap = document.createElement('span');
      cap.textContent = `${names[m.actual]}→${names[m.predicted]}`;
      li.append(c, cap);
      return li;
    }),
  );
  const f = r.filters;
  if (f !== null) {
    const [out, , kh, kw] = f.shape;
    const plane = kh * kw;
    $('filters').replaceChildren(
      ...Array.from({ length: out }, (_, o) => {
        const c = document.createElement('canvas');
        // The first input channel of each filter (grayscale inputs have only one).
        paintWeights(c, f.data.subarray(o * f.shape[1] * plane, o * f.shape[1] * plane + plane), kh, kw);
        c.setAttribute('role', 'img');
        c.setAttribute('aria-label', `filter ${o + 1}`);
        return c;
      }),
    );
  }
}

function readConfig(): TrainConfig | string {
  const num = (id: string) => Number($<HTMLInputElement>(id).value);
  const lr = num('lr');
  const epochs = num('epochs');
  const batchSize = num('batch');
  const threads = num('threads');
  const subsetText = $<HTMLInputElement>('subset').value.trim();
  if (!(lr > 0 && lr <= 10)) return 'Learning rate must be a number above 0 and at most 10.';
  if (!Number.isInteger(epochs) || epochs < 1 || epochs > 100)
    return 'Epochs must be a whole number from 1 to 100.';
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1024)
    return 'Batch size must be 1 to 1024.';
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) return 'Threads must be 1 to 64.';
  const subset = subsetText === '' ? undefined : Number(subsetText);
  if (subset !== undefined && (!Number.isInteger(subset) || subset < 1)) {
    return 'Training images must be a positive whole number, or empty for all.';
  }
  return {
    dataset: $<HTMLSelectElement>('dataset').value,
    model: $<HTMLSelectElement>('model').value,
    optimizer: $<HTMLSelectElement>('optimizer').value as TrainConfig['optimizer'],
    learningRate: lr,
    epochs,
    batchSize,
    threads,
    trainSubset: subset,
    // A small training subset is for quick trials: evaluate on a matching slice of the test set.
    testSubset: subset === undefined ? undefined : Math.max(500, Math.min(10000, subset)),
    seed: 1,
  };
}

function start(config: TrainConfig): void {
  worker?.terminate();
  worker = new Worker('train-worker.js', { type: 'module' });
  const send = (m: ToWorker) => worker?.postMessage(m);
  let names: string[] = [];
  lossPts = [];
  accPts = [];
  testLossPts = [];
  testAccPts = [];
  epochsPlanned = config.epochs;
  trainStats.epochs = [];
  trainStats.done = false;
  trained = null;
  $<HTMLButtonElement>('download').disabled = true;
  $<HTMLButtonElement>('use-model').disabled = true;
  $('epoch-table').querySelector('tbody')?.replaceChildren();
  $('train-error').textContent = '';
  redrawCharts();
  setRunning('running');
  worker.onmessage = (e: MessageEvent<FromWorker>) => {
    const m = e.data;
    switch (m.type) {
      case 'backend':
        trainStats.backend = m.backend;
        trainStats.threads = m.threads;
        trainStats.crossOriginIsolated = m.crossOriginIsolated;
        showIsolation(m.threads, m.note);
        break;
      case 'status':
        $('train-status').textContent = m.text;
        break;
      case 'start':
        names = m.classNames;
        $('train-status').textContent =
          `Training ${config.model} (${m.parameters.toLocaleString('en')} parameters) on ${m.trainSamples.toLocaleString('en')} images, ` +
          `testing on ${m.testSamples.toLocaleString('en')}, ${trainStats.threads} thread(s)…`;
        break;
      case 'batch': {
        const x = m.epoch - 1 + m.batch / m.batches;
        lossPts.push({ x, y: m.loss });
        accPts.push({ x, y: m.accuracy });
        redrawCharts();
        $('train-status').textContent =
          `Epoch ${m.epoch}/${config.epochs}, batch ${m.batch}/${m.batches}: loss ${m.loss.toFixed(4)}, ` +
          `accuracy ${pct(m.accuracy)}, ${Math.round(m.samplesPerSecond).toLocaleString('en')} samples/s on ${trainStats.threads} thread(s)`;
        break;
      }
      case 'epoch':
        trainStats.epochs.push({
          epoch: m.report.epoch,
          samplesPerSecond: m.report.samplesPerSecond,
          testAccuracy: m.report.testAccuracy,
        });
        showEpoch(m.report, names);
        break;
      case 'paused':
        setRunning('paused');
        $('train-status').textContent = `Paused. ${$('train-status').textContent}`;
        break;
      case 'resumed':
        setRunning('running');
        break;
      case 'done': {
        trained = { bytes: m.model, name: `scratchnet-${config.dataset}-${config.model}.safetensors` };
        trainStats.done = true;
        setRunning('idle');
        const last = trainStats.epochs.at(-1);
        $('train-status').textContent =
          `${m.stopped ? 'Stopped' : 'Done'} after ${last?.epoch ?? 0} epoch(s)` +
          (last ? `: test accuracy ${pct(last.testAccuracy)}.` : '.') +
          ' Download the model, or use it on the Draw page.';
        $<HTMLButtonElement>('download').disabled = false;
        $<HTMLButtonElement>('use-model').disabled = false;
        worker?.terminate();
        worker = null;
        break;
      }
      case 'error':
        $('train-error').textContent = `Training failed: ${m.message}`;
        setRunning('idle');
        worker?.terminate();
        worker = null;
        break;
    }
  };
  worker.onerror = (e) => {
    $('train-error').textContent = `Training worker failed: ${e.message}`;
    setRunning('idle');
  };
  send({ type: 'start', config });
  $('pause').onclick = () => send({ type: 'pause' });
  $('resume').onclick = () => send({ type: 'resume' });
  $('stop').onclick = () => {
    send({ type: 'stop' });
    $('train-status').textContent = 'Stopping after this batch…';
  };
}

function showIsolation(threads: number | null, note: string): void {
  const el = $('isolation');
  const cores = navigator.hardwareConcurrency;
  if (!crossOriginIsolated) {
    el.className = 'notice';
    el.textContent =
      note ||
      'This page is not cross-origin isolated (served without COOP same-origin and COEP require-corp), so training runs on 1 thread.';
  } else {
    el.className = note ? 'notice' : 'notice ok';
    el.textContent =
      note ||
      (threads === null
        ? `Cross-origin isolated: training can use up to ${cores} threads (this device has ${cores} logical cores).`
        : `Cross-origin isolated: training on ${threads} thread(s) of WebAssembly SIMD.`);
  }
}

export async function setUpTrainPage(useModel: (c: Classifier) => void): Promise<void> {
  onUseModel = useModel;
  $<HTMLInputElement>('threads').value = String(crossOriginIsolated ? navigator.hardwareConcurrency || 1 : 1);
  showIsolation(null, '');
  const models = $<HTMLSelectElement>('model');
  for (const p of PRESETS) {
    const o = new Option(`${p.name} — ${p.description.split(':')[0]}`, p.name);
    models.add(o);
  }
  setRunning('idle');
  $('train-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const config = readConfig();
    if (typeof config === 'string') {
      $('train-error').textContent = config;
      return;
    }
    start(config);
  });
  $('download').addEventListener('click', () => {
    if (trained === null) return;
    const url = URL.createObjectURL(
      new Blob([trained.bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }),
    );
    const a = document.createElement('a');
    a.href = url;
    a.download = trained.name;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  });
  $('use-model').addEventListener('click', () => {
    if (trained === null) return;
    onUseModel(Classifier.fromBytes(trained.bytes, trained.name));
  });
  redrawCharts();
  try {
    datasets = (await (await fetch('data/datasets.json')).json()) as DatasetEntry[];
  } catch (e) {
    $('train-error').textContent =
      `Could not read the dataset list: ${e instanceof Error ? e.message : String(e)}`;
    return;
  }
  const select = $<HTMLSelectElement>('dataset');
  for (const d of datasets) {
    const o = new Option(d.available ? d.name : `${d.name} (not available: ${d.reason})`, d.id);
    o.disabled = !d.available;
    select.add(o);
  }
  const missing = datasets.filter((d) => !d.available);
  if (missing.length > 0) {
    const p = document.createElement('p');
    p.className = 'hint';
    p.id = 'dataset-notes';
    p.textContent = missing.map((d) => `${d.name} is not available in this build: ${d.reason}`).join(' ');
    $('train-form').after(p);
  }
}
