import { readFileSync } from 'node:fs';
import { type GrayImage, ImageError, decodeImage } from '../decode.js';
import { dilateDisc, resizeArea } from '../resize.js';

/** Side of the frame MNIST digits live in. */
export const MNIST_FRAME = 28;
/** Side of the box MNIST scaled each digit's longer side to. */
export const MNIST_BOX = 20;
/** Longest side preprocessing works at; larger pictures are first shrunk by area averaging. */
const WORK_SIZE = 160;

/** Tuning of {@link preprocessImage}; the defaults suit photos and drawings of a single digit. */
export interface PreprocessOptions {
  /**
   * `'auto'` (default): invert when the ink is darker than the paper (the median pixel), i.e. the
   * darkest pixel is further from the paper than the lightest; `true`/`false` forces it. MNIST digits
   * are light ink on black.
   */
  invert?: 'auto' | boolean;
  /** Fraction of the ink's contrast with the paper below which a pixel counts as paper (default 0.25). */
  threshold?: number;
  /** Ink blobs holding less than this fraction of the largest blob's ink are noise and dropped (default 0.05). */
  minBlobFraction?: number;
  /**
   * Strokes thinner than this many pixels in the 28×28 result are thickened (MNIST's median stroke is
   * about 2.1 px), so a fine pen on a large picture still looks like MNIST. 0 disables (default 2).
   */
  minStrokeWidth?: number;
}

/** A picture prepared the way MNIST's digits were, ready for a model trained on them. */
export interface PreprocessedImage {
  /** The network input: 784 floats [1, 28, 28] in [0, 1], light ink on black. */
  input: Float32Array;
  /** The same image as bytes (0–255), for display. */
  pixels28: Uint8Array;
  /** Width of the source picture. */
  width: number;
  /** Height of the source picture. */
  height: number;
  /** Whether the picture was inverted (dark ink on light paper). */
  inverted: boolean;
  /** The ink's bounding box in the source picture. */
  box: { x: number; y: number; width: number; height: number };
}

/**
 * Prepares a user's picture of a digit the way MNIST's were: decodes PNG/JPEG to grayscale
 * (transparency composited onto the paper), inverts dark-ink-on-light-paper, subtracts the local
 * paper level (shadows, uneven light), stretches the ink's contrast, drops paper texture below a
 * threshold and small noise blobs, crops to the ink's bounding
 * box, scales the longer side to 20 px keeping the aspect ratio (area averaging), and places the
 * result in a 28×28 frame with its centre of mass at the centre.
 *
 * @param source A file path or the image bytes.
 * @param file Names the image in errors (default: the path, or `'<image>'`).
 * @throws {ImageError} naming the file when it cannot be read or decoded, or holds no ink.
 * @example
 * ```ts
 * const { input, pixels28 } = preprocessImage('my-digit.jpg');
 * const x = Tensor.fromArray(input, [1, 1, 28, 28]);
 * ```
 */
export function preprocessImage(
  source: string | Uint8Array,
  options: PreprocessOptions = {},
  file: string = typeof source === 'string' ? source : '<image>',
): PreprocessedImage {
  let bytes: Uint8Array;
  if (typeof source === 'string') {
    try {
      bytes = readFileSync(source);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new ImageError(
        file,
        code === 'ENOENT' ? 'no such file' : `cannot read file (${code ?? (e as Error).message})`,
      );
    }
  } else {
    bytes = source;
  }
  return preprocessGray(decodeImage(bytes, file), options, file);
}

/**
 * {@link preprocessImage} for a picture already in grayscale (luminance in [0, 1], 1 = white), e.g.
 * from a drawing canvas.
 *
 * @throws {ImageError} when the picture holds no ink.
 */
export function preprocessGray(
  image: GrayImage,
  options: PreprocessOptions = {},
  file = '<image>',
): PreprocessedImage {
  const { width, height } = image;
  const threshold = options.threshold ?? 0.25;
  const minBlob = options.minBlobFraction ?? 0.05;
  const minStroke = options.minStrokeWidth ?? 2;
  if (!(threshold >= 0 && threshold < 1))
    throw new RangeError(`preprocess: threshold must be in [0, 1), got ${threshold}`);
  if (!(minBlob >= 0 && minBlob <= 1))
    throw new RangeError(`preprocess: minBlobFraction must be in [0, 1], got ${minBlob}`);
  if (!(minStroke >= 0)) throw new RangeError(`preprocess: minStrokeWidth must be ≥ 0, got ${minStroke}`);
  if (image.data.length !== width * height || image.data.length === 0) {
    throw new ImageError(file, `expected ${width}×${height} pixels, got ${image.data.length}`);
  }

  // 0. Work on at most WORK_SIZE pixels a side: a digit filling a quarter of the picture keeps 40 px,
  // twice what the result needs, and a phone photo costs no more than a drawing.
  const work = Math.min(1, WORK_SIZE / Math.max(width, height));
  const w0 = Math.max(1, Math.round(width * work));
  const h0 = Math.max(1, Math.round(height * work));
  const data = work < 1 ? resizeArea(image.data, width, height, w0, h0) : image.data;

  // 1. Polarity: the paper is the median pixel (paper covers most of a picture of one digit), the ink
  // the extreme furthest from it. Dark ink is inverted, as MNIST is light ink on black.
  const { median: paperLum, lo, hi } = levels(data);
  const inverted =
    options.invert === undefined || options.invert === 'auto'
      ? paperLum - lo > hi - paperLum
      : options.invert;

  // 2. Ink above the local paper level (photos are unevenly lit), stretched to [0, 1], zero below the
  // noise threshold. Ink is `sign · (luminance − paper)`.
  const sign = inverted ? -1 : 1;
  const ink = paperLevel(data, w0, h0, sign);
  const contrast = inkAbovePaper(data, sign, ink);
  if (!(contrast > 0.05)) {
    throw new ImageError(file, 'no ink found: the picture has no visible strokes against its background');
  }
  stretch(ink, 1 / (contrast * (1 - threshold)), threshold / (1 - threshold));

  // 3. Keep the significant blobs; their bounding box is the digit.
  const box = significantInk(ink, w0, h0, minBlob);

  // 4. Crop, then (for large pictures) shrink to an intermediate size where strokes can be thickened cheaply.
  let img = crop(ink, w0, box);
  let w = box.width;
  let h = box.height;
  const strokePx = strokeWidth(img, w, h); // in crop pixels
  const inter = MNIST_BOX * 4;
  if (Math.max(w, h) > inter) {
    const s = inter / Math.max(w, h);
    const iw = Math.max(1, Math.round(w * s));
    const ih = Math.max(1, Math.round(h * s));
    img = resizeArea(img, w, h, iw, ih);
    w = iw;
    h = ih;
  }
  const perOut = Math.max(w, h) / MNIST_BOX; // current pixels per output pixel
  const stroke = (strokePx * Math.max(w, h)) / Math.max(box.width, box.height);
  if (minStroke > 0 && stroke < minStroke * perOut) {
    const r = Math.round((minStroke * perOut - stroke) / 2);
    if (r >= 1) {
      // Strokes thinner than a pixel came out of the shrinking faint, fainter where they cross pixels
      // diagonally: bring them to full strength first (MNIST's scans were bilevel), then widen.
      saturate(img);
      ({ data: img, width: w, height: h } = dilateDisc(img, w, h, r));
    }
  }

  // 5. Longer side to 20 px, keeping the aspect ratio; ink peak back to 1 (MNIST's strokes saturate).
  const s = MNIST_BOX / Math.max(w, h);
  const bw = Math.max(1, Math.min(MNIST_BOX, Math.round(w * s)));
  const bh = Math.max(1, Math.min(MNIST_BOX, Math.round(h * s)));
  const small = resizeArea(img, w, h, bw, bh);
  let top = 0;
  for (let i = 0; i < small.length; i++) if (small[i] > top) top = small[i];
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < bh; y++) {
    for (let x = 0; x < bw; x++) {
      const v = small[y * bw + x] / top;
      small[y * bw + x] = v;
      mass += v;
      mx += v * x;
      my += v * y;
    }
  }

  // 6. Into 28×28 with the centre of mass on pixel 14 (as MNIST: its mean centre of mass is (14.0, 14.0)),
  // kept inside the frame.
  const half = MNIST_FRAME / 2;
  const ox = clamp(Math.round(half - mx / mass), 0, MNIST_FRAME - bw);
  const oy = clamp(Math.round(half - my / mass), 0, MNIST_FRAME - bh);
  const input = new Float32Array(MNIST_FRAME * MNIST_FRAME);
  const pixels28 = new Uint8Array(MNIST_FRAME * MNIST_FRAME);
  for (let y = 0; y < bh; y++) {
    for (let x = 0; x < bw; x++) {
      const v = Math.min(1, Math.max(0, small[y * bw + x]));
      const o = (y + oy) * MNIST_FRAME + x + ox;
      input[o] = v;
      pixels28[o] = Math.round(v * 255);
    }
  }
  // the ink's box in the source picture's pixels
  const x0 = Math.floor(box.x / work);
  const y0 = Math.floor(box.y / work);
  const sourceBox = {
    x: x0,
    y: y0,
    width: Math.min(width, Math.ceil((box.x + box.width) / work)) - x0,
    height: Math.min(height, Math.ceil((box.y + box.height) / work)) - y0,
  };
  return { input, pixels28, width, height, inverted, box: sourceBox };
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(Math.max(v, lo), hi);
}

/** Median (from a 4096-bin histogram: exact enough, O(n)), minimum and maximum of values in [0, 1]. */
function levels(data: Float32Array): { median: number; lo: number; hi: number } {
  const bins = 4096;
  const hist = new Uint32Array(bins);
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    const b = (v * bins) | 0;
    hist[b < 0 ? 0 : b >= bins ? bins - 1 : b]++;
  }
  const half = data.length / 2;
  let acc = 0;
  for (let b = 0; b < bins; b++) {
    acc += hist[b];
    if (acc >= half) return { median: (b + 0.5) / bins, lo, hi };
  }
  return { median: 1, lo, hi };
}

// The per-pixel loops below live in small functions of their own: on a cold start (the predict CLI
// runs them once) V8 optimises a small hot function much sooner than a loop inside a large one.

/** `paper[i] ← sign · data[i] − paper[i]` (the ink above the paper); returns the largest. */
function inkAbovePaper(data: Float32Array, sign: number, paper: Float32Array): number {
  let top = 0;
  for (let i = 0; i < data.length; i++) {
    const v = sign * data[i] - paper[i];
    paper[i] = v;
    if (v > top) top = v;
  }
  return top;
}

/** `x ← max(x · scale − offset, 0)`: ((v / contrast) − t) / (1 − t), zero below the threshold t. */
function stretch(x: Float32Array, scale: number, offset: number): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i] * scale - offset;
    // biome-ignore lint/complexity/useMathMinMax: a call per element is slow in a cold, interpreted loop
    x[i] = v > 0 ? v : 0;
  }
}

/**
 * The paper's level under each pixel, as `sign · luminance` (so ink is above it): the lowest value in
 * each block of about an eighth of the picture, then the lowest of each 3×3 blocks (so a stroke thicker
 * than a block is not taken for paper), interpolated bilinearly between block centres. Follows shadows
 * and gradients across a photographed page.
 */
function paperLevel(data: Float32Array, w: number, h: number, sign: number): Float32Array {
  const block = Math.max(8, Math.ceil(Math.max(w, h) / 8));
  const gw = Math.ceil(w / block);
  const gh = Math.ceil(h / block);
  const mins = blockMinima(data, w, h, sign, block, gw, gh);
  const grid = new Float32Array(gw * gh);
  for (let by = 0; by < gh; by++) {
    for (let bx = 0; bx < gw; bx++) {
      let m = Number.POSITIVE_INFINITY;
      for (let dy = Math.max(0, by - 1); dy <= Math.min(gh - 1, by + 1); dy++) {
        for (let dx = Math.max(0, bx - 1); dx <= Math.min(gw - 1, bx + 1); dx++)
          m = Math.min(m, mins[dy * gw + dx]);
      }
      grid[by * gw + bx] = m;
    }
  }
  return interpolateGrid(grid, gw, gh, block, w, h);
}

/** The lowest `sign · data` in each block×block tile: [gh, gw]. */
function blockMinima(
  data: Float32Array,
  w: number,
  h: number,
  sign: number,
  block: number,
  gw: number,
  gh: number,
): Float32Array {
  const mins = new Float32Array(gw * gh).fill(Number.POSITIVE_INFINITY);
  for (let y = 0; y < h; y++) {
    const row = ((y / block) | 0) * gw;
    for (let bx = 0; bx < gw; bx++) {
      const end = Math.min(w, (bx + 1) * block);
      let m = mins[row + bx];
      for (let i = y * w + bx * block, stop = y * w + end; i < stop; i++) {
        const v = sign * data[i];
        if (v < m) m = v;
      }
      mins[row + bx] = m;
    }
  }
  return mins;
}

/** Bilinear interpolation of a [gh, gw] grid of block-centre values to [h, w] pixels. */
function interpolateGrid(
  grid: Float32Array,
  gw: number,
  gh: number,
  block: number,
  w: number,
  h: number,
): Float32Array {
  const x0s = new Int32Array(w);
  const x1s = new Int32Array(w);
  const txs = new Float32Array(w);
  for (let x = 0; x < w; x++) {
    const fx = Math.min(Math.max((x + 0.5) / block - 0.5, 0), gw - 1);
    x0s[x] = Math.floor(fx);
    x1s[x] = Math.min(x0s[x] + 1, gw - 1);
    txs[x] = fx - x0s[x];
  }
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const fy = Math.min(Math.max((y + 0.5) / block - 0.5, 0), gh - 1);
    const r0 = Math.floor(fy) * gw;
    const r1 = Math.min(Math.floor(fy) + 1, gh - 1) * gw;
    interpolateRow(grid, r0, r1, fy - Math.floor(fy), x0s, x1s, txs, out, y * w);
  }
  return out;
}

function interpolateRow(
  grid: Float32Array,
  r0: number,
  r1: number,
  ty: number,
  x0s: Int32Array,
  x1s: Int32Array,
  txs: Float32Array,
  out: Float32Array,
  at: number,
): void {
  for (let x = 0; x < x0s.length; x++) {
    const a = grid[r0 + x0s[x]];
    const b = grid[r1 + x0s[x]];
    const top = a + (grid[r0 + x1s[x]] - a) * txs[x];
    const bottom = b + (grid[r1 + x1s[x]] - b) * txs[x];
    out[at + x] = top + (bottom - top) * ty;
  }
}

/**
 * Labels 8-connected blobs of non-zero `ink`, zeroes those with less than `minFraction` of the
 * largest blob's ink, and returns the bounding box of the rest.
 */
function significantInk(
  ink: Float32Array,
  width: number,
  height: number,
  minFraction: number,
): { x: number; y: number; width: number; height: number } {
  const n = ink.length;
  const label = new Int32Array(n); // 0: not yet labelled; blob ids start at 1
  const stack = new Int32Array(n);
  const masses: number[] = [0];
  const boxes: number[] = [0, 0, 0, 0]; // per blob: x0, y0, x1, y1 (inclusive)
  const box = new Int32Array(4);
  for (let start = 0; start < n; start++) {
    if (ink[start] === 0 || label[start] !== 0) continue;
    masses.push(flood(ink, label, stack, width, height, start, masses.length, box));
    boxes.push(box[0], box[1], box[2], box[3]);
  }
  let largest = 0;
  for (const m of masses) if (m > largest) largest = m;
  const keep = masses.map((m) => m >= minFraction * largest);
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let id = 1; id < masses.length; id++) {
    if (!keep[id]) continue;
    x0 = Math.min(x0, boxes[4 * id]);
    y0 = Math.min(y0, boxes[4 * id + 1]);
    x1 = Math.max(x1, boxes[4 * id + 2]);
    y1 = Math.max(y1, boxes[4 * id + 3]);
  }
  if (keep.includes(false)) for (let i = 0; i < n; i++) if (label[i] > 0 && !keep[label[i]]) ink[i] = 0;
  return { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

/** Labels the 8-connected blob of non-zero ink at `start` with `id`; returns its ink, its box in `box`. */
function flood(
  ink: Float32Array,
  label: Int32Array,
  stack: Int32Array,
  width: number,
  height: number,
  start: number,
  id: number,
  box: Int32Array,
): number {
  let mass = 0;
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  let sp = 0;
  stack[sp++] = start;
  label[start] = id;
  while (sp > 0) {
    const p = stack[--sp];
    const py = (p / width) | 0;
    const px = p - py * width;
    mass += ink[p];
    if (px < x0) x0 = px;
    if (px > x1) x1 = px;
    if (py < y0) y0 = py;
    if (py > y1) y1 = py;
    const ya = py > 0 ? py - 1 : py;
    const yb = py < height - 1 ? py + 1 : py;
    const xa = px > 0 ? px - 1 : px;
    const xb = px < width - 1 ? px + 1 : px;
    for (let qy = ya; qy <= yb; qy++) {
      for (let q = qy * width + xa, end = qy * width + xb; q <= end; q++) {
        if (ink[q] !== 0 && label[q] === 0) {
          label[q] = id;
          stack[sp++] = q;
        }
      }
    }
  }
  box[0] = x0;
  box[1] = y0;
  box[2] = x1;
  box[3] = y1;
  return mass;
}

function crop(
  src: Float32Array,
  width: number,
  box: { x: number; y: number; width: number; height: number },
): Float32Array {
  const out = new Float32Array(box.width * box.height);
  for (let y = 0; y < box.height; y++) {
    const row = (box.y + y) * width + box.x;
    out.set(src.subarray(row, row + box.width), y * box.width);
  }
  return out;
}

/** Scales the ink so its median non-zero value becomes 1 (clipping above): strokes at full strength. */
function saturate(img: Float32Array): void {
  const values = img.filter((v) => v > 0).sort();
  if (values.length === 0) return;
  const level = values[values.length >> 1];
  for (let i = 0; i < img.length; i++) img[i] = Math.min(1, img[i] / level);
}

/** Mean stroke width of the ink ≈ 2·area / boundary length (a long stroke has two edges). */
function strokeWidth(img: Float32Array, w: number, h: number): number {
  let area = 0;
  let boundary = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0, i = y * w; x < w; x++, i++) {
      if (img[i] <= 0) continue;
      area++;
      // a boundary pixel has a 4-neighbour that is paper or outside the crop
      if (x === 0 || x === w - 1 || y === 0 || y === h - 1) boundary++;
      else if (img[i - 1] <= 0 || img[i + 1] <= 0 || img[i - w] <= 0 || img[i + w] <= 0) boundary++;
    }
  }
  return boundary === 0 ? 0 : (2 * area) / boundary;
}
