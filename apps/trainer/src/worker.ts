/**
 * The training worker (the bundle re-entered as a `worker_threads` Worker by the CLI; see main.ts). It trains with
 * {@link runTraining}, posts every metric as a message and reads pause/save/quit from the shared
 * control flags, so the main thread (the dashboard) never waits on a training step.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type TrainOptions, UsageError } from './args.js';
import { Control, type WorkerMessage } from './protocol.js';
import { runTraining } from './training/session.js';

/** What the CLI hands the worker. */
export interface WorkerInput {
  options: TrainOptions;
  explicit: Array<keyof TrainOptions>;
  control: SharedArrayBuffer;
}

if (parentPort === null) throw new Error('scratchnet-train: the training worker must run in a worker thread');
const port = parentPort;
const input = workerData as WorkerInput;
const post = (msg: WorkerMessage): void => port.postMessage(msg);

runTraining(input.options, new Set(input.explicit), new Control(input.control), post).catch((e: unknown) => {
  const usage = e instanceof UsageError;
  const message = e instanceof Error ? e.message : String(e);
  post({ type: 'error', message, usage });
  if (!usage && e instanceof Error && process.env.SCRATCHNET_DEBUG) console.error(e.stack);
});
