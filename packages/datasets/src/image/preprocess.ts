/**
 * MNIST-style preprocessing of a user's picture of a digit, in small steps (./preprocess/): analysis
 * on a shrunken copy, flattening of uneven light, ruled-line removal, choice of the digit's blobs,
 * then MNIST's own crop, 20 px box and centre of mass. Browser-safe: bytes or pixels in, pixels out.
 */
import { type DecodedImage, type GrayImage, ImageError } from './decode.js';
import type { Component } from './preprocess/components.js';
import { MNIST_BOX, MNIST_FRAME, mnistFrame, thicken } from './preprocess/frame.js';
import { inkOf, paperRadius } from './preprocess/illumination.js';
import { complement, cropInk, strokeLevel } from './preprocess/ink.js';
import { darkInk } from './preprocess/levels.js';
import { type RuledLine, findRuledLines, removeRuledLines } from './preprocess/lines.js';
import { type Box, type Selection, selectDigit } from './preprocess/select.js';
import { blobMask } from './preprocess/shadows.js';
import { type Shrunk, decodeShrunk, shrinkToFit } from './resample.js';

export { MNIST_BOX, MNIST_FRAME };

/** Longest side the analysis works at; larger pictures are first shrunk by area averaging. */
const WORK_SIZE = 160;

/** Tuning of {@link preprocessImage}; the defaults suit photos and drawings of a single digit. */
export interface PreprocessOptions {
  /**
   * `'auto'` (default): invert when the ink is darker than the paper (the median pixel), i.e. the
   * darkest pixel is further from the paper than the lightest; `true`/`false` forces it. MNIST digits
   * are light ink on black.
   */
  invert?: 'auto' | boolean;
  /** Fraction of the strokes' contrast with the paper below which a pixel counts as paper (default 0.25). */
  threshold?: number;
  /** Ink blobs holding less than this fraction of the digit's main blob are noise and dropped (default 0.05). */
  minBlobFraction?: number;
  /**
   * Strokes thinner than this many pixels in the 28×28 result are thickened (MNIST's median stroke is
   * about 2.1 px), so a fine pen on a large picture still looks like MNIST. 0 disables (default 2).
   */
  minStrokeWidth?: number;
}

/** Where the ink was found, at the analysis size: for showing what preprocessing saw. */
export interface InkMask {
  width: number;
  height: number;
  /** Per pixel: 0 paper, 1 ink that is not the digit (border, lines, specks, other marks), 2 the digit. */
  data: Uint8Array;
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
  /** The digit's bounding box in the source picture. */
  box: { x: number; y: number; width: number; height: number };
  /** The ink found, at the analysis size (the source shrunk to at most 200 px a side). */
  mask: InkMask;
  /** The crop the 28×28 input was made from: the digit's ink, light on black, at the analysis size. */
  crop: GrayImage;
  /** Whether the digit's ink reaches the picture's border (it may be cut off, or not be a digit). */
  touchesBorder: boolean;
  /** Separate digit-sized groups of ink found; more than 1 means the choice may be wrong. */
  candidates: number;
  /** Ruled lines found and removed. */
  ruledLines: number;
}

/**
 * Prepares a user's picture of a digit the way MNIST's were: decodes PNG/JPEG bytes to grayscale
 * (transparency composited onto the paper) unless given pixels, then {@link preprocessGray}.
 *
 * @param source The image bytes, or a picture already decoded ({@link decodeImage}) or drawn.
 * @param file Names the image in errors (default `'<image>'`).
 * @throws {ImageError} naming the file when it cannot be decoded, or holds no ink.
 * @example
 * ```ts
 * const { input, pixels28 } = preprocessImage(bytes, {}, 'my-digit.jpg');
 * const x = Tensor.fromArray(input, [1, 1, 28, 28]);
 * ```
 */
export function preprocessImage(
  source: Uint8Array | DecodedImage | GrayImage,
  options: PreprocessOptions = {},
  file = '<image>',
): PreprocessedImage {
  if (!(source instanceof Uint8Array)) return preprocessGray(source, options, file);
  // Decoded and shrunk in one step: a program may then keep the full-size picture out of fresh arrays.
  const shrunk = decodeShrunk(source, file, WORK_SIZE);
  return preprocessShrunk(shrunk, checkOptions(options), options.invert, file, true);
}

function checkOptions(options: PreprocessOptions): Required<Omit<PreprocessOptions, 'invert'>> {
  const threshold = options.threshold ?? 0.25;
  const minBlobFraction = options.minBlobFraction ?? 0.05;
  const minStrokeWidth = options.minStrokeWidth ?? 2;
  if (!(threshold >= 0 && threshold < 1))
    throw new RangeError(`preprocess: threshold must be in [0, 1), got ${threshold}`);
  if (!(minBlobFraction >= 0 && minBlobFraction <= 1))
    throw new RangeError(`preprocess: minBlobFraction must be in [0, 1], got ${minBlobFraction}`);
  if (!(minStrokeWidth >= 0))
    throw new RangeError(`preprocess: minStrokeWidth must be ≥ 0, got ${minStrokeWidth}`);
  return { threshold, minBlobFraction, minStrokeWidth };
}

/**
 * {@link preprocessImage} for a picture already in grayscale (luminance in [0, 1], 1 = white), e.g.
 * from a drawing canvas. Steps:
 * 1. shrink to at most 200 px a side (a 12-megapixel photo costs no more than a drawing);
 * 2. polarity: dark ink on light paper is inverted (MNIST is light ink on black);
 * 3. flatten the light: the paper's brightness is estimated at a large scale (a morphological
 *    closing) and ink measured as the fraction by which a pixel is darker than its paper;
 * 4. remove ruled lines (long, thin, straight, parallel);
 * 5. threshold, clear shadows narrower than the paper estimate's window (wide, solid and weaker
 *    than the pen), label blobs of ink; keep the digit's (not the ones touching the border unless
 *    nothing else is left, the most massive and central, with the strokes near it);
 * 6. crop, thicken a fine pen, scale into 20×20 and centre by mass in 28×28.
 *
 * @throws {ImageError} when the picture holds no ink.
 */
export function preprocessGray(
  image: GrayImage,
  options: PreprocessOptions = {},
  file = '<image>',
): PreprocessedImage {
  const { width, height } = image;
  const checked = checkOptions(options);
  if (image.data.length !== width * height || image.data.length === 0) {
    throw new ImageError(file, `expected ${width}×${height} pixels, got ${image.data.length}`);
  }
  // 1. The analysis size.
  const shrunk = shrinkToFit(image, WORK_SIZE);
  return preprocessShrunk(shrunk, checked, options.invert, file, shrunk.lum !== image.data);
}

/**
 * Steps 2–6 of {@link preprocessGray}, on the picture at the analysis size; `ownsLum`: whether
 * `shrunk.lum` is this call's own array (not the caller's pixels), free to be written over.
 */
function preprocessShrunk(
  shrunk: Shrunk,
  options: Required<Omit<PreprocessOptions, 'invert'>>,
  invert: PreprocessOptions['invert'],
  file: string,
  ownsLum: boolean,
): PreprocessedImage {
  const { width, height, work, w, h, lum } = shrunk;
  const { threshold, minBlobFraction, minStrokeWidth } = options;

  // 2. Polarity; `light` has the paper bright whatever the picture's polarity.
  const inverted = invert === undefined || invert === 'auto' ? darkInk(lum) : invert;
  const light = inverted ? lum : complement(lum);

  // 3–5. Ink, ruled lines, blobs, the digit; again with a wider paper window when the digit's strokes
  // were nearly as wide as the window (a fat marker, a digit filling the picture): their insides
  // would otherwise pass for paper. The second pass is the picture's last use: its ink may go over
  // it when it is this call's own array (one fresh array less).
  const radius = paperRadius(w, h);
  let found = findDigit(light, w, h, radius, threshold, minBlobFraction, file, false);
  const stroke = strokeWidthOfDigit(found);
  if (3 * stroke > 2 * radius + 1) {
    const last = ownsLum || !inverted;
    const r2 = Math.ceil(2 * stroke);
    const wider = findDigit(light, w, h, r2, threshold, minBlobFraction, file, last);
    if (strokeWidthOfDigit(wider) > stroke) found = wider;
  }
  const { ink, level, lines, selection, mask } = found;
  const { box } = selection;

  // 6. The digit's ink stretched so the threshold is 0 and the strokes' level 1, cropped, framed.
  const crop = cropInk(ink, mask, w, box, 1 / (level * (1 - threshold)), threshold / (1 - threshold));
  const thick = thicken(crop, box.width, box.height, minStrokeWidth);
  const { input, pixels28 } = mnistFrame(thick.data, thick.width, thick.height);

  return {
    input,
    pixels28,
    width,
    height,
    inverted,
    box: sourceBox(box, work, width, height),
    mask: { width: w, height: h, data: mask },
    crop: { width: box.width, height: box.height, data: crop },
    touchesBorder: selection.touchesBorder,
    candidates: selection.candidates,
    ruledLines: lines.length,
  };
}

/** The ink and the digit found in `light` with a paper window of radius `radius`. */
interface Found {
  ink: Float32Array;
  level: number;
  lines: RuledLine[];
  selection: Selection;
  /** 0 paper, 1 other ink, 2 the digit. */
  mask: Uint8Array;
  components: Component[];
}

/** Steps 3–5 of {@link preprocessGray}; `lastUse`: the ink may be written over `light`. */
function findDigit(
  light: Float32Array,
  w: number,
  h: number,
  radius: number,
  threshold: number,
  minBlobFraction: number,
  file: string,
  lastUse: boolean,
): Found {
  // 3. Ink against the local paper; the strokes' level is a high percentile (robust to noise).
  const ink = inkOf(light, w, h, radius, lastUse ? light : undefined);
  const level = strokeLevel(ink);
  if (!(level > 0.05)) {
    throw new ImageError(file, 'no ink found: the picture has no visible strokes against its background');
  }
  // 4. Ruled lines.
  const lines = findRuledLines(ink, w, h, level);
  removeRuledLines(ink, w, h, lines);
  // 5. Blobs above the threshold; the digit's (the ones that reach half the strokes' level somewhere
  // start it: faint texture and halos do not).
  const rho = Math.max(2, Math.round(0.02 * Math.max(w, h)));
  const chosen: { selection?: Selection } = {};
  const blobs = blobMask(ink, w, h, threshold * level, level, rho, (components) => {
    const selection = selectDigit(components, w, h, minBlobFraction, (c) => c.peak >= 0.5 * level);
    if (selection === undefined) return undefined;
    chosen.selection = selection;
    // Per label: 2 for the digit's blobs, 1 for other ink (a table, not a Set lookup per pixel).
    const kind = new Uint8Array(components.length + 1).fill(1);
    kind[0] = 0;
    for (const id of selection.keep) kind[id] = 2;
    return kind;
  });
  const { selection } = chosen;
  if (blobs === undefined || selection === undefined) {
    throw new ImageError(file, 'no ink found: the picture has no visible strokes against its background');
  }
  const { components, mask } = blobs;
  return { ink, level, lines, selection, mask, components };
}

/** Mean stroke width of the digit's blobs, 2·area / boundary. */
function strokeWidthOfDigit(found: Found): number {
  let area = 0;
  let boundary = 0;
  for (const c of found.components) {
    if (!found.selection.keep.has(c.id)) continue;
    area += c.area;
    boundary += c.boundary;
  }
  return boundary === 0 ? 0 : (2 * area) / boundary;
}

/** A box at the analysis size in the source picture's pixels. */
function sourceBox(box: Box, work: number, width: number, height: number): Box {
  const x0 = Math.floor(box.x / work);
  const y0 = Math.floor(box.y / work);
  return {
    x: x0,
    y: y0,
    width: Math.min(width, Math.ceil((box.x + box.width) / work)) - x0,
    height: Math.min(height, Math.ceil((box.y + box.height) / work)) - y0,
  };
}
