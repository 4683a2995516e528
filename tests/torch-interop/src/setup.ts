// vitest global setup: says once, in one line, why the suite is skipped when PyTorch is missing.
import { torchStatus } from '../python-env.js';

export default function setup(): void {
  const s = torchStatus();
  if (!s.ok) console.log(`torch interop suite will not run: ${s.reason}`);
}
