/**
 * A loaded model and what it needs to classify a picture: its class names and input normalisation
 * (from the model file's metadata), and the datasets package's MNIST-style preprocessing, so the page
 * and `scratchnet-predict` see the same 28×28 input for the same picture.
 */
import { type GrayImage, type PreprocessedImage, preprocessGray } from '@scratchnet/datasets';
import type { Sequential } from '@scratchnet/layers';
import { type ModelMetadata, modelFromBytes } from '@scratchnet/serialization';
import { Tensor } from '@scratchnet/tensor';

/** One picture's prediction. */
export interface Classification {
  /** Index of the most likely class. */
  best: number;
  /** Its label. */
  label: string;
  /** Softmax probability of every class, in output order. */
  probabilities: number[];
  /** The 28×28 input the network saw, as bytes (light ink on black). */
  pixels28: Uint8Array;
}

/** Thrown when a model file cannot be used here; the message names the file and the problem. */
export class ModelError extends Error {
  override name = 'ModelError';
}

/** The input normalisation recorded in a model's metadata (`preprocessing.normalization`), or none. */
export function normalizationOf(metadata: ModelMetadata): { mean: number; std: number } {
  const n = metadata.preprocessing?.normalization;
  if (n !== null && typeof n === 'object' && !Array.isArray(n)) {
    const { mean, std } = n;
    if (typeof mean === 'number' && typeof std === 'number' && std > 0) return { mean, std };
  }
  return { mean: 0, std: 1 };
}

/** A model ready to classify 28×28 grayscale pictures. */
export class Classifier {
  readonly classNames: readonly string[];
  private readonly mean: number;
  private readonly std: number;
  private readonly x: Tensor;

  private constructor(
    readonly model: Sequential,
    readonly metadata: ModelMetadata,
    /** Where the model came from (a file name), for display. */
    readonly source: string,
  ) {
    const size = model.inputShape.reduce((a, b) => a * b, 1);
    const out = model.outputShape;
    if (size !== 28 * 28 || out.length !== 1) {
      throw new ModelError(
        `${source}: incompatible model: it maps [${model.inputShape.join(', ')}] to [${out.join(', ')}], ` +
          'this page needs 28×28 grayscale images ([1, 28, 28]) to class scores ([classes])',
      );
    }
    const k = out[0];
    this.classNames =
      metadata.classNames?.length === k
        ? metadata.classNames
        : Array.from({ length: k }, (_, i) => String(i));
    ({ mean: this.mean, std: this.std } = normalizationOf(metadata));
    this.x = new Tensor([1, ...model.inputShape]);
  }

  /** Reads a scratchnet model file (safetensors bytes); `file` names it in errors. */
  static fromBytes(bytes: Uint8Array, file: string): Classifier {
    const { model, metadata } = modelFromBytes(bytes, file);
    return new Classifier(model, metadata, file);
  }

  /** Prepares `image` like the CLI does (crop, scale to 20×20, centre in 28×28) and classifies it. */
  classify(image: GrayImage, file = '<image>'): Classification {
    return this.classifyPrepared(preprocessGray(image, {}, file));
  }

  /** Classifies an already prepared 28×28 input. */
  classifyPrepared(prepared: PreprocessedImage): Classification {
    // x: [1, 1, 28, 28]
    const xd = this.x.data;
    for (let j = 0; j < 784; j++) xd[j] = (prepared.input[j] - this.mean) / this.std;
    const probabilities = Array.from(this.model.predict(this.x, { batchSize: 1 }).data);
    let best = 0;
    for (let c = 1; c < probabilities.length; c++) if (probabilities[c] > probabilities[best]) best = c;
    return { best, label: this.classNames[best], probabilities, pixels28: prepared.pixels28 };
  }

  /** Test accuracy recorded in the file, as a fraction, when there is one. */
  get testAccuracy(): number | undefined {
    const a = this.metadata.training?.testAccuracy;
    return typeof a === 'number' ? a : undefined;
  }
}

/** `"<file name>: <label> (<probability> %)"`, the text of one upload's result. */
export function describeResult(file: string, c: Classification): string {
  return `${file}: ${c.label} (${formatPercent(c.probabilities[c.best])} %)`;
}

/** A probability as a percentage with one decimal (`0.9731` → `"97.3"`). */
export function formatPercent(p: number): string {
  return (100 * p).toFixed(1);
}
