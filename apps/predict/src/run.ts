import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ClassificationError,
  ImageError,
  type PreprocessedImage,
  type Preprocessing,
  classifyPrepared,
  prepareImage,
} from '@scratchnet/datasets';
import { FileReadError, MAX_IMAGE_FILE_BYTES, readFileCapped } from '@scratchnet/datasets/node';
import { SerializationError, loadModel } from '@scratchnet/serialization/node';
import { setBackend } from '@scratchnet/tensor';
import { type Command, PRETRAINED_LABEL, type PredictArgs, USAGE, UsageError, parseArgs } from './args.js';
import { compiledPredictor } from './forward.js';
import { type ReadyModel, loadIntoKernels } from './model-file.js';
import { displayName, formatJson, formatText } from './render.js';

declare const __VERSION__: string | undefined;

const NAME = 'scratchnet-predict';

/** The bundle's own file (dist/scratchnet-predict.js), given by src/start.cjs; unset in the sources. */
declare const __bundleFile: string | undefined;

/**
 * The pretrained MNIST model shipped in the package, used when there is no trained one. From the
 * bundle's path by node:path, which start.cjs has loaded already: the same file as the URL way, whose
 * first use costs the bundle a few tenths of a millisecond.
 */
export const PRETRAINED_MODEL =
  typeof __bundleFile === 'string'
    ? join(dirname(__bundleFile), '../pretrained/mnist.safetensors')
    : fileURLToPath(new URL('../pretrained/mnist.safetensors', import.meta.url));

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
  /** Draw --show pictures with ANSI colours (read only for --show: it may be worked out when read). */
  readonly color: boolean;
  /** Called once answers are written (the launcher then keeps a code cache of the whole path). */
  answered?(): void;
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

/** The bytes of an image file, read under the image size cap, or an {@link ImageError} naming it. */
async function readImage(file: string): Promise<Uint8Array> {
  try {
    return await readFileCapped(file, MAX_IMAGE_FILE_BYTES, 'an image file');
  } catch (e) {
    throw new ImageError(file, e instanceof FileReadError ? e.problem : messageOf(e));
  }
}

async function predict(given: PredictArgs, io: Io): Promise<number> {
  const { args, label: modelLabel } = resolveModel(given);
  // The reference backend, for loading the model: the forward pass runs compiled (forward.ts). The
  // tensor package's wasm backend with 1 thread starts slower, measured: it decodes and compiles its
  // kernel module and fills the model's fresh weights before they are loaded.
  setBackend('js');
  const { model, metadata, predictor } = await load(args);
  const inputSize = model.inputShape.reduce((a, b) => a * b, 1);
  const outputShape = model.outputShape;
  if (inputSize !== 28 * 28 || outputShape.length !== 1) {
    throw new Fatal(
      `${args.model}: incompatible model: it maps [${model.inputShape.join(', ')}] to [${outputShape.join(', ')}], ` +
        `${NAME} needs 28×28 grayscale images ([1, 28, 28]) to class scores ([classes])`,
    );
  }
  const preprocessing: Preprocessing = metadata.preprocessing ?? {};

  // Prepare every image with the model's own preprocessing; failures are reported and skipped.
  let failed = false;
  const ready: { file: string; image: PreprocessedImage }[] = [];
  for (const file of args.images) {
    try {
      const bytes = file === '-' ? await io.readStdin() : await readImage(file);
      ready.push({ file, image: prepareImage(bytes, preprocessing, displayName(file)) });
    } catch (e) {
      if (!(e instanceof ImageError)) throw e;
      io.stderr(`${NAME}: ${e.message}\n`);
      failed = true;
    }
  }
  if (ready.length === 0) return 1;

  // One forward pass for all of them.
  let results: ReturnType<typeof classifyPrepared>;
  try {
    results = classifyPrepared(
      predictor,
      ready.map((r) => r.image),
      { preprocessing, classNames: metadata.classNames, top: args.top },
    );
  } catch (e) {
    if (e instanceof ClassificationError) throw new Fatal(`${args.model}: ${e.message}`);
    // Tensors the forward pass reads from the file as it goes (src/model-file.ts) are checked then.
    if (e instanceof SerializationError) throw new Fatal(e.message);
    throw new Fatal(`${args.model}: the model failed on its input: ${messageOf(e)}`);
  }

  const out: string[] = [];
  results.forEach((result, i) => {
    const p = { file: ready[i].file, result };
    if (args.json) out.push(formatJson(p, modelLabel));
    else {
      // io.color only when drawing: finding it out may cost the process a terminal stream.
      out.push(formatText(p, { show: args.show, color: args.show && io.color }));
      if (result.warnings.length > 0) {
        io.stderr(`${NAME}: warning: ${displayName(p.file)}: ${result.warnings.join('; ')}\n`);
      }
    }
  });
  io.stdout(`${out.join(args.json ? '\n' : '\n\n')}\n`);
  io.answered?.();
  return failed ? 1 : 0;
}

async function load(args: PredictArgs): Promise<ReadyModel> {
  try {
    const ready = loadIntoKernels(args.model);
    if (ready !== undefined) return ready;
    const { model, metadata } = await loadModel(args.model);
    return { model, metadata, predictor: compiledPredictor(model) };
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
