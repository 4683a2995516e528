import type { Shape } from '@scratchnet/tensor';
import type { Layer } from './layer.js';
import { BatchNorm1d, BatchNorm2d } from './layers/batch-norm.js';
import { Conv2d } from './layers/conv2d.js';
import { Dense } from './layers/dense.js';
import { Dropout } from './layers/dropout.js';
import { Flatten } from './layers/flatten.js';
import { MaxPool2d } from './layers/max-pool2d.js';
import { ReLU } from './layers/relu.js';
import { Sequential } from './model/sequential.js';

/** Names of the built-in model presets. */
export type PresetName = 'simple-cnn' | 'mlp' | 'lenet5' | 'strong';

/** Former preset names, still accepted by {@link createModel}. */
export type DeprecatedPresetName = 'seed';

/** Former names of presets (`'seed'` is now `'simple-cnn'`), accepted for one minor release. */
const PRESET_ALIASES: Readonly<Record<DeprecatedPresetName, PresetName>> = { seed: 'simple-cnn' };

/**
 * The preset a name stands for: a current name as is, a former one (`'seed'`) as its new name,
 * anything else as undefined. For validating user input such as a `--model` flag.
 */
export function resolvePresetName(name: string): PresetName | undefined {
  if ((PRESET_NAMES as readonly string[]).includes(name)) return name as PresetName;
  return Object.hasOwn(PRESET_ALIASES, name) ? PRESET_ALIASES[name as DeprecatedPresetName] : undefined;
}

/** Options of {@link createModel}. */
export interface PresetOptions {
  /** Per-sample input shape, default `[1, 28, 28]` (MNIST). */
  inputShape?: Shape;
  /** Output classes, default 10. */
  numClasses?: number;
  /** Seeds initial weights and dropout, default 0. */
  seed?: number;
}

/** A preset's name, a one-line description and its layers. */
export interface Preset {
  name: PresetName;
  description: string;
  layers(numClasses: number): Layer[];
}

const conv = (filters: number, useBias = true): Conv2d =>
  new Conv2d({ filters, kernelSize: 3, padding: 1, useBias });

/** The built-in presets, in the order a `--help` lists them. */
export const PRESETS: readonly Preset[] = [
  {
    name: 'simple-cnn',
    description:
      'one conv block: Conv 3×3 ×32 (pad 1) → ReLU → MaxPool 2×2 → Flatten → Dense 128 → ReLU → Dense 10',
    layers: (k) => [
      conv(32),
      new ReLU(),
      new MaxPool2d(2),
      new Flatten(),
      new Dense(128),
      new ReLU(),
      new Dense(k),
    ],
  },
  {
    name: 'mlp',
    description: 'fully connected: Flatten → Dense 128 → ReLU → Dense 10',
    layers: (k) => [new Flatten(), new Dense(128), new ReLU(), new Dense(k)],
  },
  {
    name: 'lenet5',
    description:
      'LeNet-5 style: Conv 5×5 ×6 (pad 2) → ReLU → MaxPool → Conv 5×5 ×16 → ReLU → MaxPool → Dense 120 → 84 → 10',
    layers: (k) => [
      new Conv2d({ filters: 6, kernelSize: 5, padding: 2 }),
      new ReLU(),
      new MaxPool2d(2),
      new Conv2d({ filters: 16, kernelSize: 5 }),
      new ReLU(),
      new MaxPool2d(2),
      new Flatten(),
      new Dense(120),
      new ReLU(),
      new Dense(84),
      new ReLU(),
      new Dense(k),
    ],
  },
  {
    name: 'strong',
    description:
      'conv–batchnorm–ReLU blocks (32, 64 filters) with max pooling and dropout, Dense 128 + batchnorm; aims at ≥ 99.3% on MNIST',
    layers: (k) => [
      conv(32, false),
      new BatchNorm2d(),
      new ReLU(),
      new MaxPool2d(2),
      conv(64, false),
      new BatchNorm2d(),
      new ReLU(),
      new MaxPool2d(2),
      new Dropout(0.25),
      new Flatten(),
      new Dense({ units: 128, useBias: false }),
      new BatchNorm1d(),
      new ReLU(),
      new Dropout(0.4),
      new Dense(k),
    ],
  },
];

/** Names of the presets, for validation and help texts. */
export const PRESET_NAMES: readonly PresetName[] = PRESETS.map((p) => p.name);

/**
 * A model from a preset, built for `inputShape` (default MNIST `[1, 28, 28]`) and `numClasses`.
 * `'seed'`, the former name of `'simple-cnn'`, is still accepted (deprecated).
 *
 * @example
 * ```ts
 * const model = createModel('simple-cnn', { seed: 42 });
 * console.log(model.summary());
 * ```
 */
export function createModel(
  name: PresetName | DeprecatedPresetName,
  options: PresetOptions = {},
): Sequential {
  const resolved = resolvePresetName(name);
  const preset = PRESETS.find((p) => p.name === resolved);
  if (preset === undefined) {
    throw new TypeError(`createModel: unknown preset '${name}' (known: ${PRESET_NAMES.join(', ')})`);
  }
  const numClasses = options.numClasses ?? 10;
  if (!Number.isInteger(numClasses) || numClasses < 2) {
    throw new RangeError(`createModel: numClasses must be an integer ≥ 2, got ${numClasses}`);
  }
  return new Sequential(preset.layers(numClasses), {
    inputShape: options.inputShape ?? [1, 28, 28],
    seed: options.seed,
  });
}
