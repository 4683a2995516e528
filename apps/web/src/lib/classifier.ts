/**
 * A loaded model and what the page shows of it. Classifying is the datasets package's
 * `classifyImage`, with the model file's own preprocessing and class names: the page and
 * `scratchnet-predict` read the same picture the same way, warnings included.
 */
import {
  type Classification,
  type DecodedImage,
  type GrayImage,
  type Preprocessing,
  classifyImage,
} from '@scratchnet/datasets';
import type { Sequential } from '@scratchnet/layers';
import { type ModelMetadata, modelFromBytes } from '@scratchnet/serialization';

/** Thrown when a model file cannot be used here; the message names the file and the problem. */
export class ModelError extends Error {
  override name = 'ModelError';
}

/** A model ready to classify pictures into its classes. */
export class Classifier {
  /** Name of each class, in output order (the file's, else `'0'`, `'1'`, …). */
  readonly classNames: readonly string[];
  private readonly preprocessing: Preprocessing;

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
    this.preprocessing = metadata.preprocessing ?? {};
  }

  /** Reads a scratchnet model file (safetensors bytes); `file` names it in errors. */
  static fromBytes(bytes: Uint8Array, file: string): Classifier {
    const { model, metadata } = modelFromBytes(bytes, file);
    return new Classifier(model, metadata, file);
  }

  /**
   * Reads the class of a picture (PNG/JPEG bytes, a decoded image or a drawing) with the model's
   * preprocessing; `file` names it in errors.
   *
   * @throws {ImageError} when the picture cannot be decoded or holds no ink.
   * @throws {ClassificationError} when the model's outputs are not probabilities.
   */
  classify(image: Uint8Array | DecodedImage | GrayImage, file = '<image>'): Classification {
    return classifyImage(
      this.model,
      image,
      { preprocessing: this.preprocessing, classNames: this.classNames },
      file,
    );
  }

  /** Test accuracy recorded in the file, as a fraction, when there is one. */
  get testAccuracy(): number | undefined {
    const a = this.metadata.training?.testAccuracy;
    return typeof a === 'number' ? a : undefined;
  }
}

/** `"<file name>: <label> (<probability> %)"`, the text of one upload's result. */
export function describeResult(file: string, c: Classification): string {
  return `${file}: ${c.label} (${formatPercent(c.confidence)} %)`;
}

/** The warnings of a result, as the page appends them to its line: `" — warning: a; b"`, or `''`. */
export function describeWarnings(c: Classification): string {
  return c.warnings.length === 0 ? '' : ` — warning: ${c.warnings.join('; ')}`;
}

/** A probability as a percentage with one decimal (`0.9731` → `"97.3"`). */
export function formatPercent(p: number): string {
  return (100 * p).toFixed(1);
}
