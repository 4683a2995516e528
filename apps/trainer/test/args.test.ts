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
      model: 'seed',
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
    [['--optimizer', 'lion'], "--optimizer must be one of sgd, adam, adamw, rmsprop, got 'lion'"],
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
  ])('rejects %j with a one-line error', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(message);
    expect(message).not.toContain('\n');
  });
});

describe('helpText', () => {
  it('lists every flag of the issue and the presets', () => {
    const help = helpText(['seed', 'mlp']);
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
    ]) {
      expect(help).toContain(`  ${flag} `);
    }
    expect(help).toContain('Presets: seed, mlp');
  });
});
