import type { ImageDataset } from '@scratchnet/datasets';
import type { Sequential } from '@scratchnet/layers';
import type { EpochInfo, FiltersInfo, Misclassified } from '../protocol.js';

/** The first convolution's weights, copied (they keep changing under training). */
export function firstFilters(model: Sequential): FiltersInfo | null {
  const conv = model.layers.find((l) => l.type === 'Conv2D' || l.type === 'Conv2d');
  const w = conv?.parameters().find((p) => p.name === 'weight')?.value;
  if (w === undefined || w.rank !== 4) return null;
  return { shape: [w.shape[0], w.shape[1], w.shape[2], w.shape[3]], data: w.data.slice() };
}

/** The first `max` test images the model gets wrong, in test-set order. */
export function findMisclassified(model: Sequential, test: ImageDataset, max: number): Misclassified[] {
  const out: Misclassified[] = [];
  const plane = test.height * test.width;
  let index = 0;
  for (const { x, y, size } of test.batches({ batchSize: 256, shuffle: false, seed: 0, epoch: 0 })) {
    const predicted = model.predictClasses(x).data;
    const labels = y.data;
    for (let i = 0; i < size && out.length < max; i++) {
      if (predicted[i] === labels[i]) continue;
      out.push({
        index: index + i,
        predicted: predicted[i],
        actual: labels[i],
        width: test.width,
        height: test.height,
        pixels: test.image(index + i).pixels.slice(0, plane),
      });
    }
    index += size;
    if (out.length >= max) break;
  }
  return out;
}

/** The epoch with the lowest finite validation loss in `history` (the first of equals), or null. */
export function bestEpochOf(history: readonly EpochInfo[]): number | null {
  let best: number | null = null;
  let bestLoss = Number.POSITIVE_INFINITY;
  for (const e of history) {
    if (e.valLoss !== null && Number.isFinite(e.valLoss) && e.valLoss < bestLoss) {
      bestLoss = e.valLoss;
      best = e.epoch;
    }
  }
  return best;
}

/** True when every parameter of the model is a finite number. */
export function weightsFinite(model: Sequential): boolean {
  for (const p of model.namedParameters()) {
    const d = p.value.data;
    for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i])) return false;
  }
  return true;
}
