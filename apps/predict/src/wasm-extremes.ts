// The CLI's picture extremes (build.mjs puts this module in place of the datasets library's
// preprocess/extremes.ts): the loop compiled (src/wasm.ts says why), the same values.
import { extremes as extremesJs } from '../../../packages/datasets/src/image/preprocess/extremes.js';
import { preprocessKernels } from './wasm.js';

/** Minimum and maximum of `data` (see the library's `extremes`). */
export function extremes(data: Float32Array): { lo: number; hi: number } {
  const n = data.length;
  // Bytes: the two results (f64), then data.
  const k = n > 0 ? preprocessKernels(16 + 4 * n) : null;
  if (k === null) return extremesJs(data);
  new Float32Array(k.memory.buffer, 16, n).set(data);
  k.extremes(16, n, 0);
  const out = new Float64Array(k.memory.buffer, 0, 2);
  return { lo: out[0], hi: out[1] };
}
