import { readFileSync } from 'node:fs';
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';
import { describe, expect, it } from 'vitest';
import { type DecodedImage, ImageError, decodeImage } from '../src/index.js';
import { decodeJpegLuminance } from '../src/image/jpeg.js';
import { Random } from '@scratchnet/tensor';
import { SIGNATURE, chunk, ihdr, writePng } from './png-writer.js';

/** The reference: pngjs's decode (16-bit samples kept), composited exactly as the decoder specifies. */
function reference(bytes: Uint8Array): { data: Float32Array; paper: number; hadTransparency: boolean } {
  const png = pngjs.PNG.sync.read(Buffer.from(bytes), { skipRescale: true });
  const max = png.palette ? 255 : 2 ** png.depth - 1;
  const rgba = png.data as unknown as ArrayLike<number>;
  const n = png.width * png.height;
  const lum = new Float32Array(n);
  let transparent = false;
  for (let i = 0, j = 0; i < n; i++, j += 4) {
    lum[i] = (0.299 * rgba[j] + 0.587 * rgba[j + 1] + 0.114 * rgba[j + 2]) / max;
    if (rgba[j + 3] < max) transparent = true;
  }
  let paper = 1;
  if (transparent) {
    let ink = 0;
    let alpha = 0;
    for (let i = 0; i < n; i++) {
      ink += (rgba[4 * i + 3] / max) * lum[i];
      alpha += rgba[4 * i + 3] / max;
    }
    paper = alpha > 0 && ink / alpha > 0.5 ? 0 : 1;
    for (let i = 0; i < n; i++) {
      const a = rgba[4 * i + 3] / max;
      lum[i] = a * lum[i] + (1 - a) * paper;
    }
  }
  return { data: lum, paper, hadTransparency: transparent };
}

function randomSamples(n: number, max: number, seed: number): number[] {
  const rng = new Random(seed);
  return Array.from({ length: n }, () => Math.min(max, Math.floor(rng.uniform() * (max + 1))));
}

function expectClose(got: DecodedImage, want: ReturnType<typeof reference>) {
  expect(got.hadTransparency).toBe(want.hadTransparency);
  expect(got.paper).toBe(want.paper);
  let worst = 0;
  for (let i = 0; i < want.data.length; i++) worst = Math.max(worst, Math.abs(got.data[i] - want.data[i]));
  expect(worst).toBeLessThan(1e-6);
}

describe('PNG decoder', () => {
  const cases: [0 | 2 | 3 | 4 | 6, (1 | 2 | 4 | 8 | 16)[]][] = [
    [0, [1, 2, 4, 8, 16]],
    [2, [8, 16]],
    [3, [1, 2, 4, 8]],
    [4, [8, 16]],
    [6, [8, 16]],
  ];
  for (const [colorType, depths] of cases) {
    for (const depth of depths) {
      for (const interlace of [false, true]) {
        it(`colour type ${colorType}, ${depth} bit${interlace ? ', Adam7' : ''}: matches pngjs sample for sample`, () => {
          const width = 13;
          const height = 11;
          const channels = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[colorType];
          const entries = colorType === 3 ? 2 ** depth : 0;
          const max = colorType === 3 ? entries - 1 : 2 ** depth - 1;
          const samples = randomSamples(width * height * channels, max, colorType * 100 + depth);
          const palette =
            colorType === 3
              ? Array.from(
                  { length: entries },
                  (_, i) => [(i * 37) & 255, (i * 91) & 255, (i * 13) & 255] as [number, number, number],
                )
              : undefined;
          // Palette transparency for the first entries.
          const trns =
            colorType === 3
              ? Uint8Array.from({ length: Math.min(entries, 3) }, (_, i) => i * 100)
              : undefined;
          const bytes = writePng({ width, height, colorType, depth, samples, palette, trns, interlace });
          const got = decodeImage(bytes, 'x.png');
          expect([got.width, got.height, got.format]).toEqual([width, height, 'png']);
          expectClose(got, reference(bytes));
        });
      }
    }
  }

  it('applies a gray or RGB tRNS colour key as full transparency', () => {
    // 2×1 gray: sample 3 is the key, so the left pixel is transparent and composited onto the paper.
    const gray = writePng({
      width: 2,
      height: 1,
      colorType: 0,
      depth: 8,
      samples: [3, 20],
      trns: Uint8Array.of(0, 3),
    });
    const g = decodeImage(gray);
    expect(g.hadTransparency).toBe(true);
    // The only opaque pixel is dark (20/255), so the paper is white.
    expect(g.paper).toBe(1);
    expect(g.data[0]).toBe(1);
    expect(g.data[1]).toBeCloseTo(20 / 255, 6);
    const rgb = writePng({
      width: 2,
      height: 1,
      colorType: 2,
      depth: 16,
      samples: [1000, 2000, 3000, 60000, 60000, 60000],
      trns: Uint8Array.of(1000 >> 8, 1000 & 255, 2000 >> 8, 2000 & 255, 3000 >> 8, 3000 & 255),
    });
    const c = decodeImage(rgb);
    expect(c.hadTransparency).toBe(true);
    expect(c.paper).toBe(0); // the opaque ink is light
    expect(c.data[0]).toBe(0);
    expect(c.data[1]).toBeCloseTo(60000 / 65535, 5);
  });

  const valid = writePng({ width: 4, height: 3, colorType: 0, depth: 8, samples: randomSamples(12, 255, 1) });
  const bad = (bytes: Uint8Array) => {
    try {
      decodeImage(bytes, 'bad.png');
    } catch (e) {
      expect(e).toBeInstanceOf(ImageError);
      return (e as Error).message;
    }
    throw new Error('decoded');
  };

  it('says what is wrong with a damaged file, naming it', () => {
    const flipped = new Uint8Array(valid);
    flipped[44] ^= 0x10; // inside the first IDAT's data
    expect(bad(flipped)).toMatch(/^bad\.png: corrupt PNG \(CRC mismatch in chunk IDAT\)$/);
    expect(bad(valid.subarray(0, 45))).toMatch(
      /^bad\.png: corrupt PNG \(truncated: chunk IDAT needs \d+ bytes from byte 33, the file has 45\)$/,
    );
    expect(bad(valid.subarray(0, valid.length - 12))).toBe(
      'bad.png: corrupt PNG (truncated: the file ends before its IEND chunk)',
    );
    const badFilter = writePng({
      width: 4,
      height: 3,
      colorType: 0,
      depth: 8,
      samples: randomSamples(12, 255, 1),
      filters: [7],
    });
    expect(bad(badFilter)).toBe('bad.png: corrupt PNG (unknown row filter 7)');
    const badDepth = Buffer.concat([SIGNATURE, ihdr(4, 3, 3, 0), chunk('IEND', new Uint8Array(0))]);
    expect(bad(badDepth)).toBe('bad.png: corrupt PNG (bit depth 3 is not allowed for colour type 0)');
    const noPalette = writePng({ width: 2, height: 1, colorType: 3, depth: 8, samples: [0, 1] });
    expect(bad(noPalette)).toBe('bad.png: corrupt PNG (palette image without a PLTE chunk)');
    const outOfPalette = writePng({
      width: 2,
      height: 1,
      colorType: 3,
      depth: 8,
      samples: [0, 5],
      palette: [[1, 2, 3]],
    });
    expect(bad(outOfPalette)).toBe('bad.png: corrupt PNG (palette index 5 beyond its 1 entries)');
    const unknownCritical = Buffer.concat([
      SIGNATURE,
      ihdr(1, 1, 8, 0),
      chunk('ABCD', new Uint8Array(1)),
      chunk('IEND', new Uint8Array(0)),
    ]);
    expect(bad(unknownCritical)).toBe('bad.png: unsupported PNG (unknown critical chunk ABCD)');
  });

  it('says a 0×0 PNG has no pixels', () => {
    const empty = Buffer.concat([
      SIGNATURE,
      ihdr(0, 0, 8, 0),
      chunk('IDAT', new Uint8Array(0)),
      chunk('IEND', new Uint8Array(0)),
    ]);
    expect(bad(empty)).toBe('bad.png: image has no pixels (0×0)');
  });

  it('refuses dimensions over the pixel budget before inflating anything', () => {
    const huge = Buffer.concat([
      SIGNATURE,
      ihdr(20000, 20000, 8, 2),
      chunk('IDAT', new Uint8Array(10)),
      chunk('IEND', new Uint8Array(0)),
    ]);
    expect(bad(huge)).toBe(
      'bad.png: image too large: 20000×20000 = 400.0 megapixels, over the limit of 50.0 (option maxPixels)',
    );
    expect(() => decodeImage(valid, 'small.png', { maxPixels: 11 })).toThrow(
      'small.png: image too large: 4×3 = 0.0 megapixels, over the limit of 0.0 (option maxPixels)',
    );
    expect(decodeImage(valid, 'small.png', { maxPixels: 12 }).width).toBe(4);
  });
});

/** A JPEG of a smooth picture with an edge, `w`×`h`. */
function photo(w: number, h: number, quality = 85): Uint8Array {
  const data = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = 4 * (y * w + x);
      const ring = Math.abs(Math.hypot(x - w / 2, y - h / 2) - h / 4) < h / 20;
      const v = ring ? 40 : 180 + ((x + 2 * y) % 50);
      data.set([v, v - 10, v + 10, 255], i);
    }
  }
  return jpeg.encode({ width: w, height: h, data }, quality).data;
}

describe('JPEG decoder', () => {
  const small = photo(96, 72);

  it('decodes a small JPEG at full scale, as jpeg-js does', () => {
    const got = decodeImage(small, 'p.jpg');
    expect([got.width, got.height, got.format, got.downscale]).toEqual([96, 72, 'jpeg', undefined]);
    const ref = jpeg.decode(small, { useTArray: true });
    for (const i of [0, 500, 3456, 96 * 72 - 1]) {
      const j = 4 * i;
      expect(got.data[i]).toBeCloseTo(
        (0.299 * ref.data[j] + 0.587 * ref.data[j + 1] + 0.114 * ref.data[j + 2]) / 255,
        6,
      );
    }
  });

  it('decodes a large photo at 1/8 scale: each pixel is its 8×8 block mean', () => {
    // The DC path is forced on a small image through the threshold argument (photos over 4 MP take it).
    const lum = decodeJpegLuminance(small, 'p.jpg', 50e6, 0);
    expect([lum.width, lum.height, lum.downscale]).toEqual([12, 9, 8]);
    const ref = jpeg.decode(small, { useTArray: true });
    let worst = 0;
    for (let by = 0; by < 9; by++) {
      for (let bx = 0; bx < 12; bx++) {
        let sum = 0;
        for (let y = 0; y < 8; y++) {
          for (let x = 0; x < 8; x++) {
            const j = 4 * ((by * 8 + y) * 96 + bx * 8 + x);
            sum += (0.299 * ref.data[j] + 0.587 * ref.data[j + 1] + 0.114 * ref.data[j + 2]) / 255;
          }
        }
        worst = Math.max(worst, Math.abs(sum / 64 - lum.lum[by * 12 + bx]));
      }
    }
    // Rounding and clamping of the full decode's samples: well under one grey level in 255.
    expect(worst).toBeLessThan(2 / 255);
  });

  // Made by libjpeg-turbo's cjpeg from one 100×75 picture: chroma subsampled 4:2:0 with a restart
  // marker every 3 MCUs, 4:2:2, grayscale with a restart every MCU row, 4:4:4 with optimised huffman
  // tables, and progressive (which the 1/8-scale path leaves to jpeg-js).
  for (const name of ['ycc420-restart', 'ycc422', 'gray-restart', 'ycc444-optimized', 'progressive']) {
    it(`1/8 scale matches the full decode's block means: ${name}.jpg`, () => {
      const bytes = readFileSync(new URL(`fixtures/${name}.jpg`, import.meta.url));
      const full = decodeImage(bytes, `${name}.jpg`);
      expect([full.width, full.height, full.downscale]).toEqual([100, 75, undefined]);
      const small = decodeJpegLuminance(bytes, `${name}.jpg`, 50e6, 0);
      if (name === 'progressive') {
        expect([small.width, small.height, small.downscale]).toEqual([100, 75, undefined]);
        return;
      }
      expect([small.width, small.height, small.downscale]).toEqual([13, 10, 8]);
      let worst = 0;
      // The 12×9 blocks that lie inside the picture (the edge ones also average the encoder's padding).
      for (let by = 0; by < 9; by++) {
        for (let bx = 0; bx < 12; bx++) {
          let sum = 0;
          for (let y = 0; y < 8; y++)
            for (let x = 0; x < 8; x++) sum += full.data[(by * 8 + y) * 100 + bx * 8 + x];
          worst = Math.max(worst, Math.abs(sum / 64 - small.lum[by * 13 + bx]));
        }
      }
      expect(worst).toBeLessThan(3 / 255);
    });
  }

  it('refuses a frame header over the pixel budget before decoding', () => {
    // A 14000×14000 SOF in front of nothing: refused from the header alone.
    const sof = Uint8Array.of(
      0xff,
      0xd8,
      0xff,
      0xc0,
      0,
      17,
      8,
      14000 >> 8,
      14000 & 255,
      14000 >> 8,
      14000 & 255,
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
    );
    expect(() => decodeImage(sof, 'bomb.jpg')).toThrow(
      'bomb.jpg: image too large: 14000×14000 = 196.0 megapixels, over the limit of 50.0 (option maxPixels)',
    );
    const zero = new Uint8Array(sof);
    zero.set([0, 0, 0, 0], 7);
    expect(() => decodeImage(zero, 'zero.jpg')).toThrow('zero.jpg: image has no pixels (0×0)');
  });

  it('names unsupported variants and truncation', () => {
    const arithmetic = Uint8Array.of(0xff, 0xd8, 0xff, 0xc9, 0, 11, 8, 0, 8, 0, 8, 1, 1, 0x11, 0);
    expect(() => decodeImage(arithmetic, 'a.jpg')).toThrow(/^a\.jpg: unsupported JPEG variant \(SOF9/);
    expect(() => decodeImage(small.subarray(0, 100), 'cut.jpg')).toThrow(
      /^cut\.jpg: corrupt or unsupported JPEG \(/,
    );
  });
});
