// The CLI's connected-component labelling (build.mjs puts this module in place of the datasets
// library's preprocess/components.ts): the kernel compiled (src/wasm.ts says why), the same labels
// and measurements.
import {
  type Component,
  labelComponents as labelComponentsJs,
} from '../../../packages/datasets/src/image/preprocess/components.js';
import { preprocessKernels } from './wasm.js';

export {
  type Component,
  sizeOf,
  strokeWidthOf,
} from '../../../packages/datasets/src/image/preprocess/components.js';

/**
 * Labels the 8-connected blobs of pixels where `mask` is set; `ink` gives their mass.
 * Returns the label image ([h, w], 0 for no ink) and one {@link Component} per label, in label order.
 */
export function labelComponents(
  mask: Uint8Array,
  ink: Float32Array,
  w: number,
  h: number,
): { labels: Int32Array; components: Component[] } {
  const n = mask.length;
  // Bytes: ink, labels [n × 4 each], mask [n, rounded up to 8], the stack [n × 4], then a record
  // per blob (at most one per pixel): the last two are touched only as far as they are used.
  const maskAt = 8 * n;
  const stackAt = maskAt + 8 * Math.ceil(n / 8);
  const statsAt = stackAt + 4 * n;
  const kernels = n === w * h && ink.length === n ? preprocessKernels(statsAt + 40 * n) : null;
  if (kernels === null || kernels.STATS_BYTES.value !== 40) return labelComponentsJs(mask, ink, w, h);
  const { buffer } = kernels.memory;
  new Float32Array(buffer, 0, n).set(ink);
  new Int32Array(buffer, 4 * n, n).fill(0);
  new Uint8Array(buffer, maskAt, n).set(mask);
  const count = kernels.labelComponents(maskAt, 0, 4 * n, stackAt, statsAt, w, h);
  const labels = new Int32Array(buffer, 4 * n, n).slice();
  return { labels, components: componentsAt(buffer, statsAt, count) };
}

/** The `count` 40-byte blob records the kernels wrote at `statsAt`, as {@link Component}s in label order. */
export function componentsAt(buffer: ArrayBuffer, statsAt: number, count: number): Component[] {
  const stats = new DataView(buffer, statsAt, 40 * count);
  const components: Component[] = [];
  for (let i = 0; i < count; i++) {
    const at = 40 * i;
    const int = (offset: number) => stats.getInt32(at + offset, true);
    components.push({
      id: i + 1,
      area: int(8),
      mass: stats.getFloat64(at, true),
      peak: stats.getFloat32(at + 36, true),
      x0: int(12),
      y0: int(16),
      x1: int(20),
      y1: int(24),
      boundary: int(28),
      touchesBorder: int(32) !== 0,
    });
  }
  return components;
}
