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
import { Control, type RunInfo, type WorkerMessage } from './protocol.js';
import { JsonReporter } from './report/json.js';
import { PlainReporter } from './report/plain.js';
import { summaryLines } from './report/summary.js';
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

/** False once stdout's reader went away (e.g. `| head`): output stops and training winds down. */
let stdoutOpen = true;

function writeLine(line: string): void {
  if (stdoutOpen) process.stdout.write(`${line}\n`);
}

/** Checks what can be checked before starting a worker; throws UsageError. */
function precheck(options: WorkerInput['options']): void {
  if (options.resume !== undefined && !existsSync(options.resume)) {
    throw new UsageError(`--resume: no such file '${options.resume}'`);
  }
  if (options.resume === undefined && resolvePresetName(options.model) === undefined) {
    throw new UsageError(`--model must be one of ${PRESET_NAMES.join(', ')}, got '${options.model}'`);
  }
  if (options.dataDir !== undefined && !existsSync(options.dataDir)) {
    throw new UsageError(`--data-dir: no such directory '${options.dataDir}'`);
  }
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
  if (parsed.kind === 'help') {
    process.stdout.write(helpText(PRESET_NAMES));
    return 0;
  }
  if (parsed.kind === 'version') {
    writeLine(`${NAME} ${__VERSION__}`);
    return 0;
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
  let interrupted = false;

  const quit = (signal: boolean): void => {
    if (control.quitRequested) {
      // A second Ctrl-C: stop now, without waiting for the save.
      if (signal) process.exit(130);
      return;
    }
    interrupted ||= signal;
    control.requestQuit();
  };

  let handle: (msg: WorkerMessage) => void;
  let ink: ReturnType<typeof render> | null = null;
  let inkExited: Promise<unknown> = Promise.resolve();
  if (mode === 'dashboard') {
    const store = new DashboardStore();
    handle = (msg) => store.apply(msg);
    ink = render(<App store={store} control={control} onQuit={(key) => quit(key === 'ctrl-c')} />, {
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
  // A closed pipe is not an error worth a stack trace: stop writing, save and stop like `q`.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    stdoutOpen = false;
    quit(false);
  });
  const onSignal = () => {
    if (mode !== 'json' && !control.quitRequested) {
      process.stderr.write(`\n${NAME}: saving a checkpoint and stopping (Ctrl-C again to abort)\n`);
    }
    quit(true);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

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
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
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
  return interrupted ? 130 : 0;
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
