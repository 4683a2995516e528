import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { removeDeadTempFiles, writeFileAtomic } from '../io/atomic.js';
import { type CheckpointState, type LoadedCheckpoint, checkpointToBytes } from './checkpoint.js';
import type { ReadModelOptions } from '../model/files.js';
import { loadCheckpoint } from './files.js';

/** Options of {@link CheckpointManager}. */
export interface CheckpointManagerOptions {
  /** How many numbered checkpoints to keep (the newest; default 3, at least 1). */
  keep?: number;
  /** File-name prefix (default `'checkpoint'`). */
  prefix?: string;
  /**
   * Temporary files of saves carry their writer's pid: those of processes no longer running are
   * removed when a manager is created and after each save. Files written by older versions (no pid in
   * the name) are removed once older than this many milliseconds. Default one hour (a live save takes
   * seconds).
   */
  staleTempMs?: number;
}

/**
 * Keeps the last K checkpoints of a training run in a directory:
 * `checkpoint-e0002-b000150.safetensors` (epochs completed, batches into the next epoch), plus
 * `checkpoint-latest.safetensors`, always the newest, under a stable name to resume from. Every file
 * is written atomically, so a crash never leaves a broken checkpoint behind.
 *
 * @example
 * ```ts
 * const checkpoints = new CheckpointManager('./checkpoints', { keep: 3 });
 * await checkpoints.save({ model, optimizer, epoch, batch: 0 });
 * const resumed = await checkpoints.loadLatest(); // undefined when there is none
 * ```
 */
export class CheckpointManager {
  /** The directory holding the checkpoints. */
  readonly dir: string;
  /** Number of numbered checkpoints kept. */
  readonly keep: number;
  /** File-name prefix. */
  readonly prefix: string;
  private readonly pattern: RegExp;

  constructor(dir: string, options: CheckpointManagerOptions = {}) {
    const keep = options.keep ?? 3;
    if (!Number.isInteger(keep) || keep < 1) {
      throw new RangeError(`CheckpointManager: keep must be a positive integer, got ${keep}`);
    }
    const prefix = options.prefix ?? 'checkpoint';
    if (!/^[\w.-]+$/.test(prefix)) {
      throw new Error(`CheckpointManager: prefix '${prefix}' must be letters, digits, '_', '-' or '.'`);
    }
    this.dir = dir;
    this.keep = keep;
    this.prefix = prefix;
    this.staleTempMs = options.staleTempMs ?? 60 * 60 * 1000;
    this.pattern = new RegExp(`^${prefix.replace(/\./g, '\\.')}-e(\\d+)-b(\\d+)\\.safetensors$`);
    // A run killed mid-save (SIGKILL, power loss) left its temporary files: this start clears them.
    removeDeadTempFiles(dir, `${prefix}-`, this.staleTempMs);
  }

  /** Age after which a temporary file of a save is considered left over by a killed process. */
  readonly staleTempMs: number;

  /** Path of the always-newest checkpoint, `<dir>/<prefix>-latest.safetensors`. */
  get latestPath(): string {
    return join(this.dir, `${this.prefix}-latest.safetensors`);
  }

  /** Path of the numbered checkpoint for a position. */
  pathFor(epoch: number, batch: number): string {
    const e = String(epoch).padStart(4, '0');
    const b = String(batch).padStart(6, '0');
    return join(this.dir, `${this.prefix}-e${e}-b${b}.safetensors`);
  }

  /**
   * Saves a checkpoint as the numbered file for its (epoch, batch) and as the latest, then deletes the
   * oldest numbered files beyond {@link keep} and stale temporary files of saves that were killed.
   * Returns the numbered file's path.
   */
  async save(state: CheckpointState): Promise<string> {
    const bytes = checkpointToBytes(state);
    await mkdir(this.dir, { recursive: true });
    const path = this.pathFor(state.epoch, state.batch);
    await writeFileAtomic(path, bytes);
    await writeFileAtomic(this.latestPath, bytes);
    const all = await this.list();
    for (const old of all.slice(0, Math.max(0, all.length - this.keep))) await rm(old, { force: true });
    removeDeadTempFiles(this.dir, `${this.prefix}-`, this.staleTempMs);
    return path;
  }

  /** The numbered checkpoints in the directory, oldest (least trained) first. */
  async list(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const found: { name: string; epoch: number; batch: number }[] = [];
    for (const name of names) {
      const m = this.pattern.exec(name);
      if (m !== null) found.push({ name, epoch: Number(m[1]), batch: Number(m[2]) });
    }
    found.sort((a, b) => a.epoch - b.epoch || a.batch - b.batch);
    return found.map((f) => join(this.dir, f.name));
  }

  /** The checkpoint to resume from: the latest file, else the newest numbered one, else undefined. */
  async latest(): Promise<string | undefined> {
    try {
      await stat(this.latestPath);
      return this.latestPath;
    } catch {
      return (await this.list()).at(-1);
    }
  }

  /** Loads {@link latest} into fresh objects, or returns undefined when the directory holds no checkpoint. */
  async loadLatest(options: ReadModelOptions = {}): Promise<LoadedCheckpoint | undefined> {
    const path = await this.latest();
    return path === undefined ? undefined : loadCheckpoint(path, options);
  }
}
