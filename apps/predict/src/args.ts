/** Command-line parsing for scratchnet-predict: small, strict, and with messages a user can act on. */

/** Where `scratchnet-train` writes its model by default. */
export const DEFAULT_MODEL = './checkpoints/model.safetensors';

/** How `--json` names the pretrained model shipped with the package when it is the one used. */
export const PRETRAINED_LABEL = 'pretrained:mnist';

/** Parsed command line. */
export interface PredictArgs {
  model: string;
  /** True when --model was given (the default path gets a "how to train one" hint when missing). */
  modelGiven: boolean;
  /** Classes listed per image, most likely first (default 3). */
  top: number;
  json: boolean;
  show: boolean;
  /** Image paths as given; `-` is standard input. */
  images: string[];
}

/** A usage error: exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** What the command line asks for. */
export type Command = { kind: 'help' } | { kind: 'version' } | { kind: 'predict'; args: PredictArgs };

export const USAGE = `Usage: scratchnet-predict [--model <file>] [options] <image>...

Reads the digit (or garment) in each PNG or JPEG image with a trained scratchnet model. Pictures
are prepared like MNIST's digits, the way the model's file says: uneven light, shadows, the table
past the page edge and ruled lines are left out, the digit's ink is found, cropped, scaled into a
20×20 box and centred in 28×28. All images go through the network in one forward pass. Doubtful
answers (low confidence, ink touching the border, several digit-like marks) get a warning line.

Arguments:
  <image>...            PNG or JPEG files; - reads one image from standard input

Options:
  -m, --model <file>    model file (default: ${DEFAULT_MODEL}, written by
                        scratchnet-train, when it exists; otherwise the pretrained MNIST
                        model shipped with scratchnet-predict)
  -k, --top <k>         list the k most likely classes (default: 3)
      --json            one JSON object per line per image: {"file","prediction",
                        "label","probability","top":[{"index","label","probability"}],
                        "warnings":[...],"model"}, top holding --top classes, model the
                        model file used, or "${PRETRAINED_LABEL}"
      --show            draw the ink found, the digit's crop and the 28×28 input
  -h, --help            show this help
  -v, --version         print the version

Exit status: 0 all images predicted, 1 some image or the model failed, 2 usage error.

Examples:
  scratchnet-predict digit.png
  scratchnet-predict --model fashion.safetensors --top 3 shoe.jpg bag.png
  cat photo.jpg | scratchnet-predict --json -`;

/** Parses argv (without node and the script). Throws {@link UsageError}. */
export function parseArgs(argv: readonly string[]): Command {
  const args: PredictArgs = {
    model: DEFAULT_MODEL,
    modelGiven: false,
    top: 3,
    json: false,
    show: false,
    images: [],
  };
  let i = 0;
  const value = (name: string, inline: string | undefined): string => {
    if (inline !== undefined) return inline;
    const v = argv[++i];
    if (v === undefined || (v.startsWith('-') && v !== '-')) throw new UsageError(`${name} needs a value`);
    return v;
  };
  let onlyFiles = false;
  for (; i < argv.length; i++) {
    const arg = argv[i];
    if (onlyFiles || arg === '-' || !arg.startsWith('-')) {
      args.images.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyFiles = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : undefined;
    switch (name) {
      case '-h':
      case '--help':
        return { kind: 'help' };
      case '-v':
      case '--version':
        return { kind: 'version' };
      case '-m':
      case '--model':
        args.model = value('--model', inline);
        args.modelGiven = true;
        if (args.model === '') throw new UsageError('--model needs a file');
        break;
      case '-k':
      case '--top': {
        const v = value('--top', inline);
        const k = Number(v);
        if (!/^\s*\d+\s*$/.test(v) || !Number.isInteger(k) || k < 1) {
          throw new UsageError(`--top needs a positive integer, got '${v}'`);
        }
        args.top = k;
        break;
      }
      case '--json':
        args.json = true;
        break;
      case '--show':
        args.show = true;
        break;
      default:
        throw new UsageError(`unknown option '${arg}'`);
    }
    if (inline !== undefined && (name === '--json' || name === '--show')) {
      throw new UsageError(`${name} takes no value`);
    }
  }
  if (args.images.length === 0) throw new UsageError('no image given');
  if (args.images.filter((f) => f === '-').length > 1) {
    throw new UsageError('standard input (-) can be read only once');
  }
  if (args.json && args.show)
    throw new UsageError('--show draws pictures and --json prints JSON: use one of them');
  return { kind: 'predict', args };
}
