/**
 * The Draw page: a pad drawn with pointer events (mouse, touch, pen) whose prediction updates while
 * drawing, the 28×28 input the network sees, image uploads, and loading a model file.
 */
import { ImageError } from '@scratchnet/datasets';
import { Classifier, type Classification, describeResult, formatPercent } from './lib/classifier.js';
import { rgbaToGray } from './lib/gray.js';
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
  void reclassifyUploads();
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

function showPrediction(r: Classification): void {
  const p = r.probabilities;
  $('prediction').textContent = `${r.label} — ${formatPercent(p[r.best])} % sure`;
  const items = $('bars').children;
  for (let i = 0; i < items.length; i++) {
    const li = items[i] as HTMLElement;
    li.classList.toggle('best', i === r.best);
    (li.querySelector('.fill') as HTMLElement).style.width = `${(100 * p[i]).toFixed(1)}%`;
    (li.querySelector('.pct') as HTMLElement).textContent = `${formatPercent(p[i])} %`;
  }
  paintGray($<HTMLCanvasElement>('input28'), r.pixels28, 28, 28);
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

function predictDrawing(): void {
  if (classifier === null || !drawn) return;
  const t0 = performance.now();
  const c = pad();
  const ctx = c.getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D;
  const { data } = ctx.getImageData(0, 0, c.width, c.height);
  try {
    showPrediction(classifier.classify(rgbaToGray(c.width, c.height, data), 'drawing'));
  } catch (e) {
    // An empty or blank pad has no ink to centre: say so instead of guessing.
    if (!(e instanceof ImageError)) throw e;
    $('prediction').textContent = 'Draw a digit on the pad.';
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

interface Upload {
  name: string;
  file: File;
}
let uploads: Upload[] = [];

/** Decodes an image file with the browser's decoders into RGBA. */
async function decodeFile(file: File): Promise<{ width: number; height: number; data: Uint8ClampedArray }> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  } catch {
    throw new ImageError(file.name, 'not a PNG or JPEG image this browser can decode');
  }
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true }) as OffscreenCanvasRenderingContext2D;
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  return {
    width: canvas.width,
    height: canvas.height,
    data: ctx.getImageData(0, 0, canvas.width, canvas.height).data,
  };
}

async function classifyUpload(u: Upload): Promise<string> {
  if (classifier === null) return `${u.name}: waiting for the model`;
  try {
    const { width, height, data } = await decodeFile(u.file);
    return describeResult(u.name, classifier.classify(rgbaToGray(width, height, data), u.name));
  } catch (e) {
    if (e instanceof ImageError) return e.message;
    return `${u.name}: ${messageOf(e)}`;
  }
}

async function reclassifyUploads(): Promise<void> {
  const texts = await Promise.all(uploads.map(classifyUpload));
  $('upload-results').replaceChildren(
    ...texts.map((t) => {
      const li = document.createElement('li');
      li.textContent = t;
      return li;
    }),
  );
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
    uploads = Array.from(files ?? [], (file) => ({ name: file.name, file }));
    void reclassifyUploads();
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
    if (images.length > 0) {
      uploads = images.map((file) => ({ name: file.name, file }));
      void reclassifyUploads();
    }
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
