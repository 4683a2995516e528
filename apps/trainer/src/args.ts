/**
 * Command-line flags of `scratchnet-train`: parsing, validation, preset recipes and `--help`. Every bad
 * value becomes a {@link UsageError} with a one-line message; the CLI prints it and exits with code 2.
 */
import {
  DEFAULT_LR,
  OPTIMIZERS,
  type OptimizerName,
  RECIPES,
  SCHEDULES,
  type ScheduleName,
  recipeFor,
} from './recipes.js';

export { DEFAULT_LR, OPTIMIZERS, SCHEDULES };

/** Thrown for bad command-line input; `message` is the whole one-line explanation. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Datasets the CLI can load. */
export const DATASETS = ['mnist', 'fashion-mnist'] as const;
/** Backends the CLI can select (`auto`: the fastest the runtime supports). */
export const BACKENDS = ['auto', 'js', 'wasm'] as const;
/** Most kernel threads the wasm backend runs. */
export const MAX_THREADS = 64;
/**
 * Threads used when `--threads` is not given: every core up to this many. Beyond it the per-thread
 * work of an MNIST-sized GEMM gets too small to pay for the synchronisation.
 */
export const DEFAULT_MAX_THREADS = 16;

/** How progress is shown: the Ink dashboard, Keras-style lines, or JSON lines. */
export type OutputMode = 'dashboard' | 'plain' | 'json';

/** Everything a training run is configured with, after defaults and the preset's recipe. */
export interface TrainOptions {
  model: string;
  /** A JSON architecture file (or a model file) to train instead of a preset. */
  arch: string | undefined;
  dataset: (typeof DATASETS)[number];
  dataDir: string | undefined;
  epochs: number;
  batchSize: number;
  optimizer: OptimizerName;
  lr: number;
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
  decay: number;
  schedule: ScheduleName;
  /** `step`: epochs between decays. */
  stepSize: number;
  /** `step`, `multistep`, `exponential`: factor per decay (per epoch for `exponential`); `plateau`: factor per reduction. */
  gamma: number | undefined;
  /** `multistep`: epochs at which the rate decays. */
  milestones: number[] | undefined;
  /** `cosine-restarts`: epochs of the first cycle, and the growth of each next one. */
  t0: number;
  tMult: number;
  /** `cosine`, `cosine-restarts`: the floor of the rate; `plateau`: the lowest rate it reduces to. */
  minLr: number;
  /** `plateau`: epochs without improvement before the rate is reduced. */
  plateauPatience: number;
  /** Epochs (may be fractional) of linear warm-up before the schedule. */
  warmup: number;
  augment: boolean;
  maxShift: number;
  maxRotation: number;
  maxScale: number;
  normalize: boolean;
  /** Epochs without improvement of the validation loss after which training stops; undefined: never. */
  earlyStop: number | undefined;
  /** Keep the model of the best epoch (lowest validation loss) in `<out>/best.safetensors`. */
  saveBest: boolean;
  stopOnNan: boolean;
  seed: number;
  /** Kernel threads for the wasm backend; `undefined`: all cores, at most {@link DEFAULT_MAX_THREADS}. */
  threads: number | undefined;
  backend: (typeof BACKENDS)[number];
  trainLimit: number | undefined;
  testLimit: number | undefined;
  valSplit: number;
  out: string;
  /** Steps between mid-epoch checkpoints; 0: only at epoch ends. */
  checkpointEvery: number;
  resume: string | undefined;
  onnx: string | undefined;
}

/** The result of parsing argv. */
export type ParsedArgs =
  | { kind: 'help' }
  | { kind: 'version' }
  | {
      kind: 'train';
      options: TrainOptions;
      /** `plain` and `json` when asked for; `dashboard` may still fall back to `plain` without a TTY. */
      mode: OutputMode;
      /** Option keys the user set explicitly (used to detect conflicts with a resumed checkpoint). */
      explicit: ReadonlySet<keyof TrainOptions>;
    };

type Kind =
  | 'int'
  | 'posint'
  | 'number'
  | 'string'
  | 'choice'
  | 'fraction'
  | 'nonneg'
  | 'flag'
  | 'epochs-list';
type Group = 'model' | 'data' | 'optimisation' | 'output' | 'compute';

interface FlagSpec {
  key: keyof TrainOptions;
  kind: Kind;
  group: Group;
  /** `<value>` in the help; empty for flags without a value. */
  arg: string;
  help: string;
  choices?: readonly string[];
  /** Largest accepted value. */
  max?: number;
  /** The schedule this flag tunes (an error names it when another schedule is chosen). */
  schedules?: readonly ScheduleName[];
}

const FLAGS: Record<string, FlagSpec> = {
  '--model': {
    key: 'model',
    kind: 'string',
    group: 'model',
    arg: '<preset>',
    help: 'model preset, trained with its recipe (default: simple-cnn)',
  },
  '--arch': {
    key: 'arch',
    kind: 'string',
    group: 'model',
    arg: '<file.json>',
    help: 'train the Sequential described in a JSON file (or a model file) instead (README: schema)',
  },
  '--dataset': {
    key: 'dataset',
    kind: 'choice',
    group: 'data',
    arg: '<name>',
    choices: DATASETS,
    help: 'mnist | fashion-mnist (default: mnist, shipped with the install)',
  },
  '--data-dir': {
    key: 'dataDir',
    kind: 'string',
    group: 'data',
    arg: '<dir>',
    help: 'directory of MNIST-format IDX files (train-images-idx3-ubyte[.gz], ...)',
  },
  '--train-limit': {
    key: 'trainLimit',
    kind: 'posint',
    group: 'data',
    arg: '<n>',
    help: 'train on the first n training images only',
  },
  '--test-limit': {
    key: 'testLimit',
    kind: 'posint',
    group: 'data',
    arg: '<n>',
    help: 'test on the first n test images only',
  },
  '--val-split': {
    key: 'valSplit',
    kind: 'fraction',
    group: 'data',
    arg: '<f>',
    help: 'fraction of the training images held out for validation, in [0, 1) (default: the recipe’s)',
  },
  '--batch-size': {
    key: 'batchSize',
    kind: 'posint',
    group: 'data',
    arg: '<n>',
    help: 'samples per step (default: 64)',
  },
  '--augment': {
    key: 'augment',
    kind: 'flag',
    group: 'data',
    arg: '',
    help: 'seeded random shifts, rotations and zoom of training images (--no-augment: off)',
  },
  '--max-shift': {
    key: 'maxShift',
    kind: 'nonneg',
    group: 'data',
    arg: '<px>',
    help: 'largest augmentation shift in pixels (default: 2)',
  },
  '--max-rotation': {
    key: 'maxRotation',
    kind: 'nonneg',
    group: 'data',
    arg: '<deg>',
    help: 'largest augmentation rotation in degrees (default: 10)',
  },
  '--max-scale': {
    key: 'maxScale',
    kind: 'fraction',
    group: 'data',
    arg: '<f>',
    help: 'largest augmentation zoom in or out, e.g. 0.1 (default: 0)',
  },
  '--normalize': {
    key: 'normalize',
    kind: 'flag',
    group: 'data',
    arg: '',
    help: "normalise inputs with the training set's mean and std (--no-normalize: off)",
  },
  '--seed': {
    key: 'seed',
    kind: 'int',
    group: 'data',
    arg: '<n>',
    help: 'seed of initialisation, shuffling, augmentation and dropout (default: 42)',
  },
  '--epochs': {
    key: 'epochs',
    kind: 'posint',
    group: 'optimisation',
    arg: '<n>',
    help: 'total epochs, also when resuming (default: the recipe’s)',
  },
  '--optimizer': {
    key: 'optimizer',
    kind: 'choice',
    group: 'optimisation',
    arg: '<name>',
    choices: OPTIMIZERS,
    help: `${OPTIMIZERS.join(' | ')} (default: the recipe’s)`,
  },
  '--lr': {
    key: 'lr',
    kind: 'number',
    group: 'optimisation',
    arg: '<rate>',
    help: 'initial learning rate (default: the recipe’s; else 0.05 sgd, 0.01 adagrad, 0.001 others)',
  },
  '--momentum': {
    key: 'momentum',
    kind: 'fraction',
    group: 'optimisation',
    arg: '<m>',
    help: 'momentum of sgd and rmsprop, in [0, 1) (default: 0.9 for sgd, 0 for rmsprop)',
  },
  '--nesterov': {
    key: 'nesterov',
    kind: 'flag',
    group: 'optimisation',
    arg: '',
    help: 'Nesterov momentum (sgd)',
  },
  '--weight-decay': {
    key: 'weightDecay',
    kind: 'nonneg',
    group: 'optimisation',
    arg: '<wd>',
    help: 'L2 penalty (decoupled for adamw) (default: 0)',
  },
  '--decay': {
    key: 'decay',
    kind: 'nonneg',
    group: 'optimisation',
    arg: '<d>',
    help: 'learning-rate decay, lr / (1 + decay * step) (default: 1e-3 without --schedule, else 0)',
  },
  '--schedule': {
    key: 'schedule',
    kind: 'choice',
    group: 'optimisation',
    arg: '<name>',
    choices: SCHEDULES,
    help: `${SCHEDULES.join(' | ')} (default: the recipe’s)`,
  },
  '--step-size': {
    key: 'stepSize',
    kind: 'posint',
    group: 'optimisation',
    arg: '<epochs>',
    schedules: ['step'],
    help: 'step: epochs between decays (default: 1)',
  },
  '--gamma': {
    key: 'gamma',
    kind: 'number',
    group: 'optimisation',
    arg: '<g>',
    schedules: ['step', 'multistep', 'exponential', 'plateau'],
    help: 'step, multistep, exponential (per epoch), plateau: rate factor (default: 0.1; exponential 0.9)',
  },
  '--milestones': {
    key: 'milestones',
    kind: 'epochs-list',
    group: 'optimisation',
    arg: '<e1,e2,…>',
    schedules: ['multistep'],
    help: 'multistep: epochs after which the rate decays',
  },
  '--t0': {
    key: 't0',
    kind: 'posint',
    group: 'optimisation',
    arg: '<epochs>',
    schedules: ['cosine-restarts'],
    help: 'cosine-restarts: epochs of the first cycle (default: 1)',
  },
  '--t-mult': {
    key: 'tMult',
    kind: 'posint',
    group: 'optimisation',
    arg: '<n>',
    schedules: ['cosine-restarts'],
    help: 'cosine-restarts: growth of each next cycle (default: 2)',
  },
  '--min-lr': {
    key: 'minLr',
    kind: 'nonneg',
    group: 'optimisation',
    arg: '<rate>',
    schedules: ['cosine', 'cosine-restarts', 'plateau'],
    help: 'cosine, cosine-restarts, plateau: the lowest rate (default: 0)',
  },
  '--plateau-patience': {
    key: 'plateauPatience',
    kind: 'posint',
    group: 'optimisation',
    arg: '<epochs>',
    schedules: ['plateau'],
    help: 'plateau: epochs without a better val_loss before the rate drops (default: 2)',
  },
  '--warmup': {
    key: 'warmup',
    kind: 'number',
    group: 'optimisation',
    arg: '<epochs>',
    help: 'linear warm-up from lr/10 over these epochs (fractions allowed) before the schedule',
  },
  '--early-stop': {
    key: 'earlyStop',
    kind: 'posint',
    group: 'optimisation',
    arg: '<patience>',
    help: 'stop after this many epochs without a better val_loss',
  },
  '--stop-on-nan': {
    key: 'stopOnNan',
    kind: 'flag',
    group: 'optimisation',
    arg: '',
    help: 'stop when the loss is no longer finite, keeping the last good checkpoint (default: on)',
  },
  '--out': {
    key: 'out',
    kind: 'string',
    group: 'output',
    arg: '<dir>',
    help: 'where the model and checkpoints go (default: ./checkpoints)',
  },
  '--save-best': {
    key: 'saveBest',
    kind: 'flag',
    group: 'output',
    arg: '',
    help: 'also keep the model of the best epoch (lowest val_loss) in <out>/best.safetensors',
  },
  '--checkpoint-every': {
    key: 'checkpointEvery',
    kind: 'nonneg',
    group: 'output',
    arg: '<steps>',
    help: 'also checkpoint every n steps (default: 0, epoch ends only)',
  },
  '--resume': {
    key: 'resume',
    kind: 'string',
    group: 'output',
    arg: '<checkpoint>',
    help: "continue from a checkpoint's exact position",
  },
  '--onnx': {
    key: 'onnx',
    kind: 'string',
    group: 'output',
    arg: '<path>',
    help: 'also export the trained model as ONNX',
  },
  '--backend': {
    key: 'backend',
    kind: 'choice',
    group: 'compute',
    arg: '<name>',
    choices: BACKENDS,
    help: 'js | wasm | auto (default: auto, the fastest available)',
  },
  '--threads': {
    key: 'threads',
    kind: 'posint',
    group: 'compute',
    arg: '<n>',
    max: MAX_THREADS,
    help: `kernel threads, at most ${MAX_THREADS} (default: all cores, up to ${DEFAULT_MAX_THREADS})`,
  },
};

/** The defaults of every option: the simple-cnn preset and its recipe. */
export function defaultOptions(): TrainOptions {
  const r = RECIPES['simple-cnn'];
  return {
    model: 'simple-cnn',
    arch: undefined,
    dataset: 'mnist',
    dataDir: undefined,
    epochs: r.epochs,
    batchSize: 64,
    optimizer: r.optimizer,
    lr: r.lr,
    momentum: r.momentum,
    nesterov: r.nesterov,
    weightDecay: r.weightDecay,
    decay: r.decay,
    schedule: r.schedule,
    stepSize: 1,
    gamma: undefined,
    milestones: undefined,
    t0: 1,
    tMult: 2,
    minLr: 0,
    plateauPatience: 2,
    warmup: 0,
    augment: r.augment,
    maxShift: 2,
    maxRotation: 10,
    maxScale: 0,
    normalize: r.normalize,
    earlyStop: undefined,
    saveBest: false,
    stopOnNan: true,
    seed: 42,
    threads: undefined,
    backend: 'auto',
    trainLimit: undefined,
    testLimit: undefined,
    valSplit: r.valSplit,
    out: 'checkpoints',
    checkpointEvery: 0,
    resume: undefined,
    onnx: undefined,
  };
}

function parseValue(flag: string, spec: FlagSpec, raw: string): string | number | number[] {
  const bad = (what: string): never => {
    throw new UsageError(`${flag} must be ${what}, got '${raw}'`);
  };
  switch (spec.kind) {
    case 'string':
      if (raw === '') bad('non-empty');
      return raw;
    case 'choice':
      if (!spec.choices?.includes(raw)) bad(`one of ${spec.choices?.join(', ')}`);
      return raw;
    case 'epochs-list': {
      const parts = raw.split(',');
      if (!parts.every((p) => /^\d+$/.test(p.trim()))) bad('a comma-separated list of epochs, e.g. 5,8');
      const list = parts.map((p) => Number(p));
      if (list.some((e, i) => e < 1 || (i > 0 && e <= list[i - 1]))) bad('increasing epochs ≥ 1');
      return list;
    }
    case 'int':
    case 'posint': {
      if (!/^[+-]?\d+$/.test(raw)) bad(spec.kind === 'int' ? 'an integer' : 'a positive integer');
      const n = Number(raw);
      if (!Number.isSafeInteger(n)) bad('a safe integer');
      if (spec.kind === 'posint' && n < 1) bad('a positive integer');
      if (spec.max !== undefined && n > spec.max) bad(`at most ${spec.max}`);
      return n;
    }
    default: {
      const n = raw.trim() === '' ? Number.NaN : Number(raw);
      if (!Number.isFinite(n)) bad('a number');
      if (spec.kind === 'number' && n <= 0) bad('a positive number');
      if (spec.kind === 'nonneg' && n < 0) bad('≥ 0');
      if (spec.kind === 'fraction' && (n < 0 || n >= 1)) bad('in [0, 1)');
      if (spec.key === 'checkpointEvery' && !Number.isInteger(n)) bad('a whole number of steps');
      return n;
    }
  }
}

/** The flag spec `arg` names, and for `--no-x` whether it was negated. */
function lookup(flag: string): { spec: FlagSpec; name: string; negated: boolean } | undefined {
  const spec = FLAGS[flag];
  if (spec !== undefined) return { spec, name: flag, negated: false };
  if (!flag.startsWith('--no-')) return undefined;
  const name = `--${flag.slice(5)}`;
  const positive = FLAGS[name];
  return positive?.kind === 'flag' ? { spec: positive, name, negated: true } : undefined;
}

/** Reads argv into `options`; returns the output flags and what was set explicitly. */
function readFlags(
  argv: readonly string[],
  options: TrainOptions,
  explicit: Set<keyof TrainOptions>,
): ParsedArgs | { plain: boolean; json: boolean } {
  let plain = false;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return { kind: 'help' };
    if (arg === '--version' || arg === '-v') return { kind: 'version' };
    if (arg === '--plain' || arg === '--json') {
      if (arg === '--plain') plain = true;
      else json = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const found = lookup(flag);
    if (found === undefined) {
      if (flag.startsWith('-')) throw new UsageError(`unknown option '${flag}' (see --help)`);
      throw new UsageError(`unexpected argument '${arg}' (see --help)`);
    }
    const { spec, negated } = found;
    let value: unknown;
    if (spec.kind === 'flag') {
      if (flag !== arg) throw new UsageError(`${flag} takes no value (got '${arg}')`);
      value = !negated;
    } else if (flag !== arg) value = parseValue(flag, spec, arg.slice(eq + 1));
    else {
      if (i + 1 >= argv.length || (argv[i + 1].startsWith('--') && argv[i + 1].length > 2)) {
        throw new UsageError(`${flag} needs a value ${spec.arg}`);
      }
      value = parseValue(flag, spec, argv[++i]);
    }
    (options as unknown as Record<string, unknown>)[spec.key] = value;
    explicit.add(spec.key);
  }
  if (plain && json) throw new UsageError('--plain and --json cannot be used together');
  return { plain, json };
}

/** Fills what the user did not give from the preset's recipe, and the optimizer's own defaults. */
function applyRecipe(o: TrainOptions, explicit: ReadonlySet<keyof TrainOptions>): void {
  const recipe = recipeFor(o.arch === undefined ? o.model : '');
  const given = (k: keyof TrainOptions) => explicit.has(k);
  if (!given('epochs')) o.epochs = recipe.epochs;
  if (!given('schedule')) o.schedule = recipe.schedule;
  if (!given('augment')) o.augment = recipe.augment;
  if (!given('normalize')) o.normalize = recipe.normalize;
  const ownOptimizer = !given('optimizer') || o.optimizer === recipe.optimizer;
  if (!given('optimizer')) o.optimizer = recipe.optimizer;
  if (!given('lr')) o.lr = ownOptimizer ? recipe.lr : DEFAULT_LR[o.optimizer];
  if (!given('momentum')) o.momentum = ownOptimizer ? recipe.momentum : o.optimizer === 'sgd' ? 0.9 : 0;
  if (!given('nesterov')) o.nesterov = ownOptimizer && recipe.nesterov;
  if (!given('weightDecay')) o.weightDecay = ownOptimizer ? recipe.weightDecay : 0;
  // A schedule replaces the per-step decay unless both are asked for.
  if (!given('decay')) o.decay = o.schedule === 'none' ? 1e-3 : 0;
  if (!given('valSplit')) {
    const needsValidation = o.earlyStop !== undefined || o.saveBest || o.schedule === 'plateau';
    o.valSplit = recipe.valSplit === 0 && needsValidation ? 0.1 : recipe.valSplit;
  }
}

/** Cross-flag rules, checked once every flag is known. */
function checkCombinations(o: TrainOptions, explicit: ReadonlySet<keyof TrainOptions>): void {
  for (const [flag, spec] of Object.entries(FLAGS)) {
    if (spec.schedules !== undefined && explicit.has(spec.key) && !spec.schedules.includes(o.schedule)) {
      throw new UsageError(`${flag} applies to --schedule ${spec.schedules.join(' | ')}, not ${o.schedule}`);
    }
  }
  if (o.schedule === 'multistep' && o.milestones === undefined) {
    throw new UsageError('--schedule multistep needs --milestones <e1,e2,…> (epochs)');
  }
  if (o.gamma !== undefined && o.gamma >= 1 && o.schedule !== 'exponential') {
    throw new UsageError(`--gamma must be below 1 for --schedule ${o.schedule}, got '${o.gamma}'`);
  }
  if (o.warmup > 0 && o.warmup >= o.epochs) {
    throw new UsageError(`--warmup ${o.warmup} must be shorter than --epochs ${o.epochs}`);
  }
  const noMomentum = o.optimizer === 'adam' || o.optimizer === 'adamw' || o.optimizer === 'adagrad';
  if (explicit.has('momentum') && noMomentum) {
    const why = o.optimizer === 'adagrad' ? 'it has none' : 'it uses betas 0.9, 0.999';
    throw new UsageError(`--momentum does not apply to ${o.optimizer} (${why})`);
  }
  if (o.nesterov && o.optimizer !== 'sgd')
    throw new UsageError(`--nesterov applies to sgd, not ${o.optimizer}`);
  if (o.nesterov && o.momentum === 0) throw new UsageError('--nesterov needs --momentum above 0');
  const augmentKnobs = (['maxShift', 'maxRotation', 'maxScale'] as const).filter((k) => explicit.has(k));
  if (augmentKnobs.length > 0 && !o.augment) {
    throw new UsageError(`--${kebab(augmentKnobs[0])} needs --augment`);
  }
  if (o.arch !== undefined && explicit.has('model')) {
    throw new UsageError('--arch and --model cannot be used together (--arch is the model)');
  }
  const watchers = [
    ['--early-stop', o.earlyStop !== undefined],
    ['--save-best', o.saveBest],
    ['--schedule plateau', o.schedule === 'plateau'],
  ] as const;
  for (const [flag, on] of watchers) {
    if (on && o.valSplit === 0) {
      throw new UsageError(`${flag} watches the validation loss: it needs --val-split above 0`);
    }
  }
}

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/**
 * Parses argv (without `node` and the script). Accepts `--flag value`, `--flag=value` and `--no-flag`
 * for on/off flags; fills what is not given from the preset's recipe; throws a {@link UsageError} for
 * unknown flags, missing or bad values, stray arguments and conflicts.
 */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const options = defaultOptions();
  const explicit = new Set<keyof TrainOptions>();
  const read = readFlags(argv, options, explicit);
  if ('kind' in read) return read;
  applyRecipe(options, explicit);
  checkCombinations(options, explicit);
  const mode: OutputMode = read.json ? 'json' : read.plain ? 'plain' : 'dashboard';
  return { kind: 'train', options, mode, explicit };
}

const GROUPS: Array<[Group, string]> = [
  ['model', 'Model'],
  ['data', 'Data'],
  ['optimisation', 'Optimisation'],
  ['output', 'Output'],
  ['compute', 'Compute'],
];

/** The `--help` text; `presets` are listed with their recipes. */
export function helpText(presets: readonly string[]): string {
  const rows = (group: Group): string[][] => {
    const r = Object.entries(FLAGS)
      .filter(([, spec]) => spec.group === group)
      .map(([flag, spec]) => [spec.arg === '' ? flag : `${flag} ${spec.arg}`, spec.help]);
    if (group === 'output') {
      r.push(['--plain', 'Keras-style text lines instead of the dashboard (automatic when not a TTY)']);
      r.push(['--json', 'one JSON event per line on stdout (see the README for the schema)']);
    }
    return r;
  };
  const all = [...GROUPS.flatMap(([g]) => rows(g)), ['-h, --help'], ['-v, --version']];
  const width = Math.max(...all.map((r) => r[0].length)) + 2;
  const table = (r: string[][]) => r.map(([a, b]) => `  ${a.padEnd(width)}${b}`);
  const presetWidth = Math.max(...presets.map((p) => p.length)) + 2;
  return [
    'scratchnet-train: train a convolutional network on MNIST-class data, with a live dashboard',
    '',
    'Usage: scratchnet-train [options]',
    '',
    'With no options it trains the simple-cnn preset on MNIST with its recipe and writes',
    'checkpoints/model.safetensors. Flags override any part of a preset’s recipe.',
    '',
    ...GROUPS.flatMap(([g, title]) => [`${title}:`, ...table(rows(g)), '']),
    'Other:',
    ...table([
      ['-h, --help', 'show this help'],
      ['-v, --version', 'show the version'],
    ]),
    '',
    'Presets and their recipes:',
    ...presets.map((p) => `  ${p.padEnd(presetWidth)}${recipeFor(p).summary}`),
    '',
    'Keys (dashboard): q save and quit · p pause/resume · s save a checkpoint now · Ctrl-C save and quit',
    'Signals: SIGINT (exit 130), SIGTERM (143) and SIGHUP (129) save a checkpoint before stopping.',
    '',
    'Examples:',
    '  scratchnet-train',
    '  scratchnet-train --model strong',
    '  scratchnet-train --dataset fashion-mnist --epochs 30 --optimizer adam --schedule plateau --early-stop 4',
    '  scratchnet-train --arch my-net.json --augment --schedule cosine --warmup 1 --save-best',
    '  scratchnet-train --epochs 8 --resume checkpoints/checkpoint-latest.safetensors',
    '  scratchnet-predict --model checkpoints/model.safetensors digit.png',
    '',
  ].join('\n');
}
