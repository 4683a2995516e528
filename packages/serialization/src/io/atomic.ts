import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { SerializationError, messageOf } from '../errors.js';

/** Test seams of {@link writeFileAtomic}: called between its steps, they may throw to simulate a crash. */
export interface AtomicWriteHooks {
  /** After the temporary file is written and fsynced, before it is renamed over the target. */
  beforeRename?(tempPath: string): void | Promise<void>;
}

/** Options of {@link writeFileAtomic}. */
export interface AtomicWriteOptions {
  /** File mode of a newly created file (default 0o644, before the umask). */
  mode?: number;
  /** Test seams; see {@link AtomicWriteHooks}. */
  hooks?: AtomicWriteHooks;
}

/** True for names {@link writeFileAtomic} gives its temporary files, so directory listings can skip them. */
export function isTempFileName(name: string): boolean {
  return /^\..+\.[0-9a-f]{12}\.tmp$/.test(name);
}

/**
 * Writes `bytes` to `path` so that a crash at any moment leaves either the old file or the new one,
 * never a mix: write a temporary file in the same directory, fsync it, rename it over `path` (atomic on
 * POSIX and on NTFS), then fsync the directory so the rename itself is durable. On failure the
 * temporary file is removed, the old file is untouched, and a {@link SerializationError} naming `path`
 * says why.
 */
export async function writeFileAtomic(
  path: string,
  bytes: Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const file = await open(temp, 'wx', options.mode ?? 0o644);
    try {
      let written = 0;
      while (written < bytes.byteLength) {
        const { bytesWritten } = await file.write(bytes, written, bytes.byteLength - written);
        written += bytesWritten;
      }
      await file.sync();
    } finally {
      await file.close();
    }
    await options.hooks?.beforeRename?.(temp);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' ? `directory '${dir}' does not exist` : messageOf(error);
    throw new SerializationError(
      path,
      `cannot be written: ${problem} (the previous file, if any, is unchanged)`,
      {
        cause: error,
      },
    );
  }
  await syncDirectory(dir);
}

/** fsync a directory, making a rename in it durable. Some platforms (Windows) cannot; that is not an error. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EACCES') throw error;
  } finally {
    await handle?.close();
  }
}
