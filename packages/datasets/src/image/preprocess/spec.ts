/**
 * The preprocessing a model expects, as stored in its file's metadata: a typed, validated record,
 * never free-form JSON (a typo in a key is an error naming it, not a setting silently ignored).
 */
import type { Normalization } from '../../dataset/image-dataset.js';
import type { PreprocessOptions } from '../preprocess.js';

/**
 * What is done to a picture before it reaches the network. `kind: 'mnist'` (the only kind, and the
 * default when absent, as in files written before the field existed): the picture is prepared the
 * way MNIST's digits were ({@link preprocessImage}) into [1, 28, 28], each pixel then becomes
 * `(byte · scale − mean) / std`.
 */
export interface Preprocessing {
  /** How a picture becomes the network input (default `'mnist'`). */
  kind?: 'mnist';
  /** Polarity: `'auto'` (default) detects dark ink on light paper; see {@link PreprocessOptions}. */
  invert?: 'auto' | boolean;
  /** See {@link PreprocessOptions.threshold}. */
  threshold?: number;
  /** See {@link PreprocessOptions.minBlobFraction}. */
  minBlobFraction?: number;
  /** See {@link PreprocessOptions.minStrokeWidth}. */
  minStrokeWidth?: number;
  /** Multiplies pixel bytes (0–255) before normalisation (default 1/255: inputs in [0, 1]). */
  scale?: number;
  /** Input normalisation `(x − mean) / std` after scaling; absent or null: none. */
  normalization?: Normalization | null;
  /** The network's input shape; `'mnist'` makes `[1, 28, 28]` (checked when classifying). */
  input?: number[];
  /** Name of the dataset the model was trained on (informational). */
  source?: string;
}

/** Thrown by {@link parsePreprocessing} for a preprocessing record that is not valid; names the field. */
export class PreprocessingError extends Error {
  override name = 'PreprocessingError';
  /** The file it came from, when known. */
  readonly file: string | undefined;
  /** What is wrong, without the file (`preprocessing.scale must be …`). */
  readonly problem: string;

  constructor(problem: string, file?: string) {
    super(file === undefined ? problem : `${file}: ${problem}`);
    this.file = file;
    this.problem = problem;
  }
}

const FIELDS = [
  'kind',
  'invert',
  'threshold',
  'minBlobFraction',
  'minStrokeWidth',
  'scale',
  'normalization',
  'input',
  'source',
] as const;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Validates a preprocessing record read from JSON (a model file's metadata) and returns it typed.
 *
 * @param file Names the source in errors.
 * @throws {PreprocessingError} naming the field: unknown keys, wrong types, out-of-range values.
 * @example
 * ```ts
 * parsePreprocessing({ kind: 'mnist', normalization: { mean: 0.1307, std: 0.3081 } });
 * parsePreprocessing({ invrt: true }); // PreprocessingError: preprocessing has an unknown field 'invrt' …
 * ```
 */
export function parsePreprocessing(json: unknown, file?: string): Preprocessing {
  const fail = (problem: string): never => {
    throw new PreprocessingError(problem, file);
  };
  if (!isRecord(json)) return fail(`preprocessing must be a JSON object, got ${describe(json)}`);
  for (const key of Object.keys(json)) {
    if (!(FIELDS as readonly string[]).includes(key)) {
      fail(`preprocessing has an unknown field '${key}' (known: ${FIELDS.join(', ')})`);
    }
  }
  const out: Preprocessing = {};
  const { kind, invert, threshold, minBlobFraction, minStrokeWidth, scale, normalization, input, source } =
    json as { [key: string]: Json | undefined };
  if (kind !== undefined) {
    if (kind !== 'mnist') fail(`preprocessing.kind must be 'mnist', got ${describe(kind)}`);
    out.kind = 'mnist';
  }
  if (invert !== undefined) {
    if (invert !== 'auto' && typeof invert !== 'boolean') {
      fail(`preprocessing.invert must be 'auto', true or false, got ${describe(invert)}`);
    }
    out.invert = invert as 'auto' | boolean;
  }
  const number = (name: string, v: Json | undefined, ok: (x: number) => boolean, range: string) => {
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) {
      fail(`preprocessing.${name} must be a number${range ? ` ${range}` : ''}, got ${describe(v)}`);
    }
    return v as number;
  };
  out.threshold = number('threshold', threshold, (x) => x >= 0 && x < 1, 'in [0, 1)');
  out.minBlobFraction = number('minBlobFraction', minBlobFraction, (x) => x >= 0 && x <= 1, 'in [0, 1]');
  out.minStrokeWidth = number('minStrokeWidth', minStrokeWidth, (x) => x >= 0, '≥ 0');
  out.scale = number('scale', scale, (x) => x > 0, '> 0');
  if (normalization !== undefined) {
    if (normalization === null) out.normalization = null;
    else {
      if (!isRecord(normalization)) {
        fail(`preprocessing.normalization must be { mean, std } or null, got ${describe(normalization)}`);
      }
      const n = normalization as { [key: string]: Json };
      for (const key of Object.keys(n)) {
        if (key !== 'mean' && key !== 'std')
          fail(`preprocessing.normalization has an unknown field '${key}'`);
      }
      const mean = number('normalization.mean', n.mean, () => true, '');
      const std = number('normalization.std', n.std, (x) => x > 0, '> 0');
      if (mean === undefined || std === undefined)
        fail('preprocessing.normalization needs both mean and std');
      out.normalization = { mean: mean as number, std: std as number };
    }
  }
  if (input !== undefined) {
    if (!Array.isArray(input) || !input.every((d) => typeof d === 'number' && Number.isInteger(d) && d > 0)) {
      fail(`preprocessing.input must be a shape (positive integers), got ${describe(input)}`);
    }
    out.input = (input as number[]).slice();
  }
  if (source !== undefined) {
    if (typeof source !== 'string') fail(`preprocessing.source must be a string, got ${describe(source)}`);
    out.source = source as string;
  }
  for (const key of Object.keys(out) as (keyof Preprocessing)[]) if (out[key] === undefined) delete out[key];
  return out;
}

/** The {@link PreprocessOptions} of a preprocessing record. */
export function preprocessOptionsOf(p: Preprocessing): PreprocessOptions {
  const options: PreprocessOptions = {};
  if (p.invert !== undefined) options.invert = p.invert;
  if (p.threshold !== undefined) options.threshold = p.threshold;
  if (p.minBlobFraction !== undefined) options.minBlobFraction = p.minBlobFraction;
  if (p.minStrokeWidth !== undefined) options.minStrokeWidth = p.minStrokeWidth;
  return options;
}
