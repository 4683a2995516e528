import { readFileSync } from 'node:fs';
import {
  type JsonValue,
  type LayerConfig,
  type ModelConfig,
  Sequential,
  layerFromConfig,
  layerTypes,
} from '@scratchnet/layers';
import { decodeSafetensors } from '@scratchnet/serialization';
import { UsageError } from '../args.js';

/**
 * Reads an `--arch` file: a JSON architecture `{ "inputShape": [C, H, W], "layers": [{ "type": …, … }] }`
 * (the `architecture` entry model files store), or a model file, whose architecture is taken.
 */
export function readArchitecture(path: string): ModelConfig {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message;
    throw new UsageError(`--arch ${path}: ${why}`);
  }
  const text = bytes.toString('utf8').trimStart();
  if (!text.startsWith('{')) return architectureOfModelFile(path, bytes);
  let json: JsonValue;
  try {
    json = JSON.parse(text) as JsonValue;
  } catch (e) {
    throw new UsageError(`--arch ${path}: not valid JSON (${(e as Error).message})`);
  }
  return checkArchitecture(path, json);
}

function architectureOfModelFile(path: string, bytes: Buffer): ModelConfig {
  let architecture: string | undefined;
  try {
    architecture = decodeSafetensors(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), path)
      .metadata.architecture;
  } catch (e) {
    throw new UsageError(`--arch ${path}: neither JSON nor a model file (${(e as Error).message})`);
  }
  if (architecture === undefined)
    throw new UsageError(`--arch ${path}: the model file stores no architecture`);
  return checkArchitecture(path, JSON.parse(architecture) as JsonValue);
}

const isObject = (v: JsonValue | undefined): v is { [key: string]: JsonValue } =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Validates the schema, naming the layer index and the field that is wrong. */
export function checkArchitecture(path: string, json: JsonValue): ModelConfig {
  const fail = (what: string): never => {
    throw new UsageError(`--arch ${path}: ${what}`);
  };
  if (!isObject(json)) return fail('expected an object { "inputShape": [C, H, W], "layers": [...] }');
  for (const key of Object.keys(json)) {
    if (key !== 'inputShape' && key !== 'layers')
      fail(`unknown field '${key}' (expected inputShape, layers)`);
  }
  const { inputShape, layers } = json;
  if (
    !Array.isArray(inputShape) ||
    inputShape.length === 0 ||
    !inputShape.every((d) => Number.isInteger(d) && (d as number) > 0)
  ) {
    fail(
      `'inputShape' must be a list of positive integers such as [1, 28, 28], got ${JSON.stringify(inputShape ?? null)}`,
    );
  }
  if (!Array.isArray(layers) || layers.length === 0) {
    fail(`'layers' must be a non-empty list of layers, got ${JSON.stringify(layers ?? null)}`);
  }
  const known = layerTypes();
  (layers as JsonValue[]).forEach((layer, i) => {
    if (!isObject(layer)) fail(`layers[${i}] must be an object with a 'type', got ${JSON.stringify(layer)}`);
    const type = (layer as { type?: JsonValue }).type;
    if (typeof type !== 'string') fail(`layers[${i}]: 'type' must be a string, one of ${known.join(', ')}`);
    if (!known.includes(type as string))
      fail(`layers[${i}]: unknown type '${type}' (known: ${known.join(', ')})`);
    try {
      layerFromConfig(layer as LayerConfig);
    } catch (e) {
      fail(`layers[${i}] (${type}): ${(e as Error).message}`);
    }
  });
  return { inputShape: inputShape as number[], layers: layers as LayerConfig[] };
}

/**
 * A freshly initialised model of the architecture, checked against the data: the input shape must
 * be the images', the output the number of classes.
 */
export function buildArchitecture(
  path: string,
  config: ModelConfig,
  seed: number,
  inputShape: readonly number[],
  classes: number,
): Sequential {
  const fail = (what: string): never => {
    throw new UsageError(`--arch ${path}: ${what}`);
  };
  if (config.inputShape.join(',') !== inputShape.join(',')) {
    fail(`inputShape [${config.inputShape.join(', ')}] does not match the images [${inputShape.join(', ')}]`);
  }
  let model: Sequential;
  try {
    model = Sequential.fromConfig(config, { seed });
  } catch (e) {
    return fail((e as Error).message);
  }
  const out = model.outputShape;
  if (out.length !== 1 || out[0] !== classes) {
    fail(
      `the model outputs [${out.join(', ')}] but the data has ${classes} classes (end with a Dense of ${classes} units)`,
    );
  }
  return model;
}
