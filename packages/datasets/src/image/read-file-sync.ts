/**
 * `preprocessImage(path)` reads the file synchronously. The browser-safe entry cannot import
 * `node:fs`, so it takes the module from the running Node at call time (`process.getBuiltinModule`,
 * Node ≥ 20.16), under the same size cap as `readImageFile`; elsewhere it says to pass the bytes.
 */
import { formatBytes } from '../io/format-bytes.js';

/** Largest image file read by default: 256 MiB (a 48-megapixel PNG is rarely over 150 MB). */
export const MAX_IMAGE_FILE_BYTES = 256 * 1024 * 1024;

type SyncFs = {
  openSync(path: string, flags: string): number;
  fstatSync(fd: number): { size: number; isFile(): boolean; isDirectory(): boolean };
  readSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number | null): number;
  closeSync(fd: number): void;
};

/** Reads a whole file (errors carry Node's `code`), refusing one over {@link MAX_IMAGE_FILE_BYTES}. */
export function readFileSync(path: string, maxBytes = MAX_IMAGE_FILE_BYTES): Uint8Array {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const fs = proc?.getBuiltinModule?.('node:fs') as SyncFs | undefined;
  if (fs === undefined) {
    throw new Error('reading a file by path needs Node.js ≥ 20.16; pass the image bytes instead');
  }
  const fd = fs.openSync(path, 'r');
  try {
    const info = fs.fstatSync(fd);
    if (info.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    if (info.isFile() && info.size > maxBytes) {
      throw new Error(`larger than the ${formatBytes(maxBytes)} limit for an image file`);
    }
    const parts: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const chunk = new Uint8Array(Math.min(1 << 20, maxBytes + 1 - total));
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      total += n;
      if (total > maxBytes)
        throw new Error(`larger than the ${formatBytes(maxBytes)} limit for an image file`);
      parts.push(chunk.subarray(0, n));
    }
    const out = new Uint8Array(total);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  } finally {
    fs.closeSync(fd);
  }
}
