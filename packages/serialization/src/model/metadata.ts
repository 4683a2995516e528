/**
 * The `__metadata__` of scratchnet model and checkpoint files: a string→string map (safetensors allows
 * nothing else), with structured values stored as JSON strings. Everything read back is validated:
 * it is data, never code.
 */
import { type Preprocessing, PreprocessingError, parsePreprocessing } from '@scratchnet/datasets';
import type { JsonValue, ModelConfig } from '@scratchnet/layers';
import { SerializationError, messageOf, shown } from '../errors.js';

/** `__metadata__.format` of every file this package writes. */
export const FORMAT_NAME = 'scratchnet';
/** The format version written; files with a higher version are refused. */
export const FORMAT_VERSION = 1;

/**
 * What was done to an image before it reached the network, so predictions can do the same: the
 * typed, validated record of `@scratchnet/datasets` (unknown or mistyped fields are errors).
 */
export type { Preprocessing };

/** How the model was trained. All fields optional; extra JSON fields are kept. */
export interface TrainingSummary {
  /** Dataset name, such as `'mnist'` or `'fashion-mnist'`. */
  dataset?: string;
  /** Epochs trained. */
  epochs?: number;
  /** Accuracy on the test set, as a fraction in [0, 1]. */
  testAccuracy?: number;
  [key: string]: JsonValue | undefined;
}

/** Descriptive metadata stored with a model (all optional). */
export interface ModelMetadata {
  /** Label of each output class, in output order (`['0', '1', …]`, `['T-shirt/top', …]`). */
  classNames?: string[];
  /** Preprocessing the model expects its inputs to have had. */
  preprocessing?: Preprocessing;
  /** Training summary. */
  training?: TrainingSummary;
}

/** Whether a file holds a model or a full training checkpoint. */
export type FileKind = 'model' | 'checkpoint';

/** The `__metadata__` entries describing a model: format, version, kind, architecture, metadata. */
export function modelMetadataEntries(
  config: ModelConfig,
  metadata: ModelMetadata,
  kind: FileKind,
): Record<string, string> {
  const out: Record<string, string> = {
    format: FORMAT_NAME,
    format_version: String(FORMAT_VERSION),
    kind,
    architecture: JSON.stringify(config),
  };
  if (metadata.classNames !== undefined) out.class_names = JSON.stringify(metadata.classNames);
  if (metadata.preprocessing !== undefined)
    out.preprocessing = JSON.stringify(parsePreprocessing(metadata.preprocessing));
  if (metadata.training !== undefined) out.training = JSON.stringify(metadata.training);
  return out;
}

/** Parses a JSON metadata value, or throws naming the file and key. */
export function parseJsonEntry(
  meta: Record<string, string>,
  key: string,
  file: string,
): JsonValue | undefined {
  const text = meta[key];
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as JsonValue;
  } catch (e) {
    throw new SerializationError(file, `metadata '${key}' is not valid JSON: ${messageOf(e)}`);
  }
}

function isObject(v: JsonValue | undefined): v is { [key: string]: JsonValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The header of a scratchnet file: kind, architecture and descriptive metadata, all validated. */
export interface ModelHeader {
  kind: FileKind;
  config: ModelConfig;
  metadata: ModelMetadata;
}

/**
 * Reads and validates the scratchnet part of `__metadata__`: format name, a supported version, kind,
 * the architecture (`{ inputShape: number[], layers: [{ type, … }] }`) and the optional metadata.
 */
export function readModelHeader(meta: Record<string, string>, file: string): ModelHeader {
  const fail = (problem: string): never => {
    throw new SerializationError(file, problem);
  };
  if (meta.format !== FORMAT_NAME) {
    fail(
      meta.format === undefined
        ? `not a scratchnet model: __metadata__ has no 'format' entry (a bare weights file? load it into a model with loadWeights)`
        : `not a scratchnet model: format is '${meta.format}', expected '${FORMAT_NAME}'`,
    );
  }
  const version = meta.format_version;
  if (version === undefined || !/^[1-9][0-9]*$/.test(version)) {
    fail(`format_version ${shown(version)} is not a positive integer`);
  }
  if (Number(version) > FORMAT_VERSION) {
    fail(
      `unsupported format version ${version}: this @scratchnet/serialization reads versions up to ${FORMAT_VERSION} (upgrade it to read this file)`,
    );
  }
  const kind = meta.kind ?? 'model';
  if (kind !== 'model' && kind !== 'checkpoint') fail(`unknown file kind '${kind}'`);

  const arch = parseJsonEntry(meta, 'architecture', file);
  if (arch === undefined) fail(`no 'architecture' in __metadata__`);
  if (
    !isObject(arch) ||
    !Array.isArray(arch.inputShape) ||
    !arch.inputShape.every((d) => typeof d === 'number' && Number.isInteger(d) && d > 0) ||
    !Array.isArray(arch.layers) ||
    !arch.layers.every((l) => isObject(l) && typeof l.type === 'string')
  ) {
    fail(`architecture is not { inputShape: positive integers, layers: [{ type, … }] }`);
  }

  const metadata: ModelMetadata = {};
  const classNames = parseJsonEntry(meta, 'class_names', file);
  if (classNames !== undefined) {
    if (!Array.isArray(classNames) || !classNames.every((c) => typeof c === 'string')) {
      fail(`class_names is not a list of strings`);
    }
    metadata.classNames = classNames as string[];
  }
  const preprocessing = parseJsonEntry(meta, 'preprocessing', file);
  if (preprocessing !== undefined) {
    try {
      metadata.preprocessing = parsePreprocessing(preprocessing);
    } catch (e) {
      if (e instanceof PreprocessingError) fail(e.problem);
      throw e;
    }
  }
  const training = parseJsonEntry(meta, 'training', file);
  if (training !== undefined) {
    if (!isObject(training)) fail(`training is not a JSON object`);
    metadata.training = training as TrainingSummary;
  }
  return { kind: kind as FileKind, config: arch as unknown as ModelConfig, metadata };
}
