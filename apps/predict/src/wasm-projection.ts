// The CLI's ink projections for the ruled-line search (build.mjs puts this module in place of the
// datasets library's preprocess/projection.ts): the kernel compiled (src/wasm.ts says why), the same
// counts.
import {
  type Projection,
  steepestProjection as steepestProjectionJs,
} from '../../../packages/datasets/src/image/preprocess/projection.js';
import { preprocessKernels } from './wasm.js';

export type { Projection };

/** The most peaked projection of the ink pixels of `ink` above `on` among `slopes` (see the library's). */
export function steepestProjection(
  ink: Float32Array,
  w: number,
  h: number,
  on: number,
  slopes: readonly number[],
  pad: number,
  coverage: number,
): Projection | undefined {
  const n = w * h;
  const len = h + 2 * pad;
  const count = slopes.length;
  // Bytes: slopes [count f64], score [8], ink [n f32], counts [count × len i32], the kernel's
  // per-column offsets [w i32], then coords [2n i32], touched only as far as there are ink pixels:
  // the fewer pages touched, each a fault.
  const inkAt = 8 * count + 8;
  const countsAt = inkAt + 4 * n;
  const coordsAt = countsAt + 4 * count * len + 4 * w;
  const bytes = coordsAt + 8 * n;
  const valid = ink.length === n && count > 0 && Number.isInteger(pad) && pad >= 0 && len > 0;
  const k = valid ? preprocessKernels(bytes) : null;
  if (k === null) return steepestProjectionJs(ink, w, h, on, slopes, pad, coverage);
  const { buffer } = k.memory;
  new Float64Array(buffer, 0, count).set(slopes);
  new Float32Array(buffer, inkAt, n).set(ink);
  const best = k.steepestProjection(inkAt, w, h, on, 0, count, pad, coverage, coordsAt, countsAt, 8 * count);
  return {
    slope: slopes[best],
    counts: new Int32Array(buffer, countsAt + 4 * best * len, len).slice(),
    score: new Int32Array(buffer, 8 * count, 1)[0],
  };
}
