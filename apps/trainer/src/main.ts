/**
 * The one executable file: the CLI and dashboard on the main thread; the same file, started again as a
 * worker thread by the CLI, is the training worker. Each side loads only its own modules.
 */
import { isMainThread } from 'node:worker_threads';

if (isMainThread) await import('./cli.js');
else await import('./worker.js');
