// Entry point of the scratchnet-predict bundle. Nothing runs at import time but this: parse, predict, exit.
import { fstatSync, writeSync } from 'node:fs';
import { ImageError } from '@scratchnet/datasets';
import { FileReadError, MAX_IMAGE_FILE_BYTES, readStreamCapped } from '@scratchnet/datasets/node';
import { run } from './run.js';

async function readStdin(): Promise<Uint8Array> {
  if (process.stdin.isTTY) {
    throw new ImageError(
      '<stdin>',
      'standard input is a terminal: pipe a picture into it (cat digit.png | scratchnet-predict -)',
    );
  }
  // Capped like an image file: endless input is refused at the cap, never buffered without bound.
  try {
    return await readStreamCapped(process.stdin, MAX_IMAGE_FILE_BYTES, 'an image', '<stdin>');
  } catch (e) {
    if (e instanceof FileReadError) throw new ImageError('<stdin>', e.problem);
    throw e;
  }
}

const OUTPUT_ERRORS: Record<string, string> = {
  EPIPE: 'the reader went away',
  ENOSPC: 'no space left on device',
  EIO: 'input/output error',
  EBADF: 'it is closed',
};

// Whether `process.stdout` and `process.stderr` were created (each on first use, at a cost: see writeOut).
let stdoutStream = false;
let stderrStream = false;

/**
 * Writes `bytes` to descriptor `fd` with write(2) (see writeOut for why); returns how many went out:
 * all, or those before a full non-blocking pipe (EAGAIN). Other errors are thrown.
 */
function writeDirect(fd: number, bytes: Uint8Array): number {
  let at = 0;
  try {
    while (at < bytes.length) at += writeSync(fd, bytes, at);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
  }
  return at;
}

/** Writes to standard error like writeOut; what write(2) cannot take goes through `process.stderr`. */
function writeErr(text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  let at = 0;
  if (!stderrStream) {
    try {
      at = writeDirect(2, bytes);
    } catch {
      // `process.stderr` meets the same error and deals with it its own way
    }
  }
  if (at < bytes.length) {
    stderrStream = true;
    process.stderr.write(bytes.subarray(at));
  }
}

// Standard output can fail in many ways (a closed pipe, a full disk, a vanished terminal), at once
// (files: a synchronous throw) or later (pipes: an 'error' event): one line, exit status 1, whatever comes.
let outputFailed = false;
function outputError(e: unknown): void {
  if (!outputFailed) {
    outputFailed = true;
    const code = (e as NodeJS.ErrnoException | undefined)?.code;
    const why =
      code === undefined
        ? String((e as Error)?.message ?? e)
        : `${OUTPUT_ERRORS[code] ?? 'write failed'} (${code})`;
    try {
      writeErr(`scratchnet-predict: cannot write to standard output: ${why}\n`);
    } catch {
      // standard error is gone too: the exit status is all that is left
    }
  }
  process.exitCode = 1;
}

/**
 * Writes to standard output with write(2) on descriptor 1: `process.stdout` would load Node's stream
 * and net modules (about 25 internal modules, measured with process.moduleLoadList) for a few lines.
 * A non-blocking pipe that is full (EAGAIN) takes the rest through `process.stdout`, in order.
 */
function writeOut(text: string): void {
  if (outputFailed) return;
  const bytes = Buffer.from(text, 'utf8');
  let at: number;
  try {
    at = writeDirect(1, bytes);
  } catch (e) {
    outputError(e);
    return;
  }
  if (at < bytes.length) {
    stdoutStream = true;
    process.stdout.on('error', outputError);
    try {
      process.stdout.write(bytes.subarray(at));
    } catch (e2) {
      outputError(e2);
    }
  }
}

/** Whether standard output is a terminal; only a character device can be one (`process.stdout` says). */
function stdoutIsTerminal(): boolean {
  try {
    if (!fstatSync(1).isCharacterDevice()) return false;
  } catch {
    return false;
  }
  stdoutStream = true;
  return process.stdout.isTTY === true;
}

/**
 * Ends the run with exit code `code` once every byte is written: `process.exit` spares the process
 * the teardown of its heap (measured: ~2 ms); should a stream still hold queued writes (a full
 * non-blocking pipe), the event loop drains it first and the process ends on its own.
 */
function finish(code: number): void {
  process.exitCode = code;
  if (stdoutStream && process.stdout.writableLength > 0) return;
  if (stderrStream && process.stderr.writableLength > 0) return;
  process.exit();
}

// Given by the launcher (src/start.cjs) in the bundle: told once answers are written.
declare const __answered: (() => void) | undefined;

let color: boolean | undefined;
run(process.argv.slice(2), {
  stdout: writeOut,
  stderr: writeErr,
  readStdin,
  // Worked out when --show first needs it: on a terminal, `process.stdout` is a stream of Node's to load.
  get color() {
    color ??= stdoutIsTerminal() && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
    return color;
  },
  answered: typeof __answered === 'function' ? __answered : undefined,
}).then(
  (code) => finish(outputFailed ? 1 : code),
  (e: unknown) => {
    // A bug, not a user error: still one line, with a way to get the details.
    writeErr(`scratchnet-predict: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    if (process.env.SCRATCHNET_DEBUG) console.error(e);
    finish(1);
  },
);
