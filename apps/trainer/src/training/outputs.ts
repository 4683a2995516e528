import { accessSync, constants, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { type TrainOptions, UsageError } from '../args.js';
import { MODEL_FILE } from './files.js';
import { BEST_FILE } from './watchers.js';

type Kind = 'dir' | 'file' | 'missing';

function kindOf(path: string): Kind {
  try {
    return statSync(path).isDirectory() ? 'dir' : 'file';
  } catch {
    return 'missing';
  }
}

function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Why files cannot be written into directory `dir` (existing or to be created), or null when they can. */
function blocker(dir: string): string | null {
  const kind = kindOf(dir);
  if (kind === 'file') return `${dir} is a file`;
  if (kind === 'dir') return writable(dir) ? null : `no permission to write in ${dir}`;
  // Missing: the nearest existing ancestor decides whether it can be created.
  let parent = resolve(dir);
  while (kindOf(parent) === 'missing' && dirname(parent) !== parent) parent = dirname(parent);
  if (kindOf(parent) === 'file') return `${parent} is a file`;
  return writable(parent) ? null : `no permission to write in ${parent}`;
}

/** Checks that directory `dir` exists and can be written, or can be created. */
function checkDir(flag: string, dir: string): void {
  if (kindOf(dir) === 'file') throw new UsageError(`${flag} ${dir}: is a file, not a directory`);
  const why = blocker(dir);
  if (why !== null) throw new UsageError(`${flag} ${dir}: cannot write there, ${why}`);
}

/** Checks that a file can be written at `path` (its directory writable or creatable, no directory in the way). */
function checkFile(flag: string, path: string): void {
  if (kindOf(path) === 'dir') throw new UsageError(`${flag} ${path}: is a directory, not a file`);
  const why = blocker(dirname(path));
  if (why !== null) throw new UsageError(`${flag} ${path}: cannot write it, ${why}`);
  if (kindOf(path) === 'file' && !writableFile(path)) {
    throw new UsageError(`${flag} ${path}: the file exists and cannot be overwritten (no permission)`);
  }
}

function writableFile(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    // Atomic writes replace the file by renaming, which needs only the directory to be writable.
    return writable(dirname(path));
  }
}

/**
 * Refuses, before any training, output paths that could not be written: the `--out` directory (the
 * model, checkpoints and best model inside it) and the `--onnx` file.
 */
export function checkOutputs(o: Pick<TrainOptions, 'out' | 'onnx' | 'saveBest'>): void {
  checkDir('--out', o.out);
  for (const name of [MODEL_FILE, 'checkpoint-latest.safetensors', ...(o.saveBest ? [BEST_FILE] : [])]) {
    const path = join(o.out, name);
    if (kindOf(path) === 'dir')
      throw new UsageError(`--out ${o.out}: ${path} is a directory, in the way of the ${name} file`);
  }
  if (o.onnx !== undefined) checkFile('--onnx', o.onnx);
}
