/**
 * Thrown for every problem reading or writing a model, checkpoint or safetensors file. The message
 * starts with the file it concerns (`"model.safetensors: header is not valid JSON: …"`), and
 * {@link SerializationError.file} holds it separately.
 */
export class SerializationError extends Error {
  override name = 'SerializationError';
  /** The file (or the label given for in-memory bytes) the problem is in. */
  readonly file: string;

  constructor(file: string, problem: string, options?: { cause?: unknown }) {
    super(`${file}: ${problem}`, options);
    this.file = file;
  }
}

/** The message of anything thrown, for wrapping errors from other packages. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A value from an untrusted file, for a message: JSON, or `missing` when absent. */
export function shown(value: unknown): string {
  return value === undefined ? 'missing' : JSON.stringify(value);
}
