import { type Layer, type LayerConfig, Sequential, layerFromConfig } from '@scratchnet/layers';
import { Random, type Shape } from '@scratchnet/tensor';
import { SerializationError, messageOf } from '../errors.js';
import { type SafetensorsFile, decodeSafetensors, encodeSafetensors } from '../safetensors/codec.js';
import { checkFinite } from './finite.js';
import { type ModelHeader, type ModelMetadata, modelMetadataEntries, readModelHeader } from './metadata.js';
import { loadState, modelEntries } from './state.js';

/** A model rebuilt from a file, with the metadata stored alongside it. */
export interface LoadedModel {
  model: Sequential;
  metadata: ModelMetadata;
}

/** Tensor-name prefix of optimizer state in checkpoints (`optimizer.0.weight.momentum_buffer`). */
export const OPTIMIZER_PREFIX = 'optimizer.';

export { checkFinite };

/**
 * Serializes a model to safetensors bytes: its parameters and buffers under their PyTorch
 * `nn.Sequential` state_dict names, and in `__metadata__` the format, version, architecture and
 * `metadata`. `saveModel` (`@scratchnet/serialization/node`) writes the same bytes to a file.
 */
export function modelToBytes(model: Sequential, metadata: ModelMetadata = {}): Uint8Array {
  return encodeSafetensors(modelEntries(model), modelMetadataEntries(model.getConfig(), metadata, 'model'));
}

/**
 * Elements one layer may allocate when built on a per-sample input `inShape`, from its config alone
 * (parameters and their gradients, or running statistics): `units` (Dense-like) and
 * `filters` + `kernelSize` (convolution-like) layers hold weights over their input; every other
 * layer at most a few values per channel.
 */
function layerElementBound(c: LayerConfig, inShape: Shape): number {
  const inputSize = inShape.reduce((a, b) => a * b, 1);
  const channels = inShape[0] ?? 1;
  const int = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? Math.max(1, v) : 1);
  if (c.units !== undefined) return 2 * int(c.units) * (inputSize + 1);
  if (c.filters !== undefined) {
    const k = Array.isArray(c.kernelSize) ? c.kernelSize : [c.kernelSize, c.kernelSize];
    return 2 * int(c.filters) * (channels * int(k[0]) * int(k[1]) + 1);
  }
  return 8 * channels + 16;
}

/**
 * Rebuilds the architecture in `header` (fresh weights, which the caller overwrites), naming the file
 * on failure. The architecture comes from an untrusted file and could ask for gigabytes (a Dense
 * layer of 10⁹ units) before its tensors are compared with the file's, so building runs under an
 * allocation budget: parameters, gradients and buffers may take at most four times the elements the
 * file holds (twice what a consistent file needs). Each layer's share is bounded from its config and
 * input shape before it is built; building it then gives the next layer's input shape.
 */
export function buildModel(header: ModelHeader, file: string, fileElements: number): Sequential {
  const budget = 4 * fileElements + 65536;
  const { config } = header;
  let used = 0;
  /** Throws when layer `i` (config `c`), built on `shape`, would pass the budget. */
  const charge = (i: number, c: LayerConfig, shape: Shape): void => {
    used += layerElementBound(c, shape);
    if (!(used <= budget)) {
      throw new SerializationError(
        file,
        `the architecture needs far more memory than the file's tensors hold (${fileElements} elements): corrupt or hostile (layer ${i}, ${c.type}, passes the budget)`,
      );
    }
  };
  try {
    // Every layer made from its config, each charged to the budget as the model builds it: built once.
    const layers = wellFormedLayers(config);
    if (layers !== undefined) {
      // Charged as long as the shapes are valid (past an invalid one, the build itself fails and says why).
      let checking = true;
      return new Sequential(layers, {
        inputShape: config.inputShape,
        initialize: false,
        beforeBuild: (_, shape, i) => {
          if (checking && !isSizes(shape)) checking = false;
          if (checking) charge(i, config.layers[i], shape);
        },
      });
    }
    // A config Sequential.fromConfig rejects: the budget first, on the layers that do build, as far
    // as they do, then fromConfig says what is wrong.
    if (Array.isArray(config.inputShape) && Array.isArray(config.layers)) {
      let shape: Shape = config.inputShape;
      const rng = new Random(0);
      for (const [i, c] of config.layers.entries()) {
        if (!isSizes(shape)) break; // fromConfig says why
        charge(i, c, shape);
        try {
          shape = layerFromConfig(c).build(shape, rng, { initialize: false });
        } catch {
          break; // Sequential.fromConfig below reports it, naming the layer
        }
      }
    }
    // The file's tensors overwrite every parameter: skip drawing initial values (a faster load).
    return Sequential.fromConfig(config, { initialize: false });
  } catch (e) {
    if (e instanceof SerializationError) throw e;
    throw new SerializationError(file, `architecture cannot be built: ${messageOf(e)}`, { cause: e });
  }
}

const isSizes = (shape: Shape): boolean => shape.every((d) => Number.isSafeInteger(d) && d > 0);

/**
 * The layers of `config`, when `Sequential.fromConfig` would accept it as far as making them (its
 * input shape positive safe integers, every layer config known and valid); else undefined.
 */
function wellFormedLayers(config: ModelHeader['config']): Layer[] | undefined {
  if (!Array.isArray(config.inputShape) || !isSizes(config.inputShape) || !Array.isArray(config.layers)) {
    return undefined;
  }
  const layers: Layer[] = [];
  for (const c of config.layers) {
    try {
      layers.push(layerFromConfig(c));
    } catch {
      return undefined;
    }
  }
  return layers;
}

/**
 * Decodes and validates a model (or checkpoint) file's bytes and rebuilds the model (its weights
 * loaded unless `loadWeights` is false).
 */
export function modelFromFile(
  file: SafetensorsFile,
  name: string,
  loadWeights = true,
): LoadedModel & { header: ModelHeader } {
  const header = readModelHeader(file.metadata, name);
  checkFinite(file, name);
  let elements = 0;
  for (const t of file.tensors.values()) elements += t.data.byteLength / 4;
  const model = buildModel(header, name, elements);
  loadState(model, file.tensors, name, {
    ignorePrefixes: header.kind === 'checkpoint' ? [OPTIMIZER_PREFIX] : [],
    copy: loadWeights,
  });
  return { model, metadata: header.metadata, header };
}

/** Options of {@link modelFromBytes}. */
export interface ModelFromBytesOptions {
  /**
   * `false`: validate everything as usual (every tensor's name, shape, dtype and finiteness
   * included) but leave the model's weights zero, for a program that computes with the tensors of
   * `bytes` itself (`decodeSafetensors` gives views of them) and would only pay for the copy.
   * Default `true`.
   */
  loadWeights?: boolean;
}

/**
 * Rebuilds a model from bytes written by {@link modelToBytes} (or a checkpoint's), validating
 * everything. `file` names the source in error messages.
 *
 * @param source - The file's bytes, or what {@link decodeSafetensors} made of them (for a caller that
 *   decoded them already, to find its tensors: the header is then not parsed twice).
 */
export function modelFromBytes(
  source: Uint8Array | SafetensorsFile,
  file = '<bytes>',
  options: ModelFromBytesOptions = {},
): LoadedModel {
  const decoded = source instanceof Uint8Array ? decodeSafetensors(source, file) : source;
  const { model, metadata } = modelFromFile(decoded, file, options.loadWeights ?? true);
  return { model, metadata };
}
