/**
 * Reading the digit in pictures with a model, the one way the CLI and the web app do it: the
 * model's own preprocessing, one forward pass, probabilities, a ranking, and honest warnings.
 */
import { Tensor } from '@scratchnet/tensor';
import type { DecodedImage, GrayImage } from '../decode.js';
import { type PreprocessedImage, preprocessImage } from '../preprocess.js';
import { type Preprocessing, PreprocessingError, preprocessOptionsOf } from './spec.js';

/** Anything that maps a batch of inputs x [N, 1, 28, 28] to class scores [N, K] (a `Sequential`). */
export interface Classifier {
  predict(x: Tensor): Tensor;
}

/** Options of {@link classifyImage}. */
export interface ClassifyOptions {
  /** The model's preprocessing (its file's `metadata.preprocessing`); default `{ kind: 'mnist' }`. */
  preprocessing?: Preprocessing;
  /** Name of each class, in output order (default `'0'`, `'1'`, …). */
  classNames?: readonly string[];
  /** Classes listed in `ranking`, most likely first (default 3). */
  top?: number;
  /** A top probability below this is reported as a warning (default 0.5). */
  minConfidence?: number;
}

/** One class in a {@link Classification}'s ranking. */
export interface RankedClass {
  /** Output index. */
  index: number;
  /** Its name. */
  label: string;
  /** Its probability. */
  probability: number;
}

/** What a model read in one picture. */
export interface Classification {
  /** Index of the most likely class. */
  prediction: number;
  /** Its name. */
  label: string;
  /** Its probability. */
  confidence: number;
  /** One probability per class, in output order (finite, summing to 1). */
  probabilities: number[];
  /** The `top` most likely classes, most likely first. */
  ranking: RankedClass[];
  /** The prepared picture: the 28×28 input (`input`, `pixels28`), the ink mask and the crop. */
  image: PreprocessedImage;
  /** Reasons to doubt the answer, one sentence each (empty when none). */
  warnings: string[];
}

/** Thrown when a model's output cannot be read as class probabilities (NaN, infinity, wrong shape). */
export class ClassificationError extends Error {
  override name = 'ClassificationError';
}

/**
 * Reads the class of one picture: prepares it with the model's preprocessing and runs the model.
 *
 * @param image PNG/JPEG bytes, or a decoded or drawn grayscale picture.
 * @param file Names the picture in errors.
 * @throws {ImageError} when the picture cannot be decoded or holds no ink.
 * @throws {ClassificationError} when the model's outputs are not probabilities.
 * @example
 * ```ts
 * const { model, metadata } = modelFromBytes(modelBytes);
 * const r = classifyImage(model, pngBytes, { preprocessing: metadata.preprocessing, classNames: metadata.classNames });
 * console.log(r.label, r.confidence, r.warnings);
 * ```
 */
export function classifyImage(
  model: Classifier,
  image: Uint8Array | DecodedImage | GrayImage,
  options: ClassifyOptions = {},
  file = '<image>',
): Classification {
  return classifyPrepared(model, [prepareImage(image, options.preprocessing, file)], options)[0];
}

/**
 * Prepares a picture with a model's preprocessing (default `{ kind: 'mnist' }`).
 *
 * @throws {ImageError} when the picture cannot be decoded or holds no ink.
 */
export function prepareImage(
  image: Uint8Array | DecodedImage | GrayImage,
  preprocessing: Preprocessing = {},
  file = '<image>',
): PreprocessedImage {
  return preprocessImage(image, preprocessOptionsOf(preprocessing), file);
}

/** `(byte · scale − mean) / std` of every pixel of prepared pictures: x [N, 1, 28, 28]. */
function networkInput(images: readonly PreprocessedImage[], p: Preprocessing): Tensor {
  const scale = (p.scale ?? 1 / 255) * 255; // the input is in [0, 1]: bytes / 255
  const mean = p.normalization?.mean ?? 0;
  const std = p.normalization?.std ?? 1;
  if (!(std > 0) || !(scale > 0)) {
    throw new PreprocessingError(`preprocessing needs scale > 0 and normalization.std > 0`);
  }
  const x = new Tensor([images.length, 1, 28, 28]);
  const xd = x.data;
  images.forEach((img, n) => {
    for (let j = 0; j < 784; j++) xd[n * 784 + j] = (img.input[j] * scale - mean) / std;
  });
  return x;
}

/** Probabilities from a row of outputs: as they are when they already are some, else their softmax. */
function probabilitiesOf(row: Float32Array): number[] {
  let sum = 0;
  let negative = false;
  for (const v of row) {
    if (!Number.isFinite(v)) {
      throw new ClassificationError(
        "the model's outputs are not finite numbers (NaN or infinity): its weights are broken",
      );
    }
    sum += v;
    if (v < 0) negative = true;
  }
  if (!negative && Math.abs(sum - 1) < 1e-3) return Array.from(row);
  let top = Number.NEGATIVE_INFINITY;
  for (const v of row) if (v > top) top = v;
  const e = Array.from(row, (v) => Math.exp(v - top));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / z);
}

/**
 * {@link classifyImage} for pictures already prepared ({@link prepareImage}), all in one forward pass.
 *
 * @throws {ClassificationError} when the model's outputs are not probabilities.
 */
export function classifyPrepared(
  model: Classifier,
  images: readonly PreprocessedImage[],
  options: ClassifyOptions = {},
): Classification[] {
  if (images.length === 0) return [];
  const p = options.preprocessing ?? {};
  const top = options.top ?? 3;
  const minConfidence = options.minConfidence ?? 0.5;
  if (!(Number.isInteger(top) && top >= 1))
    throw new RangeError(`classify: top must be a positive integer, got ${top}`);
  if (p.input !== undefined && p.input.join(',') !== '1,28,28') {
    throw new ClassificationError(
      `the model takes [${p.input.join(', ')}] inputs; MNIST-style preprocessing makes [1, 28, 28]`,
    );
  }
  const out = model.predict(networkInput(images, p));
  const [n, k] = out.shape;
  if (out.shape.length !== 2 || n !== images.length || !(k >= 1)) {
    throw new ClassificationError(
      `the model returned [${out.shape.join(', ')}] for ${images.length} pictures: expected [${images.length}, classes]`,
    );
  }
  const names = options.classNames?.length === k ? options.classNames : undefined;
  const label = (i: number) => names?.[i] ?? String(i);
  return images.map((image, i) => {
    const probabilities = probabilitiesOf(out.data.subarray(i * k, (i + 1) * k));
    const order = probabilities.map((_, c) => c).sort((a, b) => probabilities[b] - probabilities[a] || a - b);
    const best = order[0];
    const warnings: string[] = [];
    if (probabilities[best] < minConfidence) {
      warnings.push(
        `low confidence: ${label(best)} has only ${(100 * probabilities[best]).toFixed(1)}% (below ${(100 * minConfidence).toFixed(0)}%)`,
      );
    }
    if (image.touchesBorder) warnings.push("the ink touches the picture's border: the digit may be cut off");
    if (image.candidates > 1) {
      warnings.push(
        `${image.candidates} separate marks look like digits: read the largest, most central one`,
      );
    }
    return {
      prediction: best,
      label: label(best),
      confidence: probabilities[best],
      probabilities,
      ranking: order.slice(0, top).map((c) => ({ index: c, label: label(c), probability: probabilities[c] })),
      image,
      warnings,
    };
  });
}
