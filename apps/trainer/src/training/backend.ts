import { availableParallelism } from 'node:os';
import { getBackend, listBackends, setBackend } from '@scratchnet/tensor';
import { DEFAULT_MAX_THREADS, type TrainOptions, UsageError } from '../args.js';

/**
 * Chooses the backend (and threads) the run computes on. Without `--threads` the wasm backend gets
 * every core up to {@link DEFAULT_MAX_THREADS}.
 */
export function chooseBackend({ backend, threads }: TrainOptions): void {
  if (backend === 'js' && threads !== undefined && threads > 1) {
    throw new UsageError('--threads applies to the wasm backend; the js backend runs on one thread');
  }
  const wanted = threads ?? Math.min(availableParallelism(), DEFAULT_MAX_THREADS);
  try {
    if (backend === 'js') setBackend('js');
    else if (backend === 'wasm' || listBackends().includes('wasm')) setBackend('wasm', { threads: wanted });
    else getBackend();
  } catch (e) {
    // `auto` falls back to whatever the runtime offers; an explicit `wasm` says why it cannot.
    if (backend !== 'auto') throw new UsageError(`--backend ${backend}: ${(e as Error).message}`);
    getBackend();
  }
}
