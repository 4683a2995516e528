import type { Sequential } from '@scratchnet/layers';
import { writeFileAtomic } from '../io/atomic.js';
import { type OnnxExportOptions, exportOnnx } from './export.js';

/** {@link exportOnnx} written to `path` atomically. */
export async function saveOnnx(
  model: Sequential,
  path: string,
  options: OnnxExportOptions = {},
): Promise<void> {
  await writeFileAtomic(path, exportOnnx(model, options));
}
