// The CLI's compiled full-scale JPEG decode (src/wasm-jpeg-full.ts) against the datasets library's
// jpeg-js decode (image/jpeg-full.ts), which it stands in for in the bundle: the same luminance bits
// on photos of many sizes, qualities, subsamplings and restart intervals, and the library's own
// results and errors on everything it hands back (progressive, several scans, damaged data).
import { Random } from '@scratchnet/tensor';
import { describe, expect, it } from 'vitest';
import { decodeFull as decodeFullJs } from '../../../packages/datasets/src/image/jpeg-full.js';
import { readJpegFrame } from '../../../packages/datasets/src/image/jpeg.js';
import { decodeFull, decodeFullCompiled } from '../src/wasm-jpeg-full.js';
import { RING, fixture, libraryFixture } from './jpeg-fixtures.js';
import { photo, toJpeg } from './photos.js';

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

/** What a decodeFull does with `bytes`: width, height and luminance bits, or its error. */
function run(decode: typeof decodeFullJs, bytes: Uint8Array) {
  try {
    const r = decode(bytes, readJpegFrame(bytes, 'test.jpg'), 'test.jpg', 50e6);
    return { width: r.width, height: r.height, lum: bits(r.lum), alpha: r.alpha };
  } catch (e) {
    return { error: `${(e as Error).constructor.name}: ${(e as Error).message}` };
  }
}

/** Baseline photos of one scan: cjpeg's subsamplings and restart intervals, jpeg-js's at many sizes. */
function photos(): [string, Uint8Array][] {
  const out: [string, Uint8Array][] = [
    'jpeg-420-restart5.jpg',
    'jpeg-422-restart1.jpg',
    'jpeg-gray-restart7.jpg',
    'jpeg-411-optimized.jpg',
    'jpeg-440-restart-rows.jpg',
  ].map((n) => [n, fixture(n)]);
  for (const n of ['gray-restart.jpg', 'ycc420-restart.jpg', 'ycc422.jpg', 'ycc444-optimized.jpg']) {
    out.push([n, libraryFixture(n)]);
  }
  const rng = new Random(13);
  const kinds = ['clean', 'ruled', 'shadow', 'edge', 'vignette', 'blue'] as const;
  for (let i = 0; i < 12; i++) {
    const w = 1 + rng.int(260);
    const h = 1 + rng.int(200);
    const quality = 5 + rng.int(96);
    out.push([
      `jpeg-js ${w}×${h} q${quality}`,
      toJpeg(photo(RING, kinds[i % kinds.length], rng, w, h), quality),
    ]);
  }
  return out;
}

describe('compiled full-scale JPEG decode', () => {
  const all = photos();

  it('gives jpeg-js’s luminance bits on baseline photos', () => {
    for (const [name, bytes] of all) {
      expect(
        decodeFullCompiled(bytes, readJpegFrame(bytes, name)),
        `${name} decoded compiled`,
      ).not.toBeNull();
      const js = run(decodeFullJs, bytes);
      expect('error' in js, name).toBe(false);
      expect(run(decodeFull, bytes), name).toEqual(js);
    }
  });

  it('hands progressive and several-scan images to jpeg-js', () => {
    for (const [path, bytes] of [
      ['progressive.jpg', libraryFixture('progressive.jpg')],
      ['jpeg-420-separate-scans.jpg', fixture('jpeg-420-separate-scans.jpg')],
    ] as const) {
      expect(decodeFullCompiled(bytes, readJpegFrame(bytes, path))).toBeNull();
      expect(run(decodeFull, bytes)).toEqual(run(decodeFullJs, bytes));
    }
  });

  it('gives the library’s result or error on truncated and damaged data', () => {
    const rng = new Random(17);
    let compiled = 0;
    for (const [name, bytes] of all) {
      for (let trial = 0; trial < 12; trial++) {
        let bad = bytes.slice();
        const what = rng.int(3);
        if (what === 0) bad = bad.slice(0, 2 + rng.int(bad.length - 2));
        else {
          const at = 2 + rng.int(bad.length - 3);
          if (what === 1) bad[at] = rng.int(256);
          else bad.set([0xff, rng.int(256)], at);
        }
        let frame: ReturnType<typeof readJpegFrame>;
        try {
          frame = readJpegFrame(bad, name);
        } catch {
          continue;
        }
        if (decodeFullCompiled(bad, frame) !== null) compiled++;
        expect(run(decodeFull, bad), `${name} trial ${trial}`).toEqual(run(decodeFullJs, bad));
      }
    }
    // Some damage leaves an image the kernel decodes: those agree with jpeg-js too.
    expect(compiled).toBeGreaterThan(0);
  });
});
