import { getBackend, listBackends, setBackend } from '@scratchnet/tensor';
import { describe, expect, it } from 'vitest';
import { type Batch, ImageDataset } from '../src/index.js';

// 10 samples of 1×2×2; sample i has pixels [i, 10i, 20i, 25i] and label i % 3.
function tiny(extra: Partial<ConstructorParameters<typeof ImageDataset>[0]> = {}): ImageDataset {
  const images = new Uint8Array(40);
  for (let i = 0; i < 10; i++) images.set([i, 10 * i, 20 * i, 25 * i], 4 * i);
  const labels = Uint8Array.from({ length: 10 }, (_, i) => i % 3);
  return new ImageDataset({
    images,
    labels,
    height: 2,
    width: 2,
    classNames: ['a', 'b', 'c'],
    name: 'tiny',
    ...extra,
  });
}

/** The sample index of each row of a batch (pixel 1 of sample i is 10i). */
function ids(b: Batch): number[] {
  const out: number[] = [];
  for (let r = 0; r < b.size; r++) out.push(Math.round((b.x.data[r * 4 + 1] * 255) / 10));
  return out;
}

// Batch tensors are reused, so read each batch before taking the next.
function epochIds(
  ds: ImageDataset,
  batchSize: number,
  seed: number,
  epoch: number,
  startBatch = 0,
): number[] {
  const out: number[] = [];
  for (const b of ds.batches({ batchSize, shuffle: true, seed, epoch, startBatch })) out.push(...ids(b));
  return out;
}

describe('ImageDataset.batches', () => {
  it('delivers x [B, 1, H, W] in [0, 1] and y [B] in order, with a short last batch', () => {
    const ds = tiny();
    const seen: { shape: readonly number[]; y: number[]; x0: number[]; size: number }[] = [];
    for (const b of ds.batches({ batchSize: 4, shuffle: false, seed: 0, epoch: 0 })) {
      seen.push({
        shape: b.x.shape,
        y: Array.from(b.y.data),
        x0: Array.from(b.x.data.subarray(0, 4)),
        size: b.size,
      });
      expect(b.y.shape).toEqual([b.size]);
    }
    expect(seen.map((s) => s.shape)).toEqual([
      [4, 1, 2, 2],
      [4, 1, 2, 2],
      [2, 1, 2, 2],
    ]);
    expect(seen.map((s) => s.y)).toEqual([
      [0, 1, 2, 0],
      [1, 2, 0, 1],
      [2, 0],
    ]);
    // sample 4: [4, 40, 80, 100] / 255
    expect(seen[1].x0).toEqual([4 / 255, 40 / 255, 80 / 255, 100 / 255].map(Math.fround));
    expect(seen.map((s) => s.size)).toEqual([4, 4, 2]);
  });

  it('reuses its batch tensors', () => {
    const ds = tiny();
    const storages = new Set<unknown>();
    for (const b of ds.batches({ batchSize: 3, shuffle: true, seed: 1, epoch: 0 })) storages.add(b.x.storage);
    for (const b of ds.batches({ batchSize: 3, shuffle: true, seed: 1, epoch: 1 })) storages.add(b.x.storage);
    expect(storages.size).toBe(1);
  });

  it('creates its batch tensors in the current backend, following a backend change', () => {
    const ds = tiny();
    const before = getBackend();
    try {
      for (const name of listBackends()) {
        setBackend(name);
        const [b] = ds.batches({ batchSize: 4, shuffle: false, seed: 0, epoch: 0 });
        expect(b.x.storage.owner).toBe(name);
        expect(b.y.storage.owner).toBe(name);
        expect(Array.from(b.y.data)).toEqual([0, 1, 2, 0]);
        expect(b.x.data[5]).toBeCloseTo(10 / 255, 6);
      }
    } finally {
      setBackend(before);
    }
  });

  it('normalises with mean and std', () => {
    const ds = tiny({ normalization: { mean: 0.5, std: 0.25 } });
    const [b] = ds.batches({ batchSize: 10, shuffle: false, seed: 0, epoch: 0 });
    // sample 9 pixel 3: 225/255
    expect(b.x.data[9 * 4 + 3]).toBeCloseTo((225 / 255 - 0.5) / 0.25, 6);
    expect(b.x.data[0]).toBeCloseTo(-2, 6);
  });

  it('shuffles each epoch into a permutation that depends only on (seed, epoch)', () => {
    const ds = tiny();
    const e0 = epochIds(ds, 3, 7, 0);
    expect([...e0].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(e0).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(epochIds(ds, 3, 7, 0)).toEqual(e0);
    expect(epochIds(ds, 5, 7, 0)).toEqual(e0); // independent of the batch size
    expect(epochIds(tiny(), 3, 7, 0)).toEqual(e0); // and of the instance
    expect(epochIds(ds, 3, 7, 1)).not.toEqual(e0);
    expect(epochIds(ds, 3, 8, 0)).not.toEqual(e0);
    // labels travel with their images
    for (const b of ds.batches({ batchSize: 4, shuffle: true, seed: 3, epoch: 2 })) {
      expect(Array.from(b.y.data)).toEqual(ids(b).map((i) => i % 3));
    }
  });

  it('resumes mid-epoch exactly', () => {
    const ds = tiny();
    const full = epochIds(ds, 3, 11, 4);
    expect(epochIds(ds, 3, 11, 4, 2)).toEqual(full.slice(6));
    expect(epochIds(ds, 3, 11, 4, 4)).toEqual([]);
  });

  it('rejects bad options', () => {
    const ds = tiny();
    const run = (o: object) => [...ds.batches({ batchSize: 2, shuffle: true, seed: 0, epoch: 0, ...o })];
    expect(() => run({ batchSize: 0 })).toThrow('tiny.batches: batchSize must be a positive integer, got 0');
    expect(() => run({ startBatch: 6 })).toThrow(
      'tiny.batches: startBatch must be an integer in [0, 5], got 6',
    );
    expect(() => run({ epoch: -1 })).toThrow(/epoch must be an integer ≥ 0/);
    expect(() => run({ seed: 0.5 })).toThrow(/seed must be an integer/);
  });
});

describe('ImageDataset', () => {
  it('gives samples, subsets and class counts', () => {
    const ds = tiny();
    expect(Array.from(ds.image(3).pixels)).toEqual([3, 30, 60, 75]);
    expect(ds.image(5)).toMatchObject({ label: 2, className: 'c' });
    const sub = ds.subset(2, 3);
    expect(sub.count).toBe(3);
    expect(Array.from(sub.labels)).toEqual([2, 0, 1]);
    expect(sub.images.buffer).toBe(ds.images.buffer); // a view
    expect(ds.classCounts()).toEqual([4, 3, 3]);
    expect(ds.inputShape).toEqual([1, 2, 2]);
    expect(ds.length).toBe(10);
    expect(String(ds)).toBe('ImageDataset tiny: 10 × [1, 2, 2], 3 classes');
    expect(() => ds.image(10)).toThrow('tiny.image: index 10 is outside [0, 10)');
    expect(() => ds.subset(8, 3)).toThrow('tiny.subset: [8, 11) is outside [0, 10)');
  });

  it('splits into disjoint seeded parts, without augmenting validation', () => {
    const ds = tiny({ augmentation: { maxShift: 1 } });
    const { train, validation } = ds.split(0.3, 5);
    expect([train.count, validation.count]).toEqual([7, 3]);
    const idsOf = (d: ImageDataset) => Array.from({ length: d.count }, (_, i) => d.image(i).pixels[1] / 10);
    const all = [...idsOf(train), ...idsOf(validation)].sort((a, b) => a - b);
    expect(all).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (let i = 0; i < train.count; i++) expect(train.labels[i]).toBe(idsOf(train)[i] % 3);
    expect(idsOf(ds.split(0.3, 5).validation)).toEqual(idsOf(validation));
    expect(idsOf(ds.split(0.3, 6).validation)).not.toEqual(idsOf(validation));
    expect(train.augmentation).not.toBeNull();
    expect(validation.augmentation).toBeNull();
    expect(() => ds.split(0, 1)).toThrow(/validationFraction must leave both parts non-empty/);
    expect(() => ds.split(0.99, 1)).toThrow(/validationFraction/);
  });

  it('computes pixel statistics', () => {
    const ds = new ImageDataset({
      images: Uint8Array.of(0, 255, 0, 255),
      labels: Uint8Array.of(0),
      height: 2,
      width: 2,
    });
    expect(ds.statistics()).toEqual({ mean: 0.5, std: 0.5 });
    expect(ds.classNames).toEqual(['0']);
  });

  it('validates its parts', () => {
    expect(
      () => new ImageDataset({ images: new Uint8Array(7), labels: new Uint8Array(2), height: 2, width: 2 }),
    ).toThrow('dataset: 2 labels need 8 image bytes (2 × 1×2×2), got 7');
    expect(
      () =>
        new ImageDataset({
          images: new Uint8Array(4),
          labels: Uint8Array.of(3),
          height: 2,
          width: 2,
          classNames: ['a'],
        }),
    ).toThrow('dataset: label 3 is out of range for 1 classes (a)');
    expect(() => tiny({ normalization: { mean: 0, std: 0 } })).toThrow(/std > 0/);
    expect(() => tiny({ augmentation: { maxShift: -1 } })).toThrow(
      'augmentation: maxShift must be a number ≥ 0, got -1',
    );
  });
});

describe('augmentation', () => {
  // 4 samples of 9×9 with a 3×3 blob of 255 in the middle
  const images = new Uint8Array(4 * 81);
  for (let s = 0; s < 4; s++)
    for (let y = 3; y < 6; y++) for (let x = 3; x < 6; x++) images[s * 81 + y * 9 + x] = 255;
  const base = new ImageDataset({ images, labels: new Uint8Array(4), height: 9, width: 9 });
  const xs = (ds: ImageDataset, batchSize: number, epoch: number) => {
    const out: number[] = [];
    for (const b of ds.batches({ batchSize, shuffle: false, seed: 3, epoch })) out.push(...b.x.data);
    return out;
  };

  it('is the identity with zero ranges', () => {
    expect(xs(base.withOptions({ augmentation: { maxShift: 0, maxRotation: 0 } }), 4, 0)).toEqual(
      xs(base, 4, 0),
    );
  });

  it('shifts by at most maxShift, conserving ink, the same way for any batch size', () => {
    const aug = base.withOptions({ augmentation: { maxShift: 1.5, maxRotation: 0 } });
    const a = xs(aug, 4, 0);
    expect(xs(aug, 1, 0)).toEqual(a);
    expect(xs(aug, 3, 1)).not.toEqual(a);
    for (let s = 0; s < 4; s++) {
      const img = a.slice(s * 81, (s + 1) * 81);
      let m = 0;
      let cx = 0;
      let cy = 0;
      img.forEach((v, i) => {
        m += v;
        cx += v * (i % 9);
        cy += v * Math.floor(i / 9);
      });
      expect(m).toBeCloseTo(9, 4); // translation by bilinear interpolation keeps the total
      expect(Math.abs(cx / m - 4)).toBeLessThanOrEqual(1.5);
      expect(Math.abs(cy / m - 4)).toBeLessThanOrEqual(1.5);
      expect(Math.abs(cx / m - 4) + Math.abs(cy / m - 4)).toBeGreaterThan(0);
    }
  });

  it('rotates about the centre', () => {
    // a horizontal bar turns by up to 90°: its centre stays, its extent changes
    const bar = new Uint8Array(81);
    for (let x = 1; x < 8; x++) bar[4 * 9 + x] = 255;
    const ds = new ImageDataset({ images: bar, labels: new Uint8Array(1), height: 9, width: 9 });
    const rot = xs(ds.withOptions({ augmentation: { maxShift: 0, maxRotation: 90 } }), 1, 0);
    let m = 0;
    let cx = 0;
    let cy = 0;
    rot.forEach((v, i) => {
      m += v;
      cx += v * (i % 9);
      cy += v * Math.floor(i / 9);
    });
    expect(cx / m).toBeCloseTo(4, 1);
    expect(cy / m).toBeCloseTo(4, 1);
    expect(rot.slice(4 * 9, 5 * 9)).not.toEqual(xs(ds, 1, 0).slice(4 * 9, 5 * 9));
  });
});
