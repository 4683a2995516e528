import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import {
  IdxFormatError,
  encodeIdx,
  loadIdxDataset,
  loadIdxPair,
  parseIdx,
  readIdx,
  writeIdx,
} from '../src/node.js';

const dir = mkdtempSync(join(tmpdir(), 'scratchnet-idx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('IDX', () => {
  it('encodes the header byte for byte', () => {
    const bytes = encodeIdx({ dtype: 'uint8', shape: [2, 3], data: Uint8Array.of(1, 2, 3, 4, 5, 255) });
    expect(Array.from(bytes)).toEqual([0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 255]);
    const ints = encodeIdx({ dtype: 'int32', shape: [1], data: Int32Array.of(-2) });
    expect(Array.from(ints)).toEqual([0, 0, 0x0c, 1, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xfe]);
  });

  it('round-trips every dtype through raw and gzipped files', async () => {
    const cases = [
      { dtype: 'uint8', shape: [2, 2, 3], data: Uint8Array.from({ length: 12 }, (_, i) => i * 21) },
      { dtype: 'int8', shape: [4], data: Int8Array.of(-128, -1, 0, 127) },
      { dtype: 'int16', shape: [3], data: Int16Array.of(-32768, 258, 32767) },
      { dtype: 'int32', shape: [2, 2], data: Int32Array.of(-1, 0x01020304, 2147483647, -2147483648) },
      { dtype: 'float32', shape: [3], data: Float32Array.of(1.5, -0.1, 3e38) },
      { dtype: 'float64', shape: [2], data: Float64Array.of(Math.PI, -1e-300) },
    ] as const;
    for (const c of cases) {
      for (const gz of [false, true]) {
        const path = join(dir, `${c.dtype}${gz ? '.gz' : ''}`);
        await writeIdx(path, { ...c, shape: [...c.shape] });
        const back = await readIdx(path);
        expect(back.dtype).toBe(c.dtype);
        expect(back.shape).toEqual(c.shape);
        expect(Array.from(back.data)).toEqual(Array.from(c.data));
        expect(back.data.constructor).toBe(c.data.constructor);
      }
    }
    // gzip is recognised by content, not by name
    const gz = gzipSync(encodeIdx({ dtype: 'uint8', shape: [1], data: Uint8Array.of(7) }));
    expect(Array.from(parseIdx(gz, 'x').data)).toEqual([7]);
  });

  const good = encodeIdx({ dtype: 'uint8', shape: [2, 2, 2], data: new Uint8Array(8).fill(9) });
  const corrupt: [string, Uint8Array, RegExp][] = [
    ['empty', new Uint8Array(0), /f: too short for an IDX header \(0 bytes\)/],
    [
      'wrong magic',
      Uint8Array.from([0x89, 0x50, 0x4e, 0x47, ...good.subarray(4)]),
      /f: wrong magic number 89 50 4e 47.*not an IDX file/,
    ],
    [
      'unknown type',
      Uint8Array.from([0, 0, 0x42, 3, ...good.subarray(4)]),
      /f: unknown IDX element type code 0x42/,
    ],
    ['zero rank', Uint8Array.of(0, 0, 8, 0), /f: IDX header declares zero dimensions/],
    [
      'short header',
      good.subarray(0, 10),
      /f: truncated: the header needs 16 bytes for 3 dimensions, the file has 10/,
    ],
    [
      'truncated body',
      good.subarray(0, good.length - 1),
      /f: truncated: the header declares 2×2×2 uint8 = 24 bytes with the header, the file has 23/,
    ],
    ['trailing bytes', Uint8Array.from([...good, 1, 2]), /f: 2 unexpected trailing bytes after 2×2×2 uint8/],
    ['corrupt gzip', gzipSync(good).subarray(0, 20), /f: corrupt gzip data/],
  ];
  for (const [what, bytes, message] of corrupt) {
    it(`rejects ${what} with a message naming the file`, () => {
      expect(() => parseIdx(bytes, 'f')).toThrow(IdxFormatError);
      expect(() => parseIdx(bytes, 'f')).toThrow(message);
    });
  }

  it('checks the expected dtype and rank', () => {
    expect(() => parseIdx(good, 'f', { rank: 1 })).toThrow('f: has 3 dimensions, expected 1');
    expect(() => parseIdx(good, 'f', { dtype: 'float32' })).toThrow(
      'f: holds uint8 elements, expected float32',
    );
  });

  it('names a missing file', async () => {
    await expect(readIdx(join(dir, 'nope'))).rejects.toThrow(/nope: no such file$/);
  });
});

describe('loadIdxDataset', () => {
  const images = (n: number) => ({
    dtype: 'uint8' as const,
    shape: [n, 2, 3],
    data: Uint8Array.from({ length: n * 6 }, (_, i) => i % 256),
  });
  const labels = (v: number[]) => ({ dtype: 'uint8' as const, shape: [v.length], data: Uint8Array.from(v) });

  it('finds raw and gzipped files and pairs them', async () => {
    const d = mkdtempSync(join(dir, 'ds-'));
    await writeIdx(join(d, 'train-images-idx3-ubyte.gz'), images(3));
    await writeIdx(join(d, 'train-labels-idx1-ubyte.gz'), labels([2, 0, 1]));
    await writeIdx(join(d, 't10k-images-idx3-ubyte'), images(2));
    await writeIdx(join(d, 't10k-labels-idx1-ubyte'), labels([1, 1]));
    const { train, test } = await loadIdxDataset(d, { classNames: ['a', 'b', 'c'] });
    expect([train.count, train.height, train.width, train.channels]).toEqual([3, 2, 3, 1]);
    expect(test.count).toBe(2);
    expect(Array.from(train.labels)).toEqual([2, 0, 1]);
    expect(Array.from(train.image(1).pixels)).toEqual([6, 7, 8, 9, 10, 11]);
    expect(train.image(0).className).toBe('c');
    expect(train.classNames).toEqual(['a', 'b', 'c']);
  });

  it('says which file is missing and what the directory holds', async () => {
    const d = mkdtempSync(join(dir, 'ds-'));
    await writeIdx(join(d, 'train-images-idx3-ubyte'), images(1));
    await expect(loadIdxDataset(d)).rejects.toThrow(
      `no train-labels-idx1-ubyte[.gz] in ${d} (it holds: train-images-idx3-ubyte)`,
    );
    await expect(loadIdxDataset(join(d, 'missing'))).rejects.toThrow(/missing is not a readable directory/);
  });

  it('rejects a label count that differs from the image count, and out-of-range labels', async () => {
    const d = mkdtempSync(join(dir, 'ds-'));
    await writeIdx(join(d, 'i'), images(3));
    await writeIdx(join(d, 'l'), labels([0, 1]));
    await writeIdx(join(d, 'l3'), labels([0, 1, 5]));
    await expect(loadIdxPair(join(d, 'i'), join(d, 'l'))).rejects.toThrow(
      `${join(d, 'l')}: has 2 labels but ${join(d, 'i')} has 3 images`,
    );
    await expect(loadIdxPair(join(d, 'i'), join(d, 'l3'), { classNames: ['x', 'y'] })).rejects.toThrow(
      /l3: label 5 at index 2 is not one of the 2 classes \(0–1\)/,
    );
    // images must be rank 3 uint8
    writeFileSync(
      join(d, 'f'),
      encodeIdx({ dtype: 'float32', shape: [3, 2, 3], data: new Float32Array(18) }),
    );
    await expect(loadIdxPair(join(d, 'f'), join(d, 'l'))).rejects.toThrow(
      /f: holds float32 elements, expected uint8/,
    );
  });
});
