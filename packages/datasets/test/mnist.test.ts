import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DatasetNotFoundError,
  FASHION_MNIST_CLASSES,
  FASHION_MNIST_DEFAULT_DIR,
  loadFashionMnist,
  loadIdxPair,
  loadMnist,
} from '../src/node.js';
import { mnistDataDir } from '../src/sources/mnist.js';

describe('loadMnist', () => {
  it('loads the shipped MNIST with the right counts, pixels and labels', async () => {
    const { train, test } = await loadMnist();
    expect([train.count, test.count]).toEqual([60000, 10000]);
    expect(train.inputShape).toEqual([1, 28, 28]);
    expect(train.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(Array.from(train.labels.subarray(0, 10))).toEqual([5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
    expect(Array.from(test.labels.subarray(0, 10))).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
    const first = train.image(0);
    expect(first.className).toBe('5');
    // values read from the IDX file independently (python: bytes at 16 + row·28 + col)
    expect(first.pixels[5 * 28 + 21]).toBe(255);
    expect(first.pixels[7 * 28 + 7]).toBe(49);
    expect(first.pixels.reduce((s, v) => s + v, 0)).toBe(27525);
    expect(test.image(0).pixels[7 * 28 + 6]).toBe(84);
    expect(train.classCounts()).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    const { mean, std } = train.statistics();
    expect(mean).toBeCloseTo(1567298545 / (47040000 * 255), 9);
    expect(std).toBeCloseTo(0.3081, 4);
    const [b] = train.batches({ batchSize: 2, shuffle: false, seed: 0, epoch: 0 });
    expect(b.x.shape).toEqual([2, 1, 28, 28]);
    expect(b.x.data[5 * 28 + 21]).toBe(1);
    expect(Array.from(b.y.data)).toEqual([5, 0]);
    // held as the file's bytes by default; compact on request: 12.4 MB of codes and offsets for 47 MB
    expect(train.storage).toBe('bytes');
    expect(train.imageBytes).toBe(47_040_000);
    const compact = await loadMnist({ storage: 'compact' });
    expect(compact.train.storage).toBe('compact');
    expect(compact.train.imageBytes).toBe(12_383_610);
  });

  it("storage: 'bytes' (the default) keeps the file's pixels, the same ones compact storage decodes", async () => {
    const dir = mnistDataDir();
    const files = [join(dir, 't10k-images-idx3-ubyte'), join(dir, 't10k-labels-idx1-ubyte')] as const;
    const plain = await loadIdxPair(...files);
    const compact = await loadIdxPair(...files, { storage: 'compact' });
    expect([plain.storage, compact.storage]).toEqual(['bytes', 'compact']);
    expect(plain.imageBytes).toBe(7_840_000);
    const [a, b] = [plain.images, compact.images];
    expect(Buffer.from(a.buffer, a.byteOffset, a.length).equals(b)).toBe(true);
  });
});

describe('loadFashionMnist', () => {
  it('says where it looked and how to get the data', async () => {
    const err = await loadFashionMnist('/nonexistent/fashion').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetNotFoundError);
    expect(String(err)).toMatch(/not found in \/nonexistent\/fashion.*apt-get install dataset-fashion-mnist/);
  });

  it.skipIf(!existsSync(FASHION_MNIST_DEFAULT_DIR))(
    'loads the Debian package (dataset-fashion-mnist)',
    async () => {
      const { train, test } = await loadFashionMnist();
      expect([train.count, test.count]).toEqual([60000, 10000]);
      expect(train.classNames).toEqual(FASHION_MNIST_CLASSES);
      expect(Array.from(train.labels.subarray(0, 4))).toEqual([9, 0, 0, 3]);
      expect(train.image(0).className).toBe('Ankle boot');
      expect(train.image(0).pixels.reduce((s, v) => s + v, 0)).toBe(76247);
    },
  );
});
