import { open } from 'node:fs/promises';
import { SerializationError, messageOf } from '../errors.js';

/** Bytes read per system call while the size is unknown (pipes, devices). */
const CHUNK = 1 << 20;

/** `1.5 GiB`, `512 MiB`, `300 KiB`: sizes in messages. */
export function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} bytes` : `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[u]}`;
}

function checkCap(maxBytes: number): void {
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
    throw new RangeError(`maxBytes must be a non-negative integer, got ${maxBytes}`);
  }
}

function tooLarge(file: string, maxBytes: number, what: string): SerializationError {
  return new SerializationError(file, `larger than the ${formatBytes(maxBytes)} limit for ${what}: refused`);
}

/** Appends `chunk` to `parts`, throwing once their total passes `maxBytes`. */
class CappedBuffer {
  private readonly parts: Uint8Array[] = [];
  private total = 0;
  constructor(
    private readonly maxBytes: number,
    private readonly onOverflow: () => Error,
  ) {}
  /** Room left before the cap is passed by one byte. */
  get room(): number {
    return this.maxBytes + 1 - this.total;
  }
  push(chunk: Uint8Array): void {
    this.total += chunk.byteLength;
    if (this.total > this.maxBytes) throw this.onOverflow();
    this.parts.push(chunk);
  }
  bytes(): Uint8Array {
    if (this.parts.length === 1) return this.parts[0];
    const out = new Uint8Array(this.total);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.byteLength;
    }
    return out;
  }
}

/**
 * Reads a whole file, refusing one larger than `maxBytes` before reading it (a regular file's size
 * is known up front) or as soon as the bytes read pass the cap (pipes, devices: `/dev/zero` is refused
 * after `maxBytes + 1` bytes, never read to the end). `what` says what the file is for the message:
 * `"model.safetensors: larger than the 1 GiB limit for a model file: refused"`.
 *
 * @throws {SerializationError} naming the file: missing, unreadable, a directory, or over the cap.
 */
export async function readFileCapped(path: string, maxBytes: number, what: string): Promise<Uint8Array> {
  checkCap(maxBytes);
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, 'r');
    const info = await handle.stat();
    if (info.isDirectory()) throw new SerializationError(path, 'is a directory, not a file');
    if (info.isFile()) {
      if (info.size > maxBytes) throw tooLarge(path, maxBytes, what);
      const out = await handle.readFile();
      // A file that grew past the cap between the size check and the read.
      if (out.byteLength > maxBytes) throw tooLarge(path, maxBytes, what);
      return out;
    }
    const buffer = new CappedBuffer(maxBytes, () => tooLarge(path, maxBytes, what));
    for (;;) {
      const chunk = new Uint8Array(Math.min(CHUNK, buffer.room));
      const { bytesRead } = await handle.read(chunk, 0, chunk.byteLength, null);
      if (bytesRead === 0) break;
      buffer.push(chunk.subarray(0, bytesRead));
    }
    return buffer.bytes();
  } catch (e) {
    if (e instanceof SerializationError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new SerializationError(
      path,
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory, not a file'
          : `cannot be read: ${messageOf(e)}`,
      { cause: e },
    );
  } finally {
    await handle?.close();
  }
}

/**
 * Reads a stream (such as `process.stdin`) to its end, refusing it as soon as more than `maxBytes`
 * arrived (the stream is then destroyed, nothing more is read). `name` labels the stream in errors
 * (`'<stdin>'`).
 *
 * @throws {SerializationError} naming the stream: over the cap, or a read error.
 */
export async function readStreamCapped(
  stream: AsyncIterable<Uint8Array | string> & { destroy?(): void },
  maxBytes: number,
  what: string,
  name = '<stdin>',
): Promise<Uint8Array> {
  checkCap(maxBytes);
  const buffer = new CappedBuffer(maxBytes, () => tooLarge(name, maxBytes, what));
  try {
    for await (const chunk of stream) {
      buffer.push(typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk);
    }
  } catch (e) {
    stream.destroy?.();
    if (e instanceof SerializationError) throw e;
    throw new SerializationError(name, `cannot be read: ${messageOf(e)}`, { cause: e });
  }
  return buffer.bytes();
}
