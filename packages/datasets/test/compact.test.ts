import { describe, expect, it } from 'vitest';
import { type Batch, ImageDataset, type ImageDatasetInit, MNIST_NORMALIZATION } from '../src/index.js';

// 12 samples of 1×20×20 (400 pixels): mostly background, a stroke whose length and place depend on
// the sample; sample 3 is blank, sample 7 has a 300-pixel run of ink and sample 9 ink everywhere
// (runs longer than the 255 a code byte counts).
function pictures(): ImageDatasetInit {
  const p = 400;
  const images = new Uint8Array(12 * p);
  for (let i = 0; i < 12; i++) {
    const at = i * p;
    if (i === 3) continue;
    if (i === 9) {
      for (let j = 0; j < p; j++) images[at + j] = 1 + ((j * 7) % 255);
      continue;
    }
    const start = 20 * i + 3;
    const len = i === 7 ? 300 : 5 + 3 * i;
    for (let j = 0; j < len && start + j < p; j++) images[at + start + j] = 30 + ((i * 17 + j * 5) % 226);
    images[at + p - 1] = i + 1; // ink in the last pixel
  }
  const labels = Uint8Array.from({ length: 12 }, (_, i) => i % 4);
  return { images, labels, height: 20, width: 20, name: 'pictures' };
}

/** The float bits of every batch of an epoch, and its labels. */
function epoch(ds: ImageDataset, batchSize: number, shuffle: boolean): number[][] {
  const out: number[][] = [];
  const take = (b: Batch) => {
    const x = b.x.data;
    out.push(Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length)), Array.from(b.y.data));
  };
  for (const b of ds.batches({ batchSize, shuffle, seed: 5, epoch: 2 })) take(b);
  return out;
}

describe("ImageDataset storage: 'compact'", () => {
  const bytes = new ImageDataset(pictures());
  const compact = new ImageDataset({ ...pictures(), storage: 'compact' });

  it('holds fewer bytes and decodes every sample exactly', () => {
    expect(bytes.storage).toBe('bytes');
    expect(compact.storage).toBe('compact');
    expect(bytes.imageBytes).toBe(12 * 400);
    expect(compact.imageBytes).toBeLessThan(0.75 * 12 * 400);
    for (let i = 0; i < 12; i++) expect(compact.image(i)).toEqual(bytes.image(i));
    expect(compact.images).toEqual(bytes.images);
    // decoded once, then kept alongside the compact form
    expect(compact.images).toBe(compact.images);
    expect(compact.imageBytes).toBeGreaterThan(12 * 400);
  });

  it('gives bit-identical batches, normalised, augmented, shuffled or not', () => {
    for (const options of [
      {},
      { normalization: MNIST_NORMALIZATION },
      { augmentation: { maxShift: 2, maxRotation: 15, maxScale: 0.1 } },
    ]) {
      const a = bytes.withOptions(options);
      const b = new ImageDataset({ ...pictures(), storage: 'compact' }).withOptions(options);
      expect(b.storage).toBe('compact');
      for (const [size, shuffle] of [
        [5, true],
        [4, false],
      ] as const) {
        expect(epoch(b, size, shuffle)).toEqual(epoch(a, size, shuffle));
      }
    }
  });

  it('keeps subsets, splits and statistics the same', () => {
    const fresh = new ImageDataset({ ...pictures(), storage: 'compact' });
    const sub = fresh.subset(2, 7);
    expect(sub.storage).toBe('compact');
    expect(epoch(sub, 3, true)).toEqual(epoch(bytes.subset(2, 7), 3, true));
    const s1 = fresh.split(0.25, 9);
    const s2 = bytes.split(0.25, 9);
    expect(s1.train.storage).toBe('compact');
    expect(s1.validation.images).toEqual(s2.validation.images);
    expect(s1.train.images).toEqual(s2.train.images);
    expect(Array.from(s1.train.labels)).toEqual(Array.from(s2.train.labels));
    expect(fresh.statistics()).toEqual(bytes.statistics());
    // statistics did not need the decoded bytes
    expect(fresh.imageBytes).toBeLessThan(12 * 400);
  });

  it('stays bytes when zero runs would not save a quarter (little background)', () => {
    const images = Uint8Array.from({ length: 8 * 16 }, (_, j) => 1 + (j % 200));
    const ds = new ImageDataset({
      images,
      labels: new Uint8Array(8),
      height: 4,
      width: 4,
      storage: 'compact',
    });
    expect(ds.storage).toBe('bytes');
    expect(ds.images).toBe(images);
  });

  it('rejects an unknown storage', () => {
    expect(() => new ImageDataset({ ...pictures(), storage: 'float32' as unknown as 'bytes' })).toThrow(
      /pictures: storage must be 'bytes' or 'compact', got float32/,
    );
  });
});
