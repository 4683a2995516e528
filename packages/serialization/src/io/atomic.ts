import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync, statSync } from 'node:fs';
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

// `.<target>.p<pid>.<12 hex>.tmp`: the writer's pid tells a later process whether the writer is gone.
const TEMP_NAME = /^\.(.+)\.p([1-9][0-9]*)\.[0-9a-f]{12}\.tmp$/;
// Names written before temporary files carried the pid: judged by age alone.
const LEGACY_TEMP_NAME = /^\..+\.[0-9a-f]{12}\.tmp$/;

/** True for names {@link writeFileAtomic} gives its temporary files, so directory listings can skip them. */
export function isTempFileName(name: string): boolean {
  return TEMP_NAME.test(name) || LEGACY_TEMP_NAME.test(name);
}

/** The temporary name of a write of `path` by this process. */
function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.p${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/** Whether a process with this id is running (a process of another user counts as running). */
function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temporary files that killed writers left in `dir` (a SIGKILL mid-save cannot clean up):
 * those whose writer pid is no longer running, and legacy ones (no pid in the name) older than
 * `legacyMaxAgeMs`. A live writer's files are left alone. `prefix` limits the sweep to temporary
 * files of targets whose names start with it. Best effort: an unreadable directory is not an error.
 */
export function removeDeadTempFiles(dir: string, prefix = '', legacyMaxAgeMs = 60 * 60 * 1000): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  const now = Date.now();
  for (const name of names) {
    if (!name.startsWith(`.${prefix}`)) continue;
    const m = TEMP_NAME.exec(name);
    let dead: boolean;
    if (m !== null) dead = !processAlive(Number(m[2]));
    else if (LEGACY_TEMP_NAME.test(name)) {
      const info = statSafe(join(dir, name));
      dead = info !== undefined && now - info.mtimeMs > legacyMaxAgeMs;
    } else continue;
    if (dead) rmSync(join(dir, name), { force: true });
  }
}

function statSafe(path: string): { mtimeMs: number } | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Writes `bytes` to `path` so that a crash at any moment leaves either the old file or the new one,
 * never a mix: write a temporary file in the same directory (named after the target and this
 * process's pid), fsync it, rename it over `path` (atomic on POSIX and on NTFS), then fsync the
 * directory so the rename itself is durable. On failure the temporary file is removed, the old file is
 * untouched, and a {@link SerializationError} naming `path` says why. A process killed mid-write leaves
 * its temporary file; {@link removeDeadTempFiles} (run by `saveModel` and `CheckpointManager`) removes
 * it once that process is gone.
 */
export async function writeFileAtomic(
  path: string,
  bytes: Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const dir = dirname(path);
  const temp = tempPathFor(path);
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
