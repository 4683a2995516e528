import type { Layer, LayerConfig } from '../layer.js';
import { AvgPool2d } from './avg-pool2d.js';
import { BatchNorm1d, BatchNorm2d } from './batch-norm.js';
import { Conv2d } from './conv2d.js';
import { Dense } from './dense.js';
import { Dropout } from './dropout.js';
import { Flatten } from './flatten.js';
import { LeakyReLU } from './leaky-relu.js';
import { MaxPool2d } from './max-pool2d.js';
import { ReLU } from './relu.js';
import { Sigmoid } from './sigmoid.js';
import { Softmax } from './softmax.js';
import { Tanh } from './tanh.js';

/** Builds a layer from a config. */
export type LayerFactory = (config: LayerConfig) => Layer;

const factories = new Map<string, LayerFactory>([
  ['Conv2d', Conv2d.fromConfig],
  ['MaxPool2d', MaxPool2d.fromConfig],
  ['AvgPool2d', AvgPool2d.fromConfig],
  ['Dense', Dense.fromConfig],
  ['Flatten', Flatten.fromConfig],
  ['ReLU', ReLU.fromConfig],
  ['LeakyReLU', LeakyReLU.fromConfig],
  ['Sigmoid', Sigmoid.fromConfig],
  ['Tanh', Tanh.fromConfig],
  ['Softmax', Softmax.fromConfig],
  ['Dropout', Dropout.fromConfig],
  ['BatchNorm1d', BatchNorm1d.fromConfig],
  ['BatchNorm2d', BatchNorm2d.fromConfig],
]);

/**
 * Type strings written before the PyTorch casing, still read so that older model files load (one
 * minor release; they build the same layers, whose configs then carry the new strings).
 */
const LEGACY_TYPES: ReadonlyMap<string, string> = new Map([
  ['Conv2D', 'Conv2d'],
  ['MaxPool2D', 'MaxPool2d'],
  ['AvgPool2D', 'AvgPool2d'],
]);

/**
 * Makes a layer from its JSON config (the inverse of `layer.getConfig()`). Throws
 * `unknown layer type 'X'` for types nobody registered.
 */
export function layerFromConfig(config: LayerConfig): Layer {
  if (config === null || typeof config !== 'object' || typeof config.type !== 'string') {
    throw new TypeError(
      `layerFromConfig: expected an object with a string 'type', got ${JSON.stringify(config)}`,
    );
  }
  const make = factories.get(LEGACY_TYPES.get(config.type) ?? config.type);
  if (make === undefined) {
    throw new TypeError(`unknown layer type '${config.type}' (known: ${[...factories.keys()].join(', ')})`);
  }
  return make(config);
}

/** Registers a custom layer type for {@link layerFromConfig} (and so for `Sequential.fromConfig`). */
export function registerLayer(type: string, factory: LayerFactory): void {
  factories.set(type, factory);
}

/** Every layer type {@link layerFromConfig} knows. */
export function layerTypes(): string[] {
  return [...factories.keys()];
}
