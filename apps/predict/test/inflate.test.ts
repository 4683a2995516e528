// The CLI's compiled inflater (assembly/inflate.ts through src/native-inflate.ts) against Node's zlib
// on real encoders' output (pngjs, zlib at every level and strategy), and against the datasets
// library's inflater on corrupt, truncated and oversized streams: the same bytes, the same errors.
import { constants, deflateSync, gzipSync, inflateSync } from 'node:zlib';
import pngjs from 'pngjs';
import { describe, expect, it } from 'vitest';
import { inflateCapped as inflateCappedJs } from '../../../packages/datasets/src/io/inflate.js';
import { inflateCapped } from '../src/native-inflate.js';
import { preprocessKernels } from '../src/wasm.js';

/** Bytes from a fixed seed: `kind` 0 random, 1 few values (long matches), 2 a smooth picture. */
function bytes(n: number, seed: number, kind: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = kind === 0 ? s >>> 24 : kind === 1 ? ((s >>> 28) & 3) * 60 : (i % 97) + ((s >>> 30) & 1);
  }
  return out;
}

/** The kernel alone: its output, or -1 when it refuses the stream (the library then runs). */
function kernel(data: Uint8Array, cap: number): Uint8Array | -1 {
  const work = (data.length + 7) & ~7;
  const k = preprocessKernels(work + 8192 + cap);
  if (k === null) throw new Error('no WebAssembly');
  new Uint8Array(k.memory.buffer, 0, data.length).set(data);
  const n = k.inflateZlib(0, data.length, work + 8192, cap, work);
  return n < 0 ? -1 : new Uint8Array(k.memory.buffer, work + 8192, n).slice();
}

/** The IDAT data of a PNG, joined. */
function idat(png: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  for (let at = 8; at < png.length; ) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    if (type === 'IDAT') parts.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  return Buffer.concat(parts);
}

function pngjsImage(w: number, h: number, seed: number, options: pngjs.PNGOptions): Uint8Array {
  const p = new pngjs.PNG({ width: w, height: h });
  const noise = bytes(w * h, seed, 0);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const ink = (x - w / 2) ** 2 + (y - h / 2) ** 2 < (w * h) / 10 ? 30 : 240;
      p.data.set([ink, ink + (noise[i] & 7), (x * 3) & 255, 255 - (noise[i] & 1)], 4 * i);
    }
  }
  return pngjs.PNG.sync.write(p, { inputColorType: 6, inputHasAlpha: true, ...options });
}

const tooLarge = () => new Error('too large');

function expectSameAsZlib(stream: Uint8Array): void {
  const expected = new Uint8Array(inflateSync(stream));
  const got = kernel(stream, expected.length);
  expect(got).not.toBe(-1);
  expect(Buffer.compare(got as Uint8Array, expected)).toBe(0);
  expect(Buffer.compare(inflateCapped(stream, 'zlib', expected.length, tooLarge), expected)).toBe(0);
}

/** What the library's inflater does with the stream: its output or its error's message. */
function outcome(f: () => Uint8Array): Uint8Array | string {
  try {
    return f();
  } catch (e) {
    return `${(e as Error).name}: ${(e as Error).message}`;
  }
}

describe('compiled inflate', () => {
  it("gives zlib's bytes for zlib's output at every level and strategy", () => {
    const strategies = [
      constants.Z_DEFAULT_STRATEGY,
      constants.Z_FILTERED,
      constants.Z_HUFFMAN_ONLY,
      constants.Z_RLE,
      constants.Z_FIXED,
    ];
    let n = 0;
    for (const kind of [0, 1, 2]) {
      for (const size of [0, 1, 300, 70_000, 200_000]) {
        const data = bytes(size, size + kind, kind);
        for (const level of [0, 1, 6, 9]) {
          for (const strategy of strategies) {
            expectSameAsZlib(deflateSync(data, { level, strategy }));
            n++;
          }
        }
        // Small windows and memory levels: other headers, other block splits.
        expectSameAsZlib(deflateSync(data, { level: 9, windowBits: 9, memLevel: 1 }));
      }
    }
    expect(n).toBe(300);
  });

  it("gives zlib's bytes for pngjs's PNGs (every row filter, colour types, levels)", () => {
    for (const filterType of [-1, 0, 1, 2, 3, 4]) {
      for (const colorType of [0, 2, 4, 6] as const) {
        for (const deflateLevel of [1, 6, 9]) {
          const png = pngjsImage(61, 37, filterType + colorType + deflateLevel, {
            filterType,
            colorType,
            deflateLevel,
          });
          expectSameAsZlib(idat(png));
        }
      }
    }
    // A picture large enough for many dynamic blocks and a stored first block.
    expectSameAsZlib(idat(pngjsImage(400, 300, 7, { colorType: 6, deflateLevel: 1 })));
    expectSameAsZlib(idat(pngjsImage(300, 200, 8, { colorType: 2, deflateLevel: 0 })));
  });

  it("gives the library's errors for corrupt, truncated and oversized streams", () => {
    const data = bytes(50_000, 3, 2);
    const good = new Uint8Array(deflateSync(data, { level: 6 }));
    const cases: Uint8Array[] = [
      good.subarray(0, 0),
      good.subarray(0, 1),
      good.subarray(0, 40), // truncated in the first block
      good.subarray(0, good.length - 2), // the check truncated
      Uint8Array.from([0x78, 0x9d, ...good.subarray(2)]), // header check fails
      Uint8Array.from([0x79, 0x9c, ...good.subarray(2)]), // not deflate
      Uint8Array.from([0x78, 0xbb, ...good.subarray(2)]), // preset dictionary
      Uint8Array.from([...good.subarray(0, good.length - 1), good[good.length - 1] ^ 1]), // Adler-32
      Uint8Array.from([0x78, 0x9c, 0x07, 0, 0, 0, 0]), // block type 3
      Uint8Array.from([0x78, 0x9c, 0x00, 5, 0, 5, 0]), // stored: LEN and NLEN disagree
    ];
    // Bits flipped through the stream: every outcome the library's.
    for (let i = 2; i < 200; i += 7) {
      const bad = good.slice();
      bad[i] ^= 1 << (i % 8);
      cases.push(bad);
    }
    let refused = 0;
    for (const c of cases) {
      const got = outcome(() => inflateCapped(c, 'zlib', data.length, tooLarge));
      const want = outcome(() => inflateCappedJs(c, 'zlib', data.length, tooLarge));
      expect(got).toEqual(want);
      if (kernel(c, data.length) === -1) refused++;
      else expect(Buffer.compare(kernel(c, data.length) as Uint8Array, inflateSync(c))).toBe(0);
    }
    expect(refused).toBeGreaterThanOrEqual(10);
    expect(outcome(() => inflateCapped(good.subarray(0, 40), 'zlib', data.length, tooLarge))).toMatch(
      /^InflateError: truncated compressed data$/,
    );
    // Over the budget: the kernel refuses, the library says too large.
    expect(kernel(good, data.length - 1)).toBe(-1);
    expect(() => inflateCapped(good, 'zlib', data.length - 1, tooLarge)).toThrow('too large');
  });

  it('inflates gzip with the library', () => {
    const data = bytes(1000, 1, 1);
    const gz = new Uint8Array(gzipSync(data));
    expect(Buffer.compare(inflateCapped(gz, 'gzip', 2000, tooLarge), data)).toBe(0);
    expect(outcome(() => inflateCapped(gz.subarray(0, 30), 'gzip', 2000, tooLarge))).toEqual(
      outcome(() => inflateCappedJs(gz.subarray(0, 30), 'gzip', 2000, tooLarge)),
    );
  });
});
