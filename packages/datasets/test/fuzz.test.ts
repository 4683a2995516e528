// Seeded mutations of valid PNG, JPEG and IDX files: every failure must be one of our typed errors,
// naming the file, with no decoder internals (TypeError/RangeError text) leaking into the message.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import { Random } from '@scratchnet/tensor';
import { describe, expect, it } from 'vitest';
import { IdxFormatError, ImageError, decodeImage, encodeIdx, parseIdx } from '../src/index.js';
import { decodeJpegLuminance } from '../src/image/jpeg.js';
import { crc32, writePng } from './png-writer.js';

const LEAK =
  /TypeError|RangeError|Cannot read|undefined|is not a function|is not iterable|Invalid (typed )?array length|Array buffer allocation|Maximum call stack|NaN|"size"|outside the bounds|out of memory/;

type Mutation = (b: Uint8Array, rng: Random) => Uint8Array;

const int = (rng: Random, n: number) => Math.max(0, Math.min(n - 1, Math.floor(rng.uniform() * n)));

const flipBits: Mutation = (b, rng) => {
  const out = new Uint8Array(b);
  for (let k = 1 + int(rng, 8); k > 0; k--) out[int(rng, out.length)] ^= 1 << int(rng, 8);
  return out;
};
const truncate: Mutation = (b, rng) => b.slice(0, int(rng, b.length));
const randomBytes: Mutation = (b, rng) => {
  const out = new Uint8Array(b);
  const at = int(rng, out.length);
  for (let i = at; i < Math.min(out.length, at + 1 + int(rng, 16)); i++) out[i] = int(rng, 256);
  return out;
};
const duplicate: Mutation = (b, rng) => {
  if (b.length === 0) return b;
  const at = int(rng, b.length);
  const len = Math.min(int(rng, 64), b.length - at);
  const out = new Uint8Array(b.length + len);
  out.set(b.subarray(0, at));
  out.set(b.subarray(at, at + len), at);
  out.set(b.subarray(at), at + len);
  return out;
};

/** Offsets of the PNG's chunks (length field). */
function pngChunks(b: Uint8Array): number[] {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const at: number[] = [];
  for (let p = 8; p + 12 <= b.length; p += 12 + v.getUint32(p)) at.push(p);
  return at;
}
/** Recomputes every chunk's CRC, so a mutation reaches past the CRC check into the decoder. */
function fixCrcs(b: Uint8Array): Uint8Array {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (const p of pngChunks(b)) {
    const end = p + 8 + v.getUint32(p);
    if (end + 4 <= b.length) v.setUint32(end, crc32(b.subarray(p + 4, end)));
  }
  return b;
}
const pngChunkLength: Mutation = (b, rng) => {
  const out = new Uint8Array(b);
  const chunks = pngChunks(out);
  if (chunks.length === 0) return out;
  const p = chunks[int(rng, chunks.length)];
  const values = [0, 1, 12, 0x7fffffff, 0xffffffff, int(rng, 5000)];
  new DataView(out.buffer).setUint32(p, values[int(rng, values.length)]);
  return out;
};
const pngDimensions: Mutation = (b, rng) => {
  const out = new Uint8Array(b);
  if (out.length < 29) return out;
  const v = new DataView(out.buffer);
  const values = [0, 1, 3, 20000, 100000, 0x7fffffff, 0xffffffff, int(rng, 70)];
  v.setUint32(16, values[int(rng, values.length)]);
  v.setUint32(20, values[int(rng, values.length)]);
  if (rng.uniform() < 0.5) out[24] = [1, 2, 4, 8, 16, 3][int(rng, 6)];
  if (rng.uniform() < 0.3) out[25] = [0, 2, 3, 4, 6, 5][int(rng, 6)];
  if (rng.uniform() < 0.3) out[28] = int(rng, 3);
  return fixCrcs(out);
};
const pngDeep: Mutation = (b, rng) => fixCrcs(flipBits(b, rng));

/** Offsets of the JPEG's marker segments (at the 0xFF) up to the first scan. */
function jpegSegments(b: Uint8Array): number[] {
  const at: number[] = [];
  for (
    let p = 2;
    p + 4 <= b.length && b[p] === 0xff && b[p + 1] !== 0xda;
    p += 2 + ((b[p + 2] << 8) | b[p + 3])
  )
    at.push(p);
  return at;
}
const jpegSegmentLength: Mutation = (b, rng) => {
  const out = new Uint8Array(b);
  const segs = jpegSegments(out);
  if (segs.length === 0) return out;
  const p = segs[int(rng, segs.length)];
  const n = [0, 1, 2, 0xffff, int(rng, 300)][int(rng, 5)];
  out[p + 2] = n >> 8;
  out[p + 3] = n & 255;
  return out;
};
const jpegDimensions: Mutation = (b, rng) => {
  const out = new Uint8Array(b);
  const sof = jpegSegments(out).find((p) => out[p + 1] === 0xc0);
  if (sof === undefined || sof + 12 > out.length) return out;
  const values = [0, 1, 7, 14000, 65535, int(rng, 200)];
  const h = values[int(rng, values.length)];
  const w = values[int(rng, values.length)];
  out.set([h >> 8, h & 255, w >> 8, w & 255], sof + 5);
  if (rng.uniform() < 0.3) out[sof + 9] = int(rng, 5); // component count
  if (rng.uniform() < 0.3) out[sof + 11] = int(rng, 256); // sampling factors
  return out;
};

function expectClean(
  run: () => unknown,
  type: new (...a: never[]) => Error,
  file: string,
  seen: Set<string>,
): void {
  try {
    run();
  } catch (e) {
    if (
      !(e instanceof type) ||
      !(e as Error).message.startsWith(`${file}: `) ||
      LEAK.test((e as Error).message)
    ) {
      throw new Error(
        `not a clean ${type.name}: ${e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e)}`,
      );
    }
    seen.add((e as Error).message.slice(file.length + 2).replace(/\d+/g, 'N'));
  }
}

function fuzz(
  seeds: Uint8Array[],
  mutations: Mutation[],
  rounds: number,
  seed: number,
  run: (b: Uint8Array) => void,
): void {
  const rng = new Random(seed);
  for (let i = 0; i < rounds; i++) {
    const base = seeds[i % seeds.length];
    let bytes = mutations[int(rng, mutations.length)](base, rng);
    if (rng.uniform() < 0.2) bytes = mutations[int(rng, mutations.length)](bytes, rng);
    run(bytes);
  }
}

const samples = (n: number, max: number, seed: number) => {
  const rng = new Random(seed);
  return Array.from({ length: n }, () => int(rng, max + 1));
};

describe('fuzz: mutated files fail with our errors only', () => {
  it('PNG', () => {
    const seeds = [
      writePng({ width: 9, height: 7, colorType: 0, depth: 8, samples: samples(63, 255, 1) }),
      writePng({
        width: 9,
        height: 7,
        colorType: 6,
        depth: 16,
        samples: samples(252, 65535, 2),
        interlace: true,
      }),
      writePng({
        width: 9,
        height: 7,
        colorType: 3,
        depth: 4,
        samples: samples(63, 15, 3),
        palette: Array.from({ length: 16 }, (_, i) => [i * 16, 255 - i * 16, i] as [number, number, number]),
        trns: Uint8Array.of(0, 128),
      }),
      writePng({ width: 17, height: 3, colorType: 0, depth: 1, samples: samples(51, 1, 4), interlace: true }),
    ];
    const seen = new Set<string>();
    const muts = [flipBits, truncate, randomBytes, duplicate, pngChunkLength, pngDimensions, pngDeep];
    fuzz(seeds, muts, 3000, 11, (b) =>
      expectClean(() => decodeImage(b, 'f.png', { maxPixels: 1e6 }), ImageError, 'f.png', seen),
    );
    // The mutations reached many different checks, not one early exit.
    expect(seen.size).toBeGreaterThan(15);
  });

  it('JPEG, at full scale and at 1/8 scale', () => {
    const data = new Uint8Array(40 * 32 * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 7) % 256));
    const seeds = [
      jpeg.encode({ width: 40, height: 32, data }, 80).data,
      jpeg.encode({ width: 17, height: 9, data }, 30).data,
      // 4:2:0 with restart markers, and grayscale (made by cjpeg).
      readFileSync(new URL('fixtures/ycc420-restart.jpg', import.meta.url)),
      readFileSync(new URL('fixtures/gray-restart.jpg', import.meta.url)),
    ];
    const seen = new Set<string>();
    const muts = [flipBits, truncate, randomBytes, duplicate, jpegSegmentLength, jpegDimensions];
    fuzz(seeds, muts, 800, 12, (b) =>
      expectClean(() => decodeImage(b, 'f.jpg', { maxPixels: 1e6 }), ImageError, 'f.jpg', seen),
    );
    fuzz(seeds, muts, 1500, 13, (b) =>
      expectClean(() => decodeJpegLuminance(b, 'f.jpg', 1e6, 0), ImageError, 'f.jpg', seen),
    );
    expect(seen.size).toBeGreaterThan(8);
  });

  it('IDX, raw and gzipped', () => {
    const raw = encodeIdx({ dtype: 'uint8', shape: [5, 4, 3], data: Uint8Array.from(samples(60, 255, 5)) });
    const wide = encodeIdx({ dtype: 'float32', shape: [7], data: Float32Array.of(1, 2, 3, 4, 5, 6, 7) });
    const seeds = [raw, gzipSync(raw), wide, gzipSync(wide)];
    const seen = new Set<string>();
    fuzz(seeds, [flipBits, truncate, randomBytes, duplicate], 3000, 14, (b) =>
      expectClean(() => parseIdx(b, 'f.idx', { maxBytes: 1 << 20 }), IdxFormatError, 'f.idx', seen),
    );
    expect(seen.size).toBeGreaterThan(8);
  });
});
