// End-to-end tests of the built CLI (dist/scratchnet-predict.js) with a model trained here on a
// subset of MNIST and pictures made here.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  FASHION_MNIST_CLASSES,
  MNIST_CLASSES,
  classifyImage,
  loadMnist,
  preprocessImage,
} from '@scratchnet/datasets/node';
import { Conv2d, Dense, Flatten, ReLU, Sequential } from '@scratchnet/layers';
import { modelFromBytes, modelToBytes, saveModel } from '@scratchnet/serialization/node';
import { Random, Tensor, setBackend } from '@scratchnet/tensor';
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONDITIONS, picture } from './photos.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist/scratchnet-predict.js');
const dir = mkdtempSync(join(tmpdir(), 'scratchnet-predict-'));
const modelPath = join(dir, 'mnist.safetensors');
const fashionPath = join(dir, 'fashion.safetensors');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function predict(
  args: string[],
  options: { cwd?: string; input?: Uint8Array; env?: Record<string, string> } = {},
): Run {
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd: options.cwd ?? dir,
    input: options.input,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', XDG_CACHE_HOME: join(dir, 'cache'), ...options.env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every stderr line is one clear message: no stack traces. */
function expectCleanErrors(r: Run): string[] {
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  for (const l of lines) {
    expect(l).toMatch(/^scratchnet-predict: /);
    expect(l).not.toMatch(/^\s+at |Error:/);
  }
  return lines;
}

// ---- pictures -------------------------------------------------------------------------------

/** 8-bit RGBA PNG/JPEG writers; `lum` is [h, w] luminance in [0, 1], 0 drawn in colour `ink`. */
function rgba(
  lum: Float32Array,
  alpha?: (i: number) => number,
  ink: [number, number, number] = [0, 0, 0],
): Uint8Array {
  const out = new Uint8Array(lum.length * 4);
  lum.forEach((v, i) => {
    const rgb = ink.map((c) => (v + (1 - v) * c) * 255);
    out.set([...rgb, (alpha?.(i) ?? 1) * 255].map(Math.round), 4 * i);
  });
  return out;
}
function png(
  lum: Float32Array,
  w: number,
  h: number,
  colorType: 0 | 2 | 4 | 6,
  alpha?: (i: number) => number,
  ink?: [number, number, number],
) {
  const p = new pngjs.PNG({ width: w, height: h });
  p.data = Buffer.from(rgba(lum, alpha, ink));
  return pngjs.PNG.sync.write(p, { colorType, inputColorType: 6, inputHasAlpha: true });
}
function jpg(lum: Float32Array, w: number, h: number): Uint8Array {
  return jpeg.encode({ width: w, height: h, data: rgba(lum) }, 85).data;
}

/** An MNIST digit (bytes, light on black) scaled by `f` (bilinear), as ink of `ink` on `paper`, at (x, y) of a w×h page. */
function page(
  digit: Uint8Array,
  f: number,
  w: number,
  h: number,
  x: number,
  y: number,
  paper: number,
  ink: number,
): Float32Array {
  const out = new Float32Array(w * h).fill(paper);
  const size = 28 * f;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const sx = Math.min(27, Math.max(0, (px + 0.5) / f - 0.5));
      const sy = Math.min(27, Math.max(0, (py + 0.5) / f - 0.5));
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const x1 = Math.min(27, x0 + 1);
      const y1 = Math.min(27, y0 + 1);
      const fx = sx - x0;
      const fy = sy - y0;
      const v =
        ((1 - fx) * (1 - fy) * digit[y0 * 28 + x0] +
          fx * (1 - fy) * digit[y0 * 28 + x1] +
          (1 - fx) * fy * digit[y1 * 28 + x0] +
          fx * fy * digit[y1 * 28 + x1]) /
        255;
      out[(y + py) * w + x + px] = paper + (ink - paper) * v;
    }
  }
  return out;
}

// ---- model ----------------------------------------------------------------------------------

let model: Sequential;
let loadedTest: Awaited<ReturnType<typeof loadMnist>>;
const samples: { label: number; pixels: Uint8Array }[] = [];
const files: Record<string, string> = {};

/** What the CLI should print for `file`: the same pipeline, in-process. */
function expected(file: string): number[] {
  const { input } = preprocessImage(readFileSync(file));
  return Array.from(model.predict(Tensor.fromArray(input, [1, 1, 28, 28])).data);
}

beforeAll(async () => {
  execFileSync(process.execPath, [join(root, 'build.mjs')], { cwd: root });
  setBackend('js');
  loadedTest = await loadMnist();
  const { train, test } = loadedTest;
  model = new Sequential([new Flatten(), new Dense(64), new ReLU(), new Dense(10)], {
    inputShape: [1, 28, 28],
    seed: 1,
  });
  const params = model.namedParameters();
  // Plain SGD, enough for ~90 % on MNIST after two short epochs.
  const sgd = {
    learningRate: 0.1,
    step() {
      for (const p of params) {
        const v = p.value.data;
        const g = p.grad.data;
        for (let i = 0; i < v.length; i++) v[i] -= 0.1 * g[i];
      }
    },
  };
  await model.fit(train.subset(0, 4000), { optimizer: sgd, epochs: 2, batchSize: 32, seed: 1 });
  await saveModel(model, modelPath, { classNames: [...MNIST_CLASSES], training: { dataset: 'mnist' } });
  await saveModel(model, fashionPath, { classNames: [...FASHION_MNIST_CLASSES] });

  // Test digits the model reads confidently, one per label where possible.
  const probs = model.predict(
    Tensor.fromArray(
      Float32Array.from(test.images.subarray(0, 200 * 784), (v) => v / 255),
      [200, 1, 28, 28],
    ),
  ).data;
  const seen = new Set<number>();
  for (let i = 0; i < 200 && samples.length < 5; i++) {
    const { label, pixels } = test.image(i);
    if (probs[i * 10 + label] > 0.95 && !seen.has(label)) {
      seen.add(label);
      samples.push({ label, pixels });
    }
  }
  const [a, b, c, d, e] = samples;
  const write = (name: string, bytes: Uint8Array) => {
    writeFileSync(join(dir, name), bytes);
    files[name] = join(dir, name);
  };
  write('gray.png', png(page(a.pixels, 1, 28, 28, 0, 0, 0, 1), 28, 28, 0)); // MNIST itself: white on black
  write('rgb.png', png(page(b.pixels, 4, 150, 130, 10, 5, 1, 0), 150, 130, 2, undefined, [0.1, 0.2, 0.7])); // dark blue ink on white
  const ink = page(c.pixels, 5, 160, 160, 5, 10, 0, 1);
  write(
    'rgba.png',
    png(new Float32Array(ink.length), 160, 160, 6, (i) => ink[i]),
  ); // black ink on a transparent canvas
  write('photo.jpg', jpg(page(d.pixels, 8, 300, 260, 40, 20, 0.8, 0.15), 300, 260)); // grey paper, soft ink
  write('large.png', png(page(e.pixels, 12, 900, 600, 520, 40, 1, 0), 900, 600, 0)); // large, off-centre, dark on white
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('scratchnet-predict', () => {
  it('reads digits in every kind of picture, all in one call', () => {
    const names = ['gray.png', 'rgb.png', 'rgba.png', 'photo.jpg', 'large.png'];
    const r = predict(['--json', '--model', modelPath, ...names.map((n) => files[n])]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    lines.forEach((line, i) => {
      const out = JSON.parse(line) as Record<string, unknown>;
      expect(Object.keys(out)).toEqual([
        'file',
        'prediction',
        'label',
        'probability',
        'top',
        'warnings',
        'model',
      ]);
      expect(out.model).toBe(modelPath);
      expect(out.file).toBe(files[names[i]]);
      expect(out.prediction).toBe(samples[i].label);
      expect(out.label).toBe(String(samples[i].label));
      expect(out.warnings).toEqual([]);
      // --top defaults to 3, most likely first; the batched CLI agrees with the in-process pipeline
      const want = expected(files[names[i]]);
      const order = want.map((_, c) => c).sort((a, b) => want[b] - want[a]);
      const top = out.top as { index: number; label: string; probability: number }[];
      expect(top.map((t) => t.index)).toEqual(order.slice(0, 3));
      top.forEach((t) => {
        expect(t.label).toBe(String(t.index));
        expect(t.probability).toBeCloseTo(want[t.index], 5);
      });
      expect(out.probability).toBe(top[0].probability);
    });
  });

  it('prints the file, the class and the probabilities as percentages, most likely first', () => {
    const r = predict(['--model', modelPath, files['large.png']]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    const probs = expected(files['large.png']);
    const label = samples[4].label;
    expect(lines[0]).toBe(`${files['large.png']}: ${label} (${(probs[label] * 100).toFixed(1)}%)`);
    expect(lines).toHaveLength(1 + 3);
    const order = probs.map((_, i) => i).sort((x, y) => probs[y] - probs[x]);
    lines.slice(1).forEach((line, j) => {
      expect(line).toMatch(
        new RegExp(`^  ${order[j]}  +${(probs[order[j]] * 100).toFixed(1).replace('.', '\\.')}%`),
      );
    });
    expect(lines[1]).toMatch(/█/);
  });

  it('names classes from the model metadata and trims with --top', () => {
    const r = predict(['--model', fashionPath, '--top', '3', files['gray.png']]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    const name = FASHION_MNIST_CLASSES[samples[0].label];
    expect(lines[0]).toMatch(
      new RegExp(`^${files['gray.png']}: ${name.replace('/', '\\/')} \\(\\d+\\.\\d%\\)$`),
    );
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(new RegExp(`^  ${name.replace('/', '\\/')} `));
    const json = JSON.parse(predict(['--json', '-m', fashionPath, '--top', '2', files['gray.png']]).stdout);
    expect(json.label).toBe(name);
    expect(json.top).toHaveLength(2);
    expect(
      JSON.parse(predict(['--json', '-m', fashionPath, '-k', '10', files['gray.png']]).stdout).top,
    ).toHaveLength(10);
  });

  it('reads standard input with -', () => {
    const r = predict(['--json', `--model=${modelPath}`, '-'], {
      input: png(page(samples[1].pixels, 3, 100, 100, 5, 5, 1, 0), 100, 100, 0),
    });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.file).toBe('-');
    expect(out.prediction).toBe(samples[1].label);
    const empty = predict(['--model', modelPath, '-'], { input: new Uint8Array(0) });
    expect(empty.code).toBe(1);
    expect(empty.stderr).toBe('scratchnet-predict: <stdin>: empty file\n');
  });

  it('draws the ink found, the crop and the 28×28 input with --show', () => {
    const r = predict(['--show', '--model', modelPath, '--top', '1', files['gray.png']]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1 + 1 + 16 + 1);
    expect(lines[1]).toMatch(/^ {3}ink found +digit +network input$/);
    const frame = `+${'-'.repeat(28)}+`;
    expect(lines[2]).toBe(`  ${frame}  ${frame}  ${frame}`);
    for (const l of lines.slice(3, 17)) expect(l).toMatch(/^ {2}\|.{28}\| {2}\|.{28}\| {2}\|.{28}\|$/);
    // the third picture is the network input, one character per 1×2 pixels (the brighter)
    const { pixels28 } = preprocessImage(readFileSync(files['gray.png']));
    const row = 7;
    const drawn = lines[3 + row].slice(67, 95);
    for (let x = 0; x < 28; x++) {
      const v = Math.max(pixels28[2 * row * 28 + x], pixels28[(2 * row + 1) * 28 + x]);
      expect(drawn[x] === ' ', `x ${x}`).toBe(v < 26);
    }
  });

  it('reports a bad image on one line, predicts the others, and exits 1', () => {
    writeFileSync(join(dir, 'anim.gif'), 'GIF89a\x01\x00\x01\x00');
    writeFileSync(join(dir, 'broken.png'), png(new Float32Array(100), 10, 10, 0).subarray(0, 50));
    writeFileSync(join(dir, 'blank.jpg'), jpg(new Float32Array(400).fill(1), 20, 20));
    const r = predict([
      '--json',
      '--model',
      modelPath,
      'missing.png',
      files['gray.png'],
      'anim.gif',
      'broken.png',
      'blank.jpg',
    ]);
    expect(r.code).toBe(1);
    expect(
      r.stdout
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l).file),
    ).toEqual([files['gray.png']]);
    expect(expectCleanErrors(r)).toEqual([
      'scratchnet-predict: missing.png: no such file',
      'scratchnet-predict: anim.gif: unsupported image format GIF (PNG and JPEG are supported)',
      expect.stringMatching(/^scratchnet-predict: broken\.png: corrupt PNG \(.+\)$/),
      'scratchnet-predict: blank.jpg: no ink found: the picture has no visible strokes against its background',
    ]);
  });

  it('uses the pretrained model when ./checkpoints/model.safetensors is missing, and says so', () => {
    const empty = mkdtempSync(join(dir, 'cwd-'));
    const r = predict(['--json', files['gray.png']], { cwd: empty });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.model).toBe('pretrained:mnist');
    expect(out.prediction).toBe(samples[0].label);
    expect(predict(['--help']).stdout).toContain('otherwise the pretrained MNIST\n');
    // ./checkpoints/model.safetensors is the default when it exists
    mkdirSync(join(empty, 'checkpoints'));
    execFileSync('cp', [modelPath, join(empty, 'checkpoints/model.safetensors')]);
    const own = predict(['--json', files['gray.png']], { cwd: empty });
    expect(own.code).toBe(0);
    expect(JSON.parse(own.stdout).model).toBe('./checkpoints/model.safetensors');
    expect(predict(['--model', 'nope.safetensors', files['gray.png']]).stderr).toBe(
      'scratchnet-predict: nope.safetensors: no such model file\n',
    );
    // A copy of the package where a URL escapes the path finds its pretrained model all the same.
    const odd = join(dir, 'odd dir #1 %41');
    for (const f of ['dist/scratchnet-predict.js', 'dist/package.json', 'pretrained/mnist.safetensors']) {
      mkdirSync(dirname(join(odd, f)), { recursive: true });
      execFileSync('cp', [join(root, f), join(odd, f)]);
    }
    const copied = spawnSync(
      process.execPath,
      [join(odd, 'dist/scratchnet-predict.js'), '--json', files['gray.png']],
      {
        cwd: mkdtempSync(join(dir, 'cwd-')),
        encoding: 'utf8',
        env: { ...process.env, XDG_CACHE_HOME: join(dir, 'cache') },
      },
    );
    expect(copied.stderr).toBe('');
    expect(copied.stdout).toBe(r.stdout);
  });

  it('rejects corrupt and incompatible models with one line naming the file', async () => {
    const corrupt = join(dir, 'corrupt.safetensors');
    writeFileSync(corrupt, 'this is not a model');
    let r = predict(['--model', corrupt, files['gray.png']]);
    expect(r.code).toBe(1);
    expect(expectCleanErrors(r)).toEqual([
      expect.stringMatching(new RegExp(`^scratchnet-predict: ${corrupt}: .+`)),
    ]);

    const colour = new Sequential([new Conv2d({ filters: 2, kernelSize: 3 }), new Flatten(), new Dense(10)], {
      inputShape: [3, 8, 8],
    });
    const incompatible = join(dir, 'rgb8.safetensors');
    await saveModel(colour, incompatible);
    r = predict(['--model', incompatible, files['gray.png']]);
    expect(r.code).toBe(1);
    expect(expectCleanErrors(r)).toEqual([
      `scratchnet-predict: ${incompatible}: incompatible model: it maps [3, 8, 8] to [10], scratchnet-predict needs 28×28 grayscale images ([1, 28, 28]) to class scores ([classes])`,
    ]);
  });

  it('keeps its compiled code in a cache that never changes an answer, missing, stale or corrupt', () => {
    const cacheHome = join(dir, 'code-cache');
    const env = { XDG_CACHE_HOME: cacheHome };
    const cacheDir = join(cacheHome, 'scratchnet');
    const args = ['--json', '-m', modelPath, files['gray.png'], files['photo.jpg']];
    // Runs that answer nothing (--help, a missing image) compile only part of the path: no cache yet.
    expect(predict(['--help'], { env }).code).toBe(0);
    expect(predict(['-m', modelPath, join(dir, 'no-such.png')], { env }).code).toBe(1);
    expect(existsSync(cacheDir) ? readdirSync(cacheDir) : []).toEqual([]);
    const first = predict(args, { env });
    expect(first.code).toBe(0);
    const written = readdirSync(cacheDir);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(
      new RegExp(`^predict-[0-9a-f]{16}-${process.version}-${process.arch}\\.v8cache$`),
    );
    const cacheFile = join(cacheDir, written[0]);
    expect(statSync(cacheFile).size).toBeGreaterThan(10_000);
    // Read back: the same output.
    expect(predict(args, { env })).toEqual(first);
    // Garbage in the cache is rejected by V8, the CLI compiles its own code, answers the same and
    // writes a good cache again; another build's cache is removed.
    writeFileSync(cacheFile, new Uint8Array(4096).fill(7));
    writeFileSync(join(cacheDir, 'predict-0123456789abcdef-v0.0.0-x64.v8cache'), 'old');
    expect(predict(args, { env })).toEqual(first);
    expect(readdirSync(cacheDir)).toEqual(written);
    expect(statSync(cacheFile).size).toBeGreaterThan(10_000);
    // No usable cache directory: still the same answer.
    writeFileSync(join(dir, 'not-a-dir'), '');
    expect(predict(args, { env: { XDG_CACHE_HOME: join(dir, 'not-a-dir') } })).toEqual(first);
  });

  it('exits 2 on usage errors and 0 for --help', () => {
    const usage: [string[], string][] = [
      [[], 'no image given'],
      [['--frobnicate', 'a.png'], "unknown option '--frobnicate'"],
      [['--top', '0', 'a.png'], "--top needs a positive integer, got '0'"],
      [['--top', 'x', 'a.png'], "--top needs a positive integer, got 'x'"],
      [['--model'], '--model needs a value'],
      [['-', '-'], 'standard input (-) can be read only once'],
      [['--json', '--show', 'a.png'], '--show draws pictures and --json prints JSON: use one of them'],
    ];
    for (const [args, message] of usage) {
      const r = predict(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toBe(`scratchnet-predict: ${message} (see scratchnet-predict --help)\n`);
    }
    const help = predict(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: scratchnet-predict \[--model <file>\]/);
    expect(predict(['--version']).stdout).toMatch(/^scratchnet-predict \d+\.\d+\.\d+\n$/);
  });
  it('warns on one line when unsure: two digits, ink at the border', () => {
    // two digits side by side on one page
    const a = page(samples[0].pixels, 5, 400, 160, 20, 10, 1, 0);
    const b = page(samples[1].pixels, 5, 400, 160, 240, 10, 1, 0);
    writeFileSync(
      join(dir, 'two.png'),
      png(
        a.map((v, i) => Math.min(v, b[i])),
        400,
        160,
        0,
      ),
    );
    const text = predict(['--model', modelPath, join(dir, 'two.png')]);
    expect(text.code).toBe(0);
    expect(expectCleanErrors(text)).toEqual([
      expect.stringMatching(
        /^scratchnet-predict: warning: .*two\.png: (.*; )?2 separate marks look like digits/,
      ),
    ]);
    const json = predict(['--json', '--model', modelPath, join(dir, 'two.png')]);
    expect(json.stderr).toBe('');
    expect(JSON.parse(json.stdout).warnings).toContain(
      '2 separate marks look like digits: read the largest, most central one',
    );
    // a digit cut by the picture's bottom edge
    const cut = page(samples[2].pixels, 5, 200, 120, 30, 0, 1, 0).subarray(0, 200 * 100);
    writeFileSync(join(dir, 'cut.png'), png(cut, 200, 100, 0));
    const r = JSON.parse(predict(['--json', '--model', modelPath, join(dir, 'cut.png')]).stdout);
    expect(r.warnings).toContain("the ink touches the picture's border: the digit may be cut off");
  });

  it('reports a failing standard output on one line and exits 1', () => {
    for (const args of [
      ['--help'],
      ['--model', modelPath, files['gray.png']],
      ['--json', '--model', modelPath, files['gray.png']],
    ]) {
      const r = spawnSync(
        'sh',
        ['-c', `"${process.execPath}" "${cli}" ${args.map((a) => `"${a}"`).join(' ')} > /dev/full`],
        {
          encoding: 'utf8',
        },
      );
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stderr).toBe(
        'scratchnet-predict: cannot write to standard output: no space left on device (ENOSPC)\n',
      );
    }
    // a closed pipe: the reader went away before the output was written
    const closed = spawnSync(
      'sh',
      [
        '-c',
        `"${process.execPath}" "${cli}" --model "${modelPath}" ${Array(40).fill(`"${files['large.png']}"`).join(' ')} | true`,
      ],
      { encoding: 'utf8' },
    );
    expect(closed.stderr).not.toMatch(/\n\s+at |Error:/);
  });

  it('refuses a model whose outputs are not numbers, and a model with a mistyped preprocessing', async () => {
    // NaN weights are refused when the file is read (naming the tensor); finite weights so large that
    // the outputs overflow are caught after the forward pass.
    const broken = modelFromBytes(modelToBytes(model)).model;
    for (const p of broken.namedParameters()) p.value.data.fill(Number.NaN);
    const nan = join(dir, 'nan.safetensors');
    await saveModel(broken, nan, { classNames: [...MNIST_CLASSES] });
    const huge = join(dir, 'huge.safetensors');
    for (const p of broken.namedParameters()) p.value.data.fill(3e38);
    await saveModel(broken, huge, { classNames: [...MNIST_CLASSES] });
    for (const args of [[], ['--json']]) {
      const r = predict([...args, '--model', nan, files['gray.png']]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(expectCleanErrors(r)).toEqual([
        `scratchnet-predict: ${nan}: tensor '1.weight' holds a non-finite value (NaN at element 0): the weights are corrupt`,
      ]);
      const o = predict([...args, '--model', huge, files['gray.png']]);
      expect(o.code).toBe(1);
      expect(o.stdout).toBe('');
      expect(expectCleanErrors(o)).toEqual([
        `scratchnet-predict: ${huge}: the model's outputs are not finite numbers (NaN or infinity): its weights are broken`,
      ]);
    }
    // a file whose metadata says `invret` (edited by hand, same length: saveModel refuses it)
    const bytes = Buffer.from(modelToBytes(model, { preprocessing: { invert: false } }));
    const at = bytes.indexOf('\\"invert\\"');
    expect(at).toBeGreaterThan(0);
    bytes.write('\\"invret\\"', at);
    const typo = join(dir, 'typo.safetensors');
    writeFileSync(typo, bytes);
    const r = predict(['--model', typo, files['gray.png']]);
    expect(r.code).toBe(1);
    expect(expectCleanErrors(r)).toEqual([
      expect.stringMatching(
        new RegExp(`^scratchnet-predict: ${typo}: preprocessing has an unknown field 'invret'`),
      ),
    ]);
  });
});

describe('reading photographed digits', () => {
  it('reads photos under shadows, the table, vignetting, ruled lines and blue ink as well as clean ones', () => {
    // Photo-like pictures (test/photos.ts) of MNIST test digits the model never trained on. The small
    // model of this test is an MLP (not shift-invariant), so the bar is relative: no condition may
    // read much worse than clean photos, and all of them together must be close to clean ones.
    const { test } = loadedTest;
    const n = 25;
    const digits = Array.from({ length: n }, (_, i) => test.image(200 + i));
    const accuracy: Record<string, number> = {};
    CONDITIONS.forEach((condition, k) => {
      let right = 0;
      digits.forEach((d, i) => {
        const bytes = picture(d.pixels, condition, new Random(11, k, i), 200, 150);
        if (classifyImage(model, bytes, {}, `${condition}-${i}.jpg`).prediction === d.label) right++;
      });
      accuracy[condition] = right / n;
    });
    const report = JSON.stringify(accuracy);
    expect(accuracy.clean, report).toBeGreaterThanOrEqual(0.7);
    const all = Object.values(accuracy).reduce((a, b) => a + b, 0) / CONDITIONS.length;
    expect(all, report).toBeGreaterThanOrEqual(accuracy.clean - 0.05);
    for (const c of CONDITIONS)
      expect(accuracy[c], `${c}: ${report}`).toBeGreaterThanOrEqual(accuracy.clean - 0.12);
  }, 300_000);
});
