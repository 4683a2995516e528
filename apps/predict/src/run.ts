import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ImageError, preprocessImage } from '@scratchnet/datasets';
import type { Sequential } from '@scratchnet/layers';
import { type ModelMetadata, SerializationError, loadModel } from '@scratchnet/serialization/node';
import { Tensor, setBackend } from '@scratchnet/tensor';
import { type Command, PRETRAINED_LABEL, type PredictArgs, USAGE, UsageError, parseArgs } from './args.js';
import { type Prediction, formatJson, formatText } from './render.js';

declare const __VERSION__: string | undefined;

const NAME = 'scratchnet-predict';

/** The pretrained MNIST model shipped in the package's `pretrained/` folder, beside `dist/` and `src/`. */
export const PRETRAINED_MODEL = fileURLToPath(new URL('../pretrained/mnist.safetensors', import.meta.url));

/** The model to use: the one given, else the trainer's default file when it exists, else the pretrained one. */
function resolveModel(args: PredictArgs): { args: PredictArgs; label: string } {
  if (args.modelGiven || existsSync(args.model) || !existsSync(PRETRAINED_MODEL)) {
    return { args, label: args.model };
  }
  return { args: { ...args, model: PRETRAINED_MODEL }, label: PRETRAINED_LABEL };
}

/** The outside world, so the CLI can be driven in-process. */
export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  readStdin(): Promise<Uint8Array>;
  /** Draw --show pictures with ANSI colours. */
  color: boolean;
}

/** Thrown for a failure that ends the run with one message and exit code 1. */
class Fatal extends Error {}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Runs the CLI; resolves with the exit code (0 ok, 1 some image or the model failed, 2 usage). */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  let command: Command;
  try {
    command = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr(`${NAME}: ${e.message} (see ${NAME} --help)\n`);
    return 2;
  }
  if (command.kind === 'help') {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if (command.kind === 'version') {
    io.stdout(`${NAME} ${typeof __VERSION__ === 'string' ? __VERSION__ : 'dev'}\n`);
    return 0;
  }
  try {
    return await predict(command.args, io);
  } catch (e) {
    if (e instanceof Fatal) {
      io.stderr(`${NAME}: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

async function predict(given: PredictArgs, io: Io): Promise<number> {
  const { args, label: modelLabel } = resolveModel(given);
  // The reference backend. Measured (bench/start-time.mjs, 10+ runs each): wasm with 1 thread starts
  // no faster (its faster forward pass is paid back compiling the module and copying the weights in),
  // and js needs no WebAssembly at all.
  setBackend('js');
  const { model, metadata } = await load(args);
  const inputSize = model.inputShape.reduce((a, b) => a * b, 1);
  const outputShape = model.outputShape;
  if (inputSize !== 28 * 28 || outputShape.length !== 1) {
    throw new Fatal(
      `${args.model}: incompatible model: it maps [${model.inputShape.join(', ')}] to [${outputShape.join(', ')}], ` +
        `${NAME} needs 28×28 grayscale images ([1, 28, 28]) to class scores ([classes])`,
    );
  }
  const classes = outputShape[0];
  const classNames =
    metadata.classNames?.length === classes
      ? metadata.classNames
      : Array.from({ length: classes }, (_, i) => String(i));
  const { mean, std } = normalization(metadata);

  // Prepare every image; failures are reported and skipped.
  let failed = false;
  const ready: { file: string; input: Float32Array; pixels28: Uint8Array }[] = [];
  for (const file of args.images) {
    try {
      const source = file === '-' ? await io.readStdin() : file;
      const { input, pixels28 } = preprocessImage(source, {}, file === '-' ? '<stdin>' : file);
      ready.push({ file, input, pixels28 });
    } catch (e) {
      if (!(e instanceof ImageError)) throw e;
      io.stderr(`${NAME}: ${e.message}\n`);
      failed = true;
    }
  }
  if (ready.length === 0) return 1;

  // One forward pass for all of them: x [N, ...inputShape].
  const x = new Tensor([ready.length, ...model.inputShape]);
  const xd = x.data;
  ready.forEach((r, i) => {
    for (let j = 0; j < 784; j++) xd[i * 784 + j] = (r.input[j] - mean) / std;
  });
  let probs: Float32Array;
  try {
    probs = model.predict(x, { batchSize: ready.length }).data;
  } catch (e) {
    throw new Fatal(`${args.model}: the model failed on its input: ${messageOf(e)}`);
  }

  const out: string[] = [];
  ready.forEach((r, i) => {
    const probabilities = Array.from(probs.subarray(i * classes, (i + 1) * classes));
    let best = 0;
    for (let c = 1; c < classes; c++) if (probabilities[c] > probabilities[best]) best = c;
    const p: Prediction = {
      file: r.file,
      prediction: best,
      label: classNames[best],
      probabilities,
      pixels28: r.pixels28,
      classNames,
    };
    out.push(
      args.json
        ? formatJson(p, modelLabel)
        : formatText(p, { top: args.top, show: args.show, color: io.color }),
    );
  });
  io.stdout(`${out.join(args.json ? '\n' : '\n\n')}\n`);
  return failed ? 1 : 0;
}

async function load(args: PredictArgs): Promise<{ model: Sequential; metadata: ModelMetadata }> {
  try {
    return await loadModel(args.model);
  } catch (e) {
    if (e instanceof SerializationError && e.message.endsWith(': no such file')) {
      throw new Fatal(
        args.modelGiven
          ? `${args.model}: no such model file`
          : `no model at ${args.model}: train one with \`scratchnet-train\` (or \`pnpm train\` in the scratchnet repository), or pass --model <file>`,
      );
    }
    if (e instanceof SerializationError) throw new Fatal(e.message);
    throw new Fatal(`${args.model}: cannot load the model: ${messageOf(e)}`);
  }
}

/** The model's input normalisation, from its metadata (`preprocessing.normalization: { mean, std }`). */
function normalization(metadata: ModelMetadata): { mean: number; std: number } {
  const n = metadata.preprocessing?.normalization;
  if (n !== null && typeof n === 'object' && !Array.isArray(n)) {
    const { mean, std } = n;
    if (typeof mean === 'number' && typeof std === 'number' && std > 0) return { mean, std };
  }
  return { mean: 0, std: 1 };
}
