import { describe, expect, it } from 'vitest';
import { UsageError, defaultOptions, helpText, parseArgs } from '../src/args.js';

function train(argv: string[]) {
  const parsed = parseArgs(argv);
  if (parsed.kind !== 'train') throw new Error(`expected a training run, got ${parsed.kind}`);
  return parsed;
}

describe('parseArgs', () => {
  it('defaults to the seed recipe with the dashboard', () => {
    const { options, mode, explicit } = train([]);
    expect(options).toEqual(defaultOptions());
    expect(options).toMatchObject({
      model: 'simple-cnn',
      dataset: 'mnist',
      epochs: 5,
      batchSize: 64,
      optimizer: 'sgd',
      lr: 0.05,
      momentum: 0.9,
      decay: 1e-3,
      out: 'checkpoints',
    });
    expect(mode).toBe('dashboard');
    expect(explicit.size).toBe(0);
  });

  it('reads --flag value and --flag=value, and records what was set explicitly', () => {
    const { options, mode, explicit } = train([
      '--epochs=3',
      '--batch-size',
      '32',
      '--optimizer',
      'adam',
      '--train-limit',
      '300',
      '--val-split=0',
      '--json',
    ]);
    expect(options).toMatchObject({
      epochs: 3,
      batchSize: 32,
      optimizer: 'adam',
      trainLimit: 300,
      valSplit: 0,
    });
    // adam's own defaults when not given
    expect(options.lr).toBe(0.001);
    expect(options.momentum).toBe(0);
    expect(mode).toBe('json');
    expect([...explicit].sort()).toEqual(['batchSize', 'epochs', 'optimizer', 'trainLimit', 'valSplit']);
  });

  it('asks for help and the version', () => {
    expect(parseArgs(['--epochs', '2', '--help']).kind).toBe('help');
    expect(parseArgs(['-v']).kind).toBe('version');
  });

  it.each([
    [['--epochs', '0'], "--epochs must be a positive integer, got '0'"],
    [['--epochs', '2.5'], "--epochs must be a positive integer, got '2.5'"],
    [['--lr', '-1'], "--lr must be a positive number, got '-1'"],
    [['--lr', 'fast'], "--lr must be a number, got 'fast'"],
    [['--momentum', '1'], "--momentum must be in [0, 1), got '1'"],
    [['--val-split', '-0.1'], "--val-split must be in [0, 1), got '-0.1'"],
    [['--optimizer', 'lion'], "--optimizer must be one of sgd, adam, adamw, rmsprop, adagrad, got 'lion'"],
    [['--dataset', 'cifar'], "--dataset must be one of mnist, fashion-mnist, got 'cifar'"],
    [['--backend', 'gpu'], "--backend must be one of auto, js, wasm, got 'gpu'"],
    [['--checkpoint-every', '1.5'], "--checkpoint-every must be a whole number of steps, got '1.5'"],
    [['--seed', '1e3'], "--seed must be an integer, got '1e3'"],
    [['--lr'], '--lr needs a value <rate>'],
    [['--out', '--json'], '--out needs a value <dir>'],
    [['--bogus'], "unknown option '--bogus' (see --help)"],
    [['train.png'], "unexpected argument 'train.png' (see --help)"],
    [['--plain', '--json'], '--plain and --json cannot be used together'],
    [
      ['--optimizer', 'adam', '--momentum', '0.5'],
      '--momentum does not apply to adam (it uses betas 0.9, 0.999)',
    ],
    // the flags of schedules, optimizers, augmentation and the watchers of the validation loss
    [
      ['--schedule', 'linear'],
      "--schedule must be one of none, step, multistep, exponential, cosine, cosine-restarts, plateau, got 'linear'",
    ],
    [['--schedule', 'multistep'], '--schedule multistep needs --milestones <e1,e2,…> (epochs)'],
    [
      ['--schedule', 'multistep', '--milestones', '5,3'],
      "--milestones must be increasing epochs ≥ 1, got '5,3'",
    ],
    [
      ['--schedule', 'multistep', '--milestones', '2,x'],
      "--milestones must be a comma-separated list of epochs, e.g. 5,8, got '2,x'",
    ],
    [['--milestones', '2,4'], '--milestones applies to --schedule multistep, not none'],
    [['--schedule', 'cosine', '--step-size', '2'], '--step-size applies to --schedule step, not cosine'],
    [['--t0', '2'], '--t0 applies to --schedule cosine-restarts, not none'],
    [['--schedule', 'step', '--gamma', '1.5'], "--gamma must be below 1 for --schedule step, got '1.5'"],
    [['--schedule', 'step', '--gamma', '0'], "--gamma must be a positive number, got '0'"],
    [
      ['--schedule', 'plateau', '--plateau-patience', '0'],
      "--plateau-patience must be a positive integer, got '0'",
    ],
    [['--min-lr', '0.001'], '--min-lr applies to --schedule cosine | cosine-restarts | plateau, not none'],
    [['--warmup', '5'], '--warmup 5 must be shorter than --epochs 5'],
    [['--warmup', '-1'], "--warmup must be a positive number, got '-1'"],
    [['--weight-decay', '-1'], "--weight-decay must be ≥ 0, got '-1'"],
    [['--nesterov=yes'], "--nesterov takes no value (got '--nesterov=yes')"],
    [['--optimizer', 'adam', '--nesterov'], '--nesterov applies to sgd, not adam'],
    [['--momentum', '0', '--nesterov'], '--nesterov needs --momentum above 0'],
    [['--optimizer', 'adagrad', '--momentum', '0.5'], '--momentum does not apply to adagrad (it has none)'],
    [['--max-shift', '3'], '--max-shift needs --augment'],
    [['--augment', '--max-scale', '1'], "--max-scale must be in [0, 1), got '1'"],
    [['--early-stop', '0'], "--early-stop must be a positive integer, got '0'"],
    [
      ['--early-stop', '3', '--val-split', '0'],
      '--early-stop watches the validation loss: it needs --val-split above 0',
    ],
    [
      ['--save-best', '--val-split', '0'],
      '--save-best watches the validation loss: it needs --val-split above 0',
    ],
    [
      ['--schedule', 'plateau', '--val-split', '0'],
      '--schedule plateau watches the validation loss: it needs --val-split above 0',
    ],
    [
      ['--arch', 'net.json', '--model', 'strong'],
      '--arch and --model cannot be used together (--arch is the model)',
    ],
    [['--threads', '1000'], "--threads must be at most 64, got '1000'"],
    [['--no-epochs'], "unknown option '--no-epochs' (see --help)"],
  ])('rejects %j with a one-line error', (argv, message) => {
    let thrown: unknown;
    try {
      parseArgs(argv);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(UsageError);
    expect((thrown as Error).message).toBe(message);
    expect((thrown as Error).message).not.toContain('\n');
  });

  it('reads the new flags', () => {
    const { options, explicit } = train([
      '--optimizer',
      'adagrad',
      '--schedule',
      'multistep',
      '--milestones',
      '3,6',
      '--gamma',
      '0.5',
      '--warmup',
      '0.5',
      '--weight-decay',
      '1e-4',
      '--augment',
      '--max-rotation',
      '15',
      '--early-stop',
      '3',
      '--save-best',
      '--no-stop-on-nan',
      '--threads',
      '64',
    ]);
    expect(options).toMatchObject({
      optimizer: 'adagrad',
      lr: 0.01,
      momentum: 0,
      schedule: 'multistep',
      milestones: [3, 6],
      gamma: 0.5,
      warmup: 0.5,
      weightDecay: 1e-4,
      decay: 0, // a schedule replaces the per-step decay
      augment: true,
      maxShift: 2,
      maxRotation: 15,
      earlyStop: 3,
      saveBest: true,
      stopOnNan: false,
      threads: 64,
      valSplit: 0.1,
    });
    expect(explicit.has('stopOnNan')).toBe(true);
    expect(train(['--nesterov']).options.nesterov).toBe(true);
    expect(train(['--arch', 'net.json']).options).toMatchObject({
      arch: 'net.json',
      model: 'simple-cnn',
      epochs: 5,
    });
  });

  it('gives every new flag a default that trains as before', () => {
    const { options } = train([]);
    expect(options).toMatchObject({
      schedule: 'none',
      decay: 1e-3,
      nesterov: false,
      weightDecay: 0,
      augment: false,
      normalize: false,
      earlyStop: undefined,
      saveBest: false,
      stopOnNan: true,
      warmup: 0,
      arch: undefined,
    });
  });

  it("applies the preset's recipe where the flags say nothing", () => {
    expect(train(['--model', 'strong']).options).toMatchObject({
      optimizer: 'sgd',
      lr: 0.05,
      momentum: 0.9,
      nesterov: true,
      weightDecay: 5e-4,
      decay: 0,
      schedule: 'cosine',
      epochs: 12,
      augment: true,
      maxShift: 2,
      maxRotation: 10,
      normalize: true,
      valSplit: 0,
    });
    // flags win; another optimizer drops the recipe's optimizer settings
    expect(train(['--model', 'strong', '--epochs', '3', '--no-augment']).options).toMatchObject({
      epochs: 3,
      augment: false,
      schedule: 'cosine',
    });
    expect(train(['--model', 'strong', '--optimizer', 'adam']).options).toMatchObject({
      optimizer: 'adam',
      lr: 0.001,
      momentum: 0,
      nesterov: false,
      weightDecay: 0,
      schedule: 'cosine',
    });
    // the strong recipe trains on every image, unless something watches a validation set
    expect(train(['--model', 'strong', '--early-stop', '2']).options.valSplit).toBe(0.1);
    expect(train(['--model', 'strong', '--schedule', 'none']).options.decay).toBe(1e-3);
  });
});

describe('helpText', () => {
  it('lists every flag in its group, and the presets with their recipes', () => {
    const help = helpText(['seed', 'mlp', 'strong']);
    for (const flag of [
      '--model',
      '--dataset',
      '--data-dir',
      '--epochs',
      '--batch-size',
      '--optimizer',
      '--lr',
      '--momentum',
      '--decay',
      '--seed',
      '--threads',
      '--backend',
      '--train-limit',
      '--test-limit',
      '--val-split',
      '--out',
      '--checkpoint-every',
      '--resume',
      '--onnx',
      '--plain',
      '--json',
      '--arch',
      '--schedule',
      '--warmup',
      '--weight-decay',
      '--nesterov',
      '--augment',
      '--early-stop',
      '--save-best',
      '--stop-on-nan',
    ]) {
      expect(help).toContain(`  ${flag} `);
    }
    const groups = ['Model:', 'Data:', 'Optimisation:', 'Output:', 'Compute:'].map((g) =>
      help.indexOf(`\n${g}\n`),
    );
    expect(groups.every((i) => i > 0)).toBe(true);
    expect([...groups].sort((a, b) => a - b)).toEqual(groups);
    const section = (g: string) =>
      help.slice(help.indexOf(`\n${g}\n`), help.indexOf('\n\n', help.indexOf(`\n${g}\n`) + 1));
    expect(section('Model:')).toContain('--arch <file.json>');
    expect(section('Data:')).toContain('--augment ');
    expect(section('Optimisation:')).toContain('--schedule <name>');
    expect(section('Output:')).toContain('--save-best ');
    expect(section('Compute:')).toContain('--threads <n>');
    expect(help).toContain('  seed    SGD lr 0.05, momentum 0.9, decay 1e-3, 5 epochs');
    expect(help).toMatch(/ {2}strong {2}SGD lr 0\.05, Nesterov 0\.9, weight decay 5e-4, cosine, 12 epochs/);
  });
});
