/**
 * `scratchnet-train`: parses the flags, starts the training worker and shows its progress as the Ink
 * dashboard (TTY), Keras-style lines (`--plain` or not a TTY) or JSON lines (`--json`).
 */
import { existsSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { PRESET_NAMES, resolvePresetName } from '@scratchnet/layers';
import { render } from 'ink';
import { type OutputMode, UsageError, helpText, parseArgs } from './args.js';
import { App } from './dashboard/App.js';
import { DashboardStore } from './dashboard/store.js';
import { Control, type QuitReason, type RunInfo, type WorkerMessage } from './protocol.js';
import { JsonReporter } from './report/json.js';
import { PlainReporter } from './report/plain.js';
import { summaryLines } from './report/summary.js';
import { checkOutputs } from './training/outputs.js';
import type { WorkerInput } from './worker.js';

declare const __VERSION__: string;

const NAME = 'scratchnet-train';

function fail(message: string): void {
  process.stderr.write(`${NAME}: ${message}\n`);
}

/**
 * Node 20's V8 has relaxed SIMD (fused multiply-add, ~20% faster GEMM) behind a flag; Node 22 and
 * later enable it by default. Set before the worker starts, so its wasm backend can pick the FMA
 * kernels (the tensor package falls back to plain SIMD wherever they do not validate).
 */
function enableRelaxedSimd(): void {
  if (Number(process.versions.node.split('.')[0]) < 22)
    setFlagsFromString('--experimental-wasm-relaxed-simd');
}

/**
 * Why stdout stopped working (its reader went away, the disk is full, …), or null while it works.
 * Output then stops; training saves and winds down like `q`.
 */
let stdoutFailure: NodeJS.ErrnoException | null = null;
let onStdoutFailure: () => void = () => {};

// Installed first, so no write (not even --help's) can end in an unhandled 'error' and a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  stdoutFailure ??= e;
  onStdoutFailure();
});

// Nothing more can be said when stderr itself fails; it must not crash the run either.
process.stderr.on('error', () => {});

function writeLine(line: string): void {
  if (stdoutFailure !== null) return;
  try {
    process.stdout.write(`${line}\n`);
  } catch (e) {
    // Files and terminals are written synchronously: ENOSPC, EIO throw here.
    stdoutFailure ??= e as NodeJS.ErrnoException;
    onStdoutFailure();
  }
}

/** Exit codes of signals that stop training after a checkpoint: 128 + the signal number. */
const SIGNAL_EXIT: Record<string, number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

/** Waits until what was written to stdout is flushed, or has failed (its 'error' event included). */
function stdoutDrained(): Promise<void> {
  return new Promise((resolve) => {
    if (stdoutFailure !== null) return resolve();
    try {
      process.stdout.write('', () => setImmediate(resolve));
    } catch (e) {
      stdoutFailure ??= e as NodeJS.ErrnoException;
      resolve();
    }
  });
}

/** Checks what can be checked before starting a worker; throws UsageError. */
function precheck(options: WorkerInput['options']): void {
  if (options.resume !== undefined && !existsSync(options.resume)) {
    throw new UsageError(`--resume: no such file '${options.resume}'`);
  }
  if (
    options.resume === undefined &&
    options.arch === undefined &&
    resolvePresetName(options.model) === undefined
  ) {
    throw new UsageError(`--model must be one of ${PRESET_NAMES.join(', ')}, got '${options.model}'`);
  }
  if (options.dataDir !== undefined && !existsSync(options.dataDir)) {
    throw new UsageError(`--data-dir: no such directory '${options.dataDir}'`);
  }
  if (options.arch !== undefined && !existsSync(options.arch)) {
    throw new UsageError(`--arch ${options.arch}: no such file`);
  }
  checkOutputs(options);
}

/** Runs the CLI; resolves to the process exit code. */
async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(argv);
    if (parsed.kind === 'train') precheck(parsed.options);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    fail(e.message);
    return 2;
  }
  if (parsed.kind === 'help' || parsed.kind === 'version') {
    writeLine(parsed.kind === 'help' ? helpText(PRESET_NAMES).trimEnd() : `${NAME} ${__VERSION__}`);
    await stdoutDrained();
    if (stdoutFailure === null) return 0;
    fail(`cannot write to stdout (${describeError(stdoutFailure)})`);
    return 1;
  }

  const mode: OutputMode =
    parsed.mode === 'dashboard' && !(process.stdout.isTTY && (process.stdout.rows ?? 0) >= 10)
      ? 'plain'
      : parsed.mode;
  enableRelaxedSimd();
  const control = new Control();
  const input: WorkerInput = {
    options: parsed.options,
    explicit: [...parsed.explicit],
    control: control.buffer,
  };
  // The bundle is one file (src/main.ts): started as a worker thread, it runs the training worker.
  const worker = new Worker(new URL(import.meta.url), { workerData: input });

  let info: RunInfo | null = null;
  let done: Extract<WorkerMessage, { type: 'done' }> | null = null;
  let error: { message: string; usage: boolean } | null = null;

  let signalled: NodeJS.Signals | null = null;
  const quit = (reason: QuitReason): void => {
    if (control.quitRequested) {
      // A second Ctrl-C (or signal): stop now, without waiting for the save.
      if (signalled !== null) process.exit(SIGNAL_EXIT[signalled] ?? 1);
      return;
    }
    control.requestQuit(reason);
  };

  let handle: (msg: WorkerMessage) => void;
  let ink: ReturnType<typeof render> | null = null;
  let inkExited: Promise<unknown> = Promise.resolve();
  if (mode === 'dashboard') {
    const store = new DashboardStore();
    handle = (msg) => store.apply(msg);
    const onQuit = (key: string) => {
      if (key === 'ctrl-c') signalled ??= 'SIGINT';
      quit('user');
    };
    ink = render(<App store={store} control={control} onQuit={onQuit} />, {
      exitOnCtrlC: false,
      maxFps: 10,
      // Ink's default renderer redraws whole frames inside synchronized-output escapes (no flicker in
      // terminals that support them); its incremental mode left stale rows behind in tmux.
    });
    // Asked for at once: Ink's exit promise never settles if the App exits before anyone waits on it.
    inkExited = ink.waitUntilExit().catch(() => undefined);
  } else {
    const reporter = mode === 'json' ? new JsonReporter(writeLine) : new PlainReporter(writeLine);
    handle = (msg) => reporter.handle(msg);
  }
  // A failing stdout is not worth a stack trace: stop writing, save and stop like `q`.
  onStdoutFailure = () => quit('output');
  if (stdoutFailure !== null) onStdoutFailure();
  const onSignal = (signal: NodeJS.Signals) => {
    const first = !control.quitRequested;
    signalled ??= signal;
    if (first && mode !== 'json') {
      const again = signal === 'SIGINT' ? 'Ctrl-C' : 'the signal';
      process.stderr.write(
        `\n${NAME}: ${signal}: saving a checkpoint and stopping (${again} again to abort)\n`,
      );
    }
    quit(signal === 'SIGINT' ? 'user' : 'signal');
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const sig of signals) process.on(sig, onSignal);

  await new Promise<void>((resolve) => {
    worker.on('message', (msg: WorkerMessage) => {
      if (msg.type === 'start') info = msg.info;
      if (msg.type === 'error') {
        error = { message: msg.message, usage: msg.usage };
        resolve();
        return;
      }
      handle(msg);
      if (msg.type === 'done') {
        done = msg;
        resolve();
      }
    });
    worker.on('error', (e) => {
      error = { message: e.message, usage: false };
      resolve();
    });
    worker.on('exit', (code) => {
      error ??= done
        ? null
        : { message: `the training worker exited unexpectedly (code ${code})`, usage: false };
      resolve();
    });
  });
  for (const sig of signals) process.off(sig, onSignal);
  await worker.terminate();

  if (ink !== null) {
    // After `done` the App draws its final frame and exits by itself; otherwise (errors) stop it now.
    // The timers are ref'd on purpose: they keep the process alive until the summary is printed.
    const within = async (ms: number) => {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([inkExited, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
      clearTimeout(timer);
    };
    await within(done ? 1500 : 0);
    ink.unmount();
    await within(500);
  }
  const err = error as { message: string; usage: boolean } | null;
  if (err !== null) {
    fail(err.message);
    return err.usage ? 2 : 1;
  }
  const finished = done as Extract<WorkerMessage, { type: 'done' }> | null;
  if (finished !== null && mode === 'dashboard')
    for (const line of summaryLines(finished, info)) writeLine(line);
  await stdoutDrained();
  return exitCode(finished, signalled);
}

/** The exit code, with the one-line explanation on stderr when the run did not end as asked. */
function exitCode(
  done: Extract<WorkerMessage, { type: 'done' }> | null,
  signal: NodeJS.Signals | null,
): number {
  if (done?.stopReason === 'diverged') {
    fail(done.stopMessage ?? 'training diverged');
    return 1;
  }
  // A reader that went away (| head) is a normal way to stop listening; other failures are errors.
  if (stdoutFailure !== null && stdoutFailure.code !== 'EPIPE') {
    const saved = done?.model ? `; the model was saved to ${done.model}` : '';
    const checkpoint = done?.checkpoint ? ` and a checkpoint to ${done.checkpoint}` : '';
    fail(`cannot write to stdout (${describeError(stdoutFailure)}): training stopped${saved}${checkpoint}`);
    return 1;
  }
  return signal !== null ? SIGNAL_EXIT[signal] : 0;
}

/** 'ENOSPC: no space left on device' without the syscall details. */
function describeError(e: NodeJS.ErrnoException): string {
  const text = e.message.replace(/^\w+: /, '').replace(/, \w+$/, '');
  return e.code ? `${e.code}: ${text}` : text;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    fail(e instanceof Error ? e.message : String(e));
    process.exitCode = 1;
  },
);
