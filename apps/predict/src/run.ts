import { readFileSync } from 'node:fs';
import {
  ClassificationError,
  ImageError,
  type PreprocessedImage,
  type Preprocessing,
  classifyPrepared,
  prepareImage,
} from '@scratchnet/datasets';
import type { Sequential } from '@scratchnet/layers';
import { type ModelMetadata, SerializationError, loadModel } from '@scratchnet/serialization';
import { setBackend } from '@scratchnet/tensor';
import { type Command, type PredictArgs, USAGE, UsageError, parseArgs } from './args.js';
import { displayName, formatJson, formatText } from './render.js';

declare const __VERSION__: string | undefined;

const NAME = 'scratchnet-predict';

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

/** The bytes of an image file, or an {@link ImageError} naming it. */
function readImage(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ImageError(
      file,
      code === 'ENOENT' ? 'no such file' : `cannot read file (${code ?? messageOf(e)})`,
    );
  }
}

async function predict(args: PredictArgs, io: Io): Promise<number> {
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
  const preprocessing: Preprocessing = metadata.preprocessing ?? {};

  // Prepare every image with the model's own preprocessing; failures are reported and skipped.
  let failed = false;
  const ready: { file: string; image: PreprocessedImage }[] = [];
  for (const file of args.images) {
    try {
      const bytes = file === '-' ? await io.readStdin() : readImage(file);
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
      model,
      ready.map((r) => r.image),
      { preprocessing, classNames: metadata.classNames, top: args.top },
    );
  } catch (e) {
    if (e instanceof ClassificationError) throw new Fatal(`${args.model}: ${e.message}`);
    throw new Fatal(`${args.model}: the model failed on its input: ${messageOf(e)}`);
  }

  const out: string[] = [];
  results.forEach((result, i) => {
    const p = { file: ready[i].file, result };
    if (args.json) out.push(formatJson(p));
    else {
      out.push(formatText(p, { show: args.show, color: io.color }));
      if (result.warnings.length > 0) {
        io.stderr(`${NAME}: warning: ${displayName(p.file)}: ${result.warnings.join('; ')}\n`);
      }
    }
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
