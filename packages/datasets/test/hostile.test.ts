// Hostile input: decompression and dimension bombs refused before they cost memory, capped reads,
// datasets validated at load.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createGzip, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import {
  FileReadError,
  IdxFormatError,
  ImageError,
  decodeImage,
  encodeIdx,
  imageDatasetFromIdx,
  loadIdxDataset,
  loadIdxPair,
  parseIdx,
  readFileCapped,
  readImageFile,
  readStreamCapped,
} from '../src/node.js';
import { SIGNATURE, chunk, ihdr } from './png-writer.js';

const dir = mkdtempSync(join(tmpdir(), 'scratchnet-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rssMiB = () => process.memoryUsage().rss / 2 ** 20;

/** `total` zero bytes after `head`, gzipped in a stream (never held inflated in memory). */
async function gzipStream(head: Uint8Array, total: number): Promise<Uint8Array> {
  const gz = createGzip({ level: 9 });
  const out: Buffer[] = [];
  gz.on('data', (d: Buffer) => out.push(d));
  const done = new Promise((r) => gz.on('end', r));
  gz.write(head);
  const zeros = Buffer.alloc(1 << 20);
  for (let left = total; left > 0; left -= zeros.length) {
    if (!gz.write(left >= zeros.length ? zeros : zeros.subarray(0, left)))
      await new Promise((r) => gz.once('drain', r));
  }
  gz.end();
  await done;
  return Buffer.concat(out);
}

describe('bombs are refused before they cost memory', () => {
  it('a 20000×20000 PNG, a 1-bit 100000×100000 PNG and a 14000×14000 JPEG header', () => {
    const before = rssMiB();
    const zeros = deflateSync(Buffer.alloc(4 << 20));
    const png = Buffer.concat([
      SIGNATURE,
      ihdr(20000, 20000, 8, 2),
      chunk('IDAT', zeros),
      chunk('IEND', new Uint8Array(0)),
    ]);
    expect(() => decodeImage(png, 'bomb.png')).toThrow(
      /^bomb\.png: image too large: 20000×20000 = 400\.0 megapixels/,
    );
    const bits = Buffer.concat([
      SIGNATURE,
      ihdr(100000, 100000, 1, 0),
      chunk('IDAT', zeros),
      chunk('IEND', new Uint8Array(0)),
    ]);
    expect(() => decodeImage(bits, 'bits.png')).toThrow(/^bits\.png: image too large: 100000×100000/);
    const sof = Uint8Array.of(
      0xff,
      0xd8,
      0xff,
      0xc0,
      0,
      17,
      8,
      0x36,
      0xb0,
      0x36,
      0xb0,
      3,
      1,
      0x22,
      0,
      2,
      0x11,
      1,
      3,
      0x11,
      1,
      0xff,
      0xd9,
    );
    expect(() => decodeImage(sof, 'bomb.jpg')).toThrow(/^bomb\.jpg: image too large: 14000×14000/);
    expect(rssMiB() - before).toBeLessThan(64);
  });

  it('a PNG whose image data inflates far past what its size needs stops at that size', () => {
    // 1000×1000 gray needs 1,001,000 bytes; the stream holds 64 MiB of zeros.
    const bomb = deflateSync(Buffer.alloc(64 << 20), { level: 9 });
    const png = Buffer.concat([
      SIGNATURE,
      ihdr(1000, 1000, 8, 0),
      chunk('IDAT', bomb),
      chunk('IEND', new Uint8Array(0)),
    ]);
    const before = rssMiB();
    expect(() => decodeImage(png, 'zip.png')).toThrow(
      'zip.png: corrupt PNG (the image data inflates to more than the 1001000 bytes 1000×1000 needs)',
    );
    // Inflating it all would take 64 MiB (and as much again to join the pieces).
    expect(rssMiB() - before).toBeLessThan(40);
  });

  it('a gzipped IDX file is inflated only up to the size its header declares', async () => {
    // The header declares 100 images of 28×28 (78,416 bytes); 64 MiB of zeros follow.
    const head = encodeIdx({ dtype: 'uint8', shape: [100, 28, 28], data: new Uint8Array(78400) });
    const gz = await gzipStream(head, 64 << 20);
    const before = rssMiB();
    expect(() => parseIdx(gz, 'train-images-idx3-ubyte.gz')).toThrow(
      'train-images-idx3-ubyte.gz: unexpected trailing bytes: the gzip data inflates past the 78416 bytes the header declares',
    );
    expect(rssMiB() - before).toBeLessThan(40);
    // A header declaring more than the cap is refused as soon as it is read.
    const big = encodeIdx({ dtype: 'uint8', shape: [1], data: new Uint8Array(1) });
    new DataView(big.buffer).setUint32(4, 0xffffffff);
    expect(() => parseIdx(gzipSync(big), 'big.gz', { maxBytes: 1 << 20 })).toThrow(
      'big.gz: the header declares 4294967303 bytes of contents, over the limit of 1048576 (option maxBytes)',
    );
  });
});

describe('capped reads', () => {
  it('refuse /dev/zero after the cap, naming it', async () => {
    const before = rssMiB();
    await expect(readFileCapped('/dev/zero', 8 << 20, 'an image file')).rejects.toThrow(
      '/dev/zero: larger than the 8 MiB limit for an image file: refused',
    );
    await expect(readImageFile('/dev/zero', { maxBytes: 1 << 20 })).rejects.toThrow(
      new ImageError('/dev/zero', 'larger than the 1 MiB limit for an image file: refused'),
    );
    expect(rssMiB() - before).toBeLessThan(64);
  });

  it('refuse a regular file over the cap without reading it, and read one under it', async () => {
    const path = join(dir, 'big.bin');
    writeFileSync(path, new Uint8Array(3000).fill(7));
    await expect(readFileCapped(path, 2999, 'a test file')).rejects.toBeInstanceOf(FileReadError);
    expect((await readFileCapped(path, 3000, 'a test file')).length).toBe(3000);
    await expect(readFileCapped(join(dir, 'none'), 10, 'x')).rejects.toThrow(
      `${join(dir, 'none')}: no such file`,
    );
    await expect(readFileCapped(dir, 10, 'x')).rejects.toThrow(`${dir}: is a directory, not a file`);
  });

  it('stop reading an endless stream at the cap', async () => {
    let produced = 0;
    const endless = new Readable({
      read() {
        produced += 65536;
        this.push(Buffer.alloc(65536));
      },
    });
    await expect(readStreamCapped(endless, 1 << 20, 'an image')).rejects.toThrow(
      '<stdin>: larger than the 1 MiB limit for an image: refused',
    );
    expect(produced).toBeLessThan(4 << 20);
    const small = await readStreamCapped(Readable.from([Buffer.from('ab'), Buffer.from('c')]), 3, 'x');
    expect(Array.from(small)).toEqual([97, 98, 99]);
  });
});

describe('datasets are validated at load', () => {
  const images = (n: number) =>
    encodeIdx({ dtype: 'uint8', shape: [n, 2, 2], data: new Uint8Array(4 * n).fill(9) });
  const labels = (...l: number[]) =>
    encodeIdx({ dtype: 'uint8', shape: [l.length], data: Uint8Array.from(l) });

  it('imageDatasetFromIdx takes raw or gzipped bytes', () => {
    const raw = imageDatasetFromIdx(images(4), labels(0, 1, 2, 1), { name: 'toy' });
    const gz = imageDatasetFromIdx(gzipSync(images(4)), gzipSync(labels(0, 1, 2, 1)), { name: 'toy' });
    for (const d of [raw, gz]) {
      expect([d.count, d.height, d.width, d.classNames]).toEqual([4, 2, 2, ['0', '1', '2']]);
      expect(d.image(2).label).toBe(2);
    }
  });

  it('a stray label byte (200 among digits) is named with its file, index and value', () => {
    expect(() =>
      imageDatasetFromIdx(images(4), labels(0, 1, 200, 1), { labelsFile: 'train-labels-idx1-ubyte' }),
    ).toThrow(
      new IdxFormatError(
        'train-labels-idx1-ubyte',
        'label 200 at index 2 is out of range: no sample has label 2, so the classes are 0–1 (a corrupt label? pass classNames to declare the classes)',
      ),
    );
    expect(() =>
      imageDatasetFromIdx(images(3), labels(0, 1, 9), { labelsFile: 'l', classNames: ['a', 'b'] }),
    ).toThrow('l: label 9 at index 2 is not one of the 2 classes (0–1)');
    expect(() => imageDatasetFromIdx(images(3), labels(0, 1), { imagesFile: 'i', labelsFile: 'l' })).toThrow(
      'l: has 2 labels but i has 3 images',
    );
  });

  it('a bad test label fails at load, naming the test labels file', async () => {
    const d = join(dir, 'ds');
    rmSync(d, { recursive: true, force: true });
    (await import('node:fs')).mkdirSync(d);
    writeFileSync(join(d, 'train-images-idx3-ubyte'), images(3));
    writeFileSync(join(d, 'train-labels-idx1-ubyte'), labels(0, 1, 2));
    writeFileSync(join(d, 't10k-images-idx3-ubyte'), images(2));
    writeFileSync(join(d, 't10k-labels-idx1-ubyte'), labels(1, 7));
    await expect(loadIdxDataset(d)).rejects.toThrow(
      `${join(d, 't10k-labels-idx1-ubyte')}: label 7 at index 1 is not one of the 3 classes (0–2)`,
    );
    writeFileSync(join(d, 't10k-labels-idx1-ubyte'), labels(1, 2));
    const { train, test } = await loadIdxDataset(d);
    expect([train.classNames.length, test.classNames.length]).toEqual([3, 3]);
    await expect(
      loadIdxPair(join(d, 'train-images-idx3-ubyte'), join(d, 't10k-labels-idx1-ubyte')),
    ).rejects.toThrow(/t10k-labels-idx1-ubyte: has 2 labels but .*train-images-idx3-ubyte has 3 images/);
  });
});
