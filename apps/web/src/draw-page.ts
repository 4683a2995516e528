/**
 * The Draw page: a pad drawn with pointer events (mouse, touch, pen) whose prediction updates while
 * drawing, the 28×28 input the network sees, image uploads, and loading a model file.
 */
import {
  type Classification,
  ClassificationError,
  type DecodedImage,
  type GrayImage,
  ImageError,
  decodeImage,
} from '@scratchnet/datasets';
import { Classifier, describeResult, describeWarnings, formatPercent } from './lib/classifier.js';
import { paintGray } from './lib/render.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** Timings the end-to-end tests read (and the README reports). */
export interface PageStats {
  /** ms from navigation start until the default model was ready. */
  modelReadyMs?: number;
  /** ms from navigation start until the first prediction was shown. */
  firstPredictionMs?: number;
  /** ms of each prediction while drawing (preprocessing + forward pass + display). */
  predictionMs: number[];
}
export const stats: PageStats = { predictionMs: [] };

let classifier: Classifier | null = null;
let drawn = false;

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Makes `c` the model of the Draw page and re-runs the current drawing and uploads through it. */
export function useClassifier(c: Classifier): void {
  classifier = c;
  const acc = c.testAccuracy;
  const info = c.metadata.training;
  const parts = [
    `${c.source}`,
    `${c.classNames.length} classes (${c.classNames.slice(0, 3).join(', ')}…)`,
    `${c.model.countParameters().toLocaleString('en')} parameters`,
  ];
  if (typeof info?.model === 'string') parts.push(`preset ${info.model}`);
  if (acc !== undefined) parts.push(`test accuracy ${formatPercent(acc)} %`);
  $('model-info').textContent = parts.join(' · ');
  $('model-error').textContent = '';
  buildBars(c.classNames);
  if (drawn) predictDrawing();
  else $('prediction').textContent = 'Draw a digit on the pad.';
  reclassifyUploads();
}

function buildBars(names: readonly string[]): void {
  const list = $('bars');
  list.replaceChildren(
    ...names.map((name) => {
      const li = document.createElement('li');
      li.innerHTML =
        '<span class="name"></span><span class="track"><span class="fill"></span></span><span class="pct"></span>';
      (li.querySelector('.name') as HTMLElement).textContent = name;
      (li.querySelector('.fill') as HTMLElement).style.width = '0%';
      return li;
    }),
  );
}

/** Fills `el` with `text` followed by the result's warnings, if any, set apart in a span. */
function showWithWarnings(el: HTMLElement, text: string, r: Classification): void {
  el.textContent = text;
  const warnings = describeWarnings(r);
  if (warnings === '') return;
  const span = document.createElement('span');
  span.className = 'warning';
  span.textContent = warnings;
  el.append(span);
}

function showPrediction(r: Classification): void {
  const p = r.probabilities;
  showWithWarnings($('prediction'), `${r.label} — ${formatPercent(r.confidence)} % sure`, r);
  const items = $('bars').children;
  for (let i = 0; i < items.length; i++) {
    const li = items[i] as HTMLElement;
    li.classList.toggle('best', i === r.prediction);
    (li.querySelector('.fill') as HTMLElement).style.width = `${(100 * p[i]).toFixed(1)}%`;
    (li.querySelector('.pct') as HTMLElement).textContent = `${formatPercent(p[i])} %`;
  }
  paintGray($<HTMLCanvasElement>('input28'), r.image.pixels28, 28, 28);
}

// ---- the drawing pad ----

const pad = () => $<HTMLCanvasElement>('pad');

function clearPad(): void {
  const ctx = pad().getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, pad().width, pad().height);
  drawn = false;
  $('prediction').textContent = classifier ? 'Draw a digit on the pad.' : 'Loading the model…';
  for (const fill of $('bars').querySelectorAll<HTMLElement>('.fill')) fill.style.width = '0%';
  for (const pct of $('bars').querySelectorAll<HTMLElement>('.pct')) pct.textContent = '';
  for (const li of $('bars').children) li.classList.remove('best');
  paintGray($<HTMLCanvasElement>('input28'), new Uint8Array(784), 28, 28);
}

/**
 * The pad as a grayscale picture. The pad is opaque white with black strokes (grey where they are
 * anti-aliased), so every RGBA channel already holds the luminance: no colour conversion or
 * compositing is needed, only the red channel scaled to [0, 1].
 */
function padImage(): GrayImage {
  const c = pad();
  const ctx = c.getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D;
  const { data } = ctx.getImageData(0, 0, c.width, c.height);
  const gray = new Float32Array(c.width * c.height);
  for (let i = 0; i < gray.length; i++) gray[i] = data[4 * i] / 255;
  return { width: c.width, height: c.height, data: gray };
}

function predictDrawing(): void {
  if (classifier === null || !drawn) return;
  const t0 = performance.now();
  try {
    showPrediction(classifier.classify(padImage(), 'drawing'));
  } catch (e) {
    // An empty or blank pad has no ink to centre: say so instead of guessing.
    if (e instanceof ImageError) $('prediction').textContent = 'Draw a digit on the pad.';
    else if (e instanceof ClassificationError)
      $('prediction').textContent = `${classifier.source}: ${e.message}`;
    else throw e;
    return;
  }
  const dt = performance.now() - t0;
  stats.predictionMs.push(dt);
  stats.firstPredictionMs ??= performance.now();
}

let scheduled = false;
/** At most one prediction per animation frame while the pointer moves. */
function schedulePrediction(): void {
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(() => {
    scheduled = false;
    predictDrawing();
  });
}

function setUpPad(): void {
  const c = pad();
  const ctx = c.getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D;
  let last: { x: number; y: number } | null = null;
  const at = (e: PointerEvent) => {
    const r = c.getBoundingClientRect();
    return { x: ((e.clientX - r.left) * c.width) / r.width, y: ((e.clientY - r.top) * c.height) / r.height };
  };
  const stroke = (e: PointerEvent) => {
    const p = at(e);
    // Pens report pressure; mouse and touch a constant 0.5.
    const pressure = e.pointerType === 'pen' && e.pressure > 0 ? e.pressure : 0.5;
    ctx.strokeStyle = '#000000';
    ctx.fillStyle = '#000000';
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.lineWidth = 12 + 16 * pressure;
    ctx.beginPath();
    if (last === null) {
      ctx.arc(p.x, p.y, ctx.lineWidth / 2, 0, 2 * Math.PI);
      ctx.fill();
    } else {
      ctx.moveTo(last.x, last.y);
      ctx.lineTo(p.x, p.y);
      ctx.stroke();
    }
    last = p;
    drawn = true;
    schedulePrediction();
  };
  c.addEventListener('pointerdown', (e) => {
    c.setPointerCapture(e.pointerId);
    last = null;
    stroke(e);
  });
  c.addEventListener('pointermove', (e) => {
    if (e.buttons === 0 && e.pointerType === 'mouse') return;
    if (!c.hasPointerCapture(e.pointerId)) return;
    for (const ev of e.getCoalescedEvents?.() ?? [e]) stroke(ev);
  });
  const end = () => {
    last = null;
  };
  c.addEventListener('pointerup', end);
  c.addEventListener('pointercancel', end);
  c.addEventListener('keydown', (e) => {
    if (e.key === 'Delete' || e.key === 'Backspace' || e.key === 'Escape') clearPad();
  });
  $('clear').addEventListener('click', clearPad);
  clearPad();
}

// ---- uploads ----

/** An uploaded picture, decoded once (or why it could not be), read again by every new model. */
interface Upload {
  name: string;
  image: DecodedImage | null;
  error: string;
}
let uploads: Upload[] = [];

/** Decodes an image file the way the CLI does: the datasets package's PNG/JPEG decoder and errors. */
async function readUpload(file: File): Promise<Upload> {
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    return { name: file.name, image: decodeImage(bytes, file.name), error: '' };
  } catch (e) {
    const error = e instanceof ImageError ? e.message : `${file.name}: ${messageOf(e)}`;
    return { name: file.name, image: null, error };
  }
}

function uploadItem(u: Upload): HTMLLIElement {
  const li = document.createElement('li');
  if (u.image === null) li.textContent = u.error;
  else if (classifier === null) li.textContent = `${u.name}: waiting for the model`;
  else {
    try {
      const r = classifier.classify(u.image, u.name);
      showWithWarnings(li, describeResult(u.name, r), r);
    } catch (e) {
      li.textContent = e instanceof ImageError ? e.message : `${u.name}: ${messageOf(e)}`;
    }
  }
  return li;
}

function reclassifyUploads(): void {
  $('upload-results').replaceChildren(...uploads.map(uploadItem));
}

let uploadGeneration = 0;
async function setUploads(files: readonly File[]): Promise<void> {
  const generation = ++uploadGeneration;
  const read = await Promise.all(files.map(readUpload));
  // A later upload, read faster, has replaced this one.
  if (generation !== uploadGeneration) return;
  uploads = read;
  reclassifyUploads();
}

// ---- model files ----

async function loadModelFile(file: File): Promise<void> {
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    useClassifier(Classifier.fromBytes(bytes, file.name));
  } catch (e) {
    $('model-error').textContent = `Could not load ${file.name}: ${messageOf(e)}`;
  }
}

function setUpFiles(): void {
  $<HTMLInputElement>('upload').addEventListener('change', (e) => {
    const files = (e.target as HTMLInputElement).files;
    void setUploads(Array.from(files ?? []));
  });
  $<HTMLInputElement>('model-file').addEventListener('change', (e) => {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (file) void loadModelFile(file);
  });
  document.addEventListener('dragover', (e) => {
    if (e.dataTransfer?.types.includes('Files')) e.preventDefault();
  });
  document.addEventListener('drop', (e) => {
    const files = Array.from(e.dataTransfer?.files ?? []);
    if (files.length === 0) return;
    e.preventDefault();
    const models = files.filter((f) => f.name.endsWith('.safetensors'));
    const images = files.filter((f) => !f.name.endsWith('.safetensors'));
    if (models.length > 0) void loadModelFile(models[0]);
    if (images.length > 0) void setUploads(images);
  });
}

/** Loads the pretrained model shipped with the page. */
async function loadDefaultModel(): Promise<void> {
  const url = 'models/mnist.safetensors';
  try {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const c = Classifier.fromBytes(new Uint8Array(await res.arrayBuffer()), 'pretrained MNIST model');
    stats.modelReadyMs = performance.now();
    if (classifier === null) useClassifier(c);
  } catch (e) {
    $('model-info').textContent = 'No model loaded.';
    $('model-error').textContent = `Could not load the pretrained model (${url}): ${messageOf(e)}`;
  }
}

export function setUpDrawPage(): void {
  setUpPad();
  setUpFiles();
  void loadDefaultModel();
}
