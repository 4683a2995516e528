/**
 * Each preset's recommended training recipe: what `scratchnet-train --model <preset>` trains with
 * when the flags do not say otherwise.
 */

/** Learning-rate schedules the CLI offers (`none`: constant rate, with `--decay`). */
export const SCHEDULES = [
  'none',
  'step',
  'multistep',
  'exponential',
  'cosine',
  'cosine-restarts',
  'plateau',
] as const;
export type ScheduleName = (typeof SCHEDULES)[number];

/** Optimizers the CLI can build. */
export const OPTIMIZERS = ['sgd', 'adam', 'adamw', 'rmsprop', 'adagrad'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

/** A preset's recipe. */
export interface Recipe {
  optimizer: OptimizerName;
  lr: number;
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
  decay: number;
  schedule: ScheduleName;
  epochs: number;
  augment: boolean;
  normalize: boolean;
  /** Held-out fraction; 0 trains on every image (a validation set is still split off when a flag needs one). */
  valSplit: number;
  /** One line for `--help`. */
  summary: string;
}

/**
 * The simple-cnn recipe, measured on full MNIST: 98.84 % after 5 epochs (SGD lr 0.05 with momentum and a
 * per-step decay of 1e-3; 0.01 decays too far before the network converges).
 */
const BASIC: Recipe = {
  optimizer: 'sgd',
  lr: 0.05,
  momentum: 0.9,
  nesterov: false,
  weightDecay: 0,
  decay: 1e-3,
  schedule: 'none',
  epochs: 5,
  augment: false,
  normalize: false,
  valSplit: 0.1,
  summary: 'SGD lr 0.05, momentum 0.9, decay 1e-3, 5 epochs',
};

/**
 * The recipe measured at 99.47 % on full MNIST (packages/layers/README.md, bench/suites/accuracy.mjs):
 * Nesterov SGD with weight decay and cosine annealing over 12 epochs of all 60,000 training images,
 * shifted ≤ 2 px and rotated ≤ 10°, inputs normalised with the training set's mean and std.
 */
const STRONG: Recipe = {
  optimizer: 'sgd',
  lr: 0.05,
  momentum: 0.9,
  nesterov: true,
  weightDecay: 5e-4,
  decay: 0,
  schedule: 'cosine',
  epochs: 12,
  augment: true,
  normalize: true,
  valSplit: 0,
  summary:
    'SGD lr 0.05, Nesterov 0.9, weight decay 5e-4, cosine, 12 epochs, augmentation, normalised inputs, all training images (99.47% measured)',
};

/** Recipes by preset name; an `--arch` model (and the deprecated name `seed`) uses the basic one. */
export const RECIPES: Record<string, Recipe> = {
  'simple-cnn': BASIC,
  mlp: BASIC,
  lenet5: BASIC,
  strong: STRONG,
};

/** The recipe of a preset (the basic one for unknown names and `--arch` models). */
export function recipeFor(model: string): Recipe {
  return RECIPES[model] ?? BASIC;
}

/**
 * Default learning rate per optimizer when `--optimizer` overrides the recipe's: SGD's 0.05 as in the
 * seed recipe; the adaptive ones use the customary 1e-3, Adagrad its PyTorch default 0.01.
 */
export const DEFAULT_LR: Record<OptimizerName, number> = {
  sgd: 0.05,
  adam: 0.001,
  adamw: 0.001,
  rmsprop: 0.001,
  adagrad: 0.01,
};
