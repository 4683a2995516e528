/**
 * Capped reads of model and checkpoint files: the datasets package's readers (a regular file only when
 * under the cap, anything else only until the cap is passed), with failures raised as this package's
 * {@link SerializationError}.
 */
import {
  FileReadError,
  readFileCapped as readFileCappedAs,
  readStreamCapped as readStreamCappedAs,
} from '@scratchnet/datasets/node';
import { SerializationError } from '../errors.js';

async function asSerializationError<T>(read: Promise<T>): Promise<T> {
  try {
    return await read;
  } catch (e) {
    if (e instanceof FileReadError) throw new SerializationError(e.file, e.problem, { cause: e });
    throw e;
  }
}

/**
 * The whole file at `path`, refusing one larger than `maxBytes` (`what` names it in the message).
 *
 * @throws {SerializationError} naming the file: missing, unreadable, a directory, or over the cap.
 */
export function readFileCapped(path: string, maxBytes: number, what: string): Promise<Uint8Array> {
  return asSerializationError(readFileCappedAs(path, maxBytes, what));
}

/**
 * Everything a stream yields, refusing more than `maxBytes` (`name` labels the stream in messages).
 *
 * @throws {SerializationError} naming the stream: over the cap, or a read error.
 */
export function readStreamCapped(
  stream: AsyncIterable<Uint8Array | string> & { destroy?(): void },
  maxBytes: number,
  what: string,
  name = '<stdin>',
): Promise<Uint8Array> {
  return asSerializationError(readStreamCappedAs(stream, maxBytes, what, name));
}
