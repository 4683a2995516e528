// The CLI's compiled preprocessing kernels (src/wasm-*.ts) against the datasets library's JavaScript,
// which they stand in for in the bundle: the same bits on random pictures with ties, zeros and -0.
import { describe, expect, it } from 'vitest';
import { labelComponents as labelComponentsJs } from '../../../packages/datasets/src/image/preprocess/components.js';
import { extremeFilter as extremeFilterJs } from '../../../packages/datasets/src/image/preprocess/extreme.js';
import { histogramRank as histogramRankJs } from '../../../packages/datasets/src/image/preprocess/histogram.js';
import {
  inkMap as inkMapJs,
  inkOf as inkOfJs,
} from '../../../packages/datasets/src/image/preprocess/illumination.js';
import { extremes as extremesJs } from '../../../packages/datasets/src/image/preprocess/extremes.js';
import * as inkJs from '../../../packages/datasets/src/image/preprocess/ink.js';
import { borderClosing as borderClosingJs } from '../../../packages/datasets/src/image/preprocess/morphology.js';
import { steepestProjection as steepestProjectionJs } from '../../../packages/datasets/src/image/preprocess/projection.js';
import {
  removeShadowInk as removeShadowInkJs,
  blobMask as blobMaskJs,
} from '../../../packages/datasets/src/image/preprocess/shadows.js';
import {
  crc32 as crc32Js,
  rowsOf8Bits as rowsOf8BitsJs,
  unfilterRows as unfilterRowsJs,
} from '../../../packages/datasets/src/image/png-rows.js';
import { resizeArea as resizeAreaJs } from '../../../packages/datasets/src/image/resample.js';
import { labelComponents } from '../src/wasm-components.js';
import { extremeFilter } from '../src/wasm-extreme.js';
import { histogramRank } from '../src/wasm-histogram.js';
import { inkMap, inkOf } from '../src/wasm-illumination.js';
import * as ink from '../src/wasm-ink.js';
import { extremes } from '../src/wasm-extremes.js';
import { borderClosing } from '../src/wasm-morphology.js';
import { steepestProjection } from '../src/wasm-projection.js';
import { crc32, rowsOf8Bits, unfilterRows } from '../src/wasm-png-rows.js';
import { resizeArea } from '../src/wasm-resample.js';
import { blobMask, removeShadowInk } from '../src/wasm-shadows.js';

/** A w×h picture of a few grey levels (many ties), zeros and negative zeros, from a fixed seed. */
function picture(w: number, h: number, seed: number): Float32Array {
  const out = new Float32Array(w * h);
  let s = seed >>> 0;
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const k = s >>> 24;
    out[i] = k < 40 ? 0 : k < 60 ? -0 : k < 120 ? (k % 5) / 4 : (k * 7919) / 65536;
  }
  return out;
}

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe('compiled running extremes', () => {
  it('give the bits of the library’s extremeFilter, every size, radius and sign', () => {
    const cases: [number, number, number][] = [
      [1, 1, 0],
      [1, 7, 2],
      [9, 1, 3],
      [13, 11, 0],
      [13, 11, 1],
      [40, 30, 4],
      [37, 53, 9],
      [20, 20, 25],
      [180, 160, 10],
      // windows as long as the line, one longer, one shorter; blocks ending on the line's end
      [3, 2, 1],
      [5, 5, 2],
      [6, 6, 2],
      [64, 9, 8],
      [9, 64, 31],
      [31, 15, 7],
    ];
    for (const [w, h, r] of cases) {
      for (const sign of [1, -1] as const) {
        const src = picture(w, h, w * 1000 + h * 10 + r);
        const got = extremeFilter(src, w, h, r, sign);
        expect(got).toHaveLength(w * h);
        expect(bits(got), `${w}×${h} r=${r} sign=${sign}`).toEqual(bits(extremeFilterJs(src, w, h, r, sign)));
      }
    }
  });

  it('give the bits of the library’s borderClosing, padding and crop included', () => {
    const cases: [number, number, number][] = [
      [1, 1, 0],
      [1, 5, 2],
      [7, 1, 4],
      [12, 9, 1],
      [40, 30, 4],
      [33, 51, 10],
      [160, 120, 10],
      [3, 14, 6],
      [29, 30, 0],
    ];
    for (const [w, h, r] of cases) {
      const src = picture(w, h, w * 77 + h * 3 + r);
      const got = borderClosing(src, w, h, r);
      expect(got).toHaveLength(w * h);
      expect(bits(got), `${w}×${h} r=${r}`).toEqual(bits(borderClosingJs(src, w, h, r)));
    }
  });

  it('leaves its input alone and grows its memory for a large picture', () => {
    const src = picture(400, 300, 3);
    const copy = src.slice();
    const got = extremeFilter(src, 400, 300, 6, 1);
    expect(bits(src)).toEqual(bits(copy));
    expect(bits(got)).toEqual(bits(extremeFilterJs(src, 400, 300, 6, 1)));
  });
});

/** A w×h mask with blobs of density `p` (thresholded noise, so blobs of every shape touch everything). */
function mask(w: number, h: number, p: number, seed: number): Uint8Array {
  const out = new Uint8Array(w * h);
  let s = seed >>> 0;
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = (s >>> 8) / 2 ** 24 < p ? 1 + (s & 3) : 0;
  }
  return out;
}

describe('compiled blob labelling', () => {
  it('gives the labels and measurements of the library’s labelComponents', () => {
    const cases: [number, number, number][] = [
      [1, 1, 1],
      [1, 9, 0.6],
      [9, 1, 0.6],
      [5, 4, 0],
      [6, 6, 1],
      [30, 20, 0.3],
      [30, 20, 0.55],
      [160, 120, 0.45],
    ];
    for (const [w, h, p] of cases) {
      const m = mask(w, h, p, w * 31 + h);
      const ink = picture(w, h, w + h * 7);
      const got = labelComponents(m, ink, w, h);
      const want = labelComponentsJs(m, ink, w, h);
      expect(Array.from(got.labels), `${w}×${h} p=${p}`).toEqual(Array.from(want.labels));
      // Mass to the bit: the same float64 sums in the same order.
      expect(got.components, `${w}×${h} p=${p}`).toEqual(want.components);
    }
    expect(
      labelComponents(mask(30, 20, 0.55, 1), picture(30, 20, 2), 30, 20).components.length,
    ).toBeGreaterThan(3);
  });
});

describe('compiled blob labelling on paper', () => {
  it('finds single pixels and blobs starting at every alignment after blank stretches', () => {
    const [w, h] = [50, 30];
    const mask = new Uint8Array(w * h);
    for (let i = 0; i < w * h; i += 37) mask[i] = 1;
    for (let i = 48; i < w * h; i += 51) mask[i] = 1;
    for (let x = 10; x < 30; x++) mask[20 * w + x] = 1;
    const ink = Float32Array.from(mask, (v, i) => v * ((i % 13) / 13));
    const got = labelComponents(mask, ink, w, h);
    const want = labelComponentsJs(mask, ink, w, h);
    expect(got.components).toEqual(want.components);
    expect(Array.from(got.labels)).toEqual(Array.from(want.labels));
    expect(got.components.length).toBeGreaterThan(30);
    // A pixel at every position of a row of 64 (and one further on), after blank stretches.
    for (let p = 0; p < 64; p++) {
      const dots = new Uint8Array(64 * 4);
      dots[p] = 1;
      dots[p + 100] = 1;
      const one = Float32Array.from(dots);
      const found = labelComponents(dots, one, 64, 4);
      expect(found.components, `at ${p}`).toEqual(labelComponentsJs(dots, one, 64, 4).components);
      expect(found.components).toHaveLength(2);
    }
  });
});

describe('compiled ink projections', () => {
  it('give the library’s most peaked projection and its counts, ruled or not', () => {
    const slopes = Array.from({ length: 25 }, (_, i) => Math.tan(((i - 12) * Math.PI) / 180));
    for (const [w, h, tilt] of [
      [160, 120, 0.05],
      [160, 120, -0.13],
      [90, 70, 0],
      [64, 32, 0.2],
    ]) {
      // Noise plus ruled lines y = k + x·tilt every 14 px, some pixels exactly on a half (x·tilt).
      const ink = picture(w, h, w + h);
      for (let i = 0; i < ink.length; i++) ink[i] = ink[i] > 0.9 ? ink[i] : 0;
      for (let k = 5; k < h; k += 14) {
        for (let x = 0; x < w; x++) {
          const y = Math.round(k + x * tilt);
          if (y >= 0 && y < h) ink[y * w + x] = 0.8;
        }
      }
      const pad = Math.ceil(Math.tan((12 * Math.PI) / 180) * w) + 1;
      for (const on of [0.05, 0.5, 2]) {
        const got = steepestProjection(ink, w, h, on, slopes, pad, 0.5 * w);
        const want = steepestProjectionJs(ink, w, h, on, slopes, pad, 0.5 * w);
        expect(got, `${w}×${h} tilt ${tilt} on ${on}`).toEqual(want);
      }
    }
    // Ink in no more columns than a line must cover (a digit on a page): every direction scores 0,
    // and the first one's counts come back; ruled lines across half the width or a hair more.
    for (const [w, h, span, lines] of [
      [160, 120, 80, 0],
      [160, 120, 79, 2],
      [160, 120, 81, 2],
      [90, 70, 45, 3],
    ]) {
      const ink = new Float32Array(w * h);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < span; x++) ink[y * w + x + ((w - span) >> 1)] = ((x * 7 + y * 3) % 10) / 10;
      }
      for (let k = 0; k < lines; k++) {
        for (let x = 0; x < span; x++) ink[(10 + 20 * k) * w + x + ((w - span) >> 1)] = 1;
      }
      const pad = Math.ceil(Math.tan((12 * Math.PI) / 180) * w) + 1;
      for (const on of [0.05, 0.5, 0.95]) {
        for (const some of [slopes, [0.5, ...slopes], [...slopes, 1 / 3, -0.5]]) {
          const got = steepestProjection(ink, w, h, on, some, pad, 0.5 * w);
          expect(got, `${w}×${h} span ${span} on ${on}`).toEqual(
            steepestProjectionJs(ink, w, h, on, some, pad, 0.5 * w),
          );
        }
      }
    }
    // Offsets landing exactly on halves, a hair off them, past either end, huge or not numbers
    // round and drop as JavaScript does.
    const ink = new Float32Array(4 * 3).fill(1);
    const odd = [
      0.5,
      -0.5,
      1.5,
      -1.5,
      2.5,
      7,
      0.5 + 1e-9,
      0.5 - 1e-9,
      1 / 3,
      -2 / 3,
      1e12,
      Number.NaN,
      -Infinity,
    ];
    for (const coverage of [0, 3, 4, Number.NaN]) {
      expect(steepestProjection(ink, 4, 3, 0, odd, 1, coverage)).toEqual(
        steepestProjectionJs(ink, 4, 3, 0, odd, 1, coverage),
      );
    }
  });
});

describe('compiled area resize', () => {
  it('gives the bits of the library’s resizeArea, shrinking, enlarging and mixed', () => {
    for (const [w, h, ow, oh] of [
      [1, 1, 1, 1],
      [7, 5, 3, 2],
      [280, 280, 160, 160],
      [500, 375, 160, 120],
      [33, 20, 20, 12],
      [160, 100, 80, 50],
      [3, 2, 7, 5],
      [12, 17, 14, 20],
      [1, 9, 20, 3],
      [97, 1, 20, 1],
    ]) {
      const src = picture(w, h, w * 3 + h);
      const copy = src.slice();
      const got = resizeArea(src, w, h, ow, oh);
      expect(got).toHaveLength(ow * oh);
      expect(bits(got), `${w}×${h} → ${ow}×${oh}`).toEqual(bits(resizeAreaJs(src, w, h, ow, oh)));
      expect(bits(src)).toEqual(bits(copy));
    }
  });

  it('averages a hand-worked 4×2 picture into 2×1 and 3×1', () => {
    const src = Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7]);
    // 2×1: means of [0, 1, 4, 5] and [2, 3, 6, 7].
    expect(Array.from(resizeArea(src, 4, 2, 2, 1))).toEqual([2.5, 4.5]);
    // 3×1: each output covers 4/3 columns of both rows; the first is (0 + 4 + (1 + 5) / 3) / (2 · 4/3).
    const third = resizeArea(src, 4, 2, 3, 1);
    expect(third[0]).toBeCloseTo(((0 + 4) * 1 + (1 + 5) / 3) / (8 / 3), 5);
    expect(third[1]).toBeCloseTo(3.5, 5);
  });
});

/** `length` random bytes from a fixed seed. */
function bytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let s = seed >>> 0;
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

describe('compiled PNG rows', () => {
  it('give the library’s chunk CRC-32, for any span of the bytes', () => {
    // The CRC of the chunk type IEND (with no data), which every PNG ends with: 0xae426082.
    const iend = Uint8Array.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);
    expect(crc32(iend, 4, 8)).toBe(0xae426082);
    expect(crc32Js(iend, 4, 8)).toBe(0xae426082);
    const data = bytes(70000, 3);
    for (const [start, end] of [
      [0, 0],
      [5, 6],
      [3, 20],
      [17, 70000],
      [0, 65537],
    ]) {
      expect(crc32(data, start, end), `[${start}, ${end})`).toBe(crc32Js(data, start, end));
    }
  });

  it('reverse every row filter as the library does, and stop at the same unknown one', () => {
    for (const bpp of [1, 2, 3, 4, 6, 8]) {
      const rowBytes = 7 * bpp + 3;
      const rows = 12;
      const raw = bytes(5 + rows * (rowBytes + 1), bpp);
      // Filter bytes 0–4 in turn from `at` = 5 on; a second copy ends in an unknown filter (7).
      for (let r = 0; r < rows; r++) raw[5 + r * (rowBytes + 1)] = r % 5;
      const bad = raw.slice();
      bad[5 + 9 * (rowBytes + 1)] = 7;
      for (const input of [raw, bad]) {
        const got = input.slice();
        const want = input.slice();
        expect(unfilterRows(got, 5, rows, rowBytes, bpp)).toBe(unfilterRowsJs(want, 5, rows, rowBytes, bpp));
        expect(Array.from(got), `bpp ${bpp}`).toEqual(Array.from(want));
      }
      expect(unfilterRows(bad.slice(), 5, rows, rowBytes, bpp)).toBe(9);
    }
  });

  it('turn 8-bit gray, gray+alpha, RGB and RGBA rows into the library’s luminance and alpha', () => {
    const width = 13;
    const height = 9;
    for (const channels of [1, 2, 3, 4]) {
      for (const key of [undefined, [40, 200, 7]]) {
        for (const withAlpha of [false, true]) {
          // Every pixel; all rows but the last (which must keep its values); then an interlace-like
          // pass: every 2nd pixel of every 4th row from (1, 2).
          for (const [first, cols, rows, dx, rowStep] of [
            [0, width, height, 1, width],
            [0, width, height - 1, 1, width],
            [2 * width + 1, 6, 2, 2, 4 * width],
          ]) {
            const stride = cols * channels + 1;
            const raw = bytes(3 + rows * stride, channels * 10 + rows);
            raw[3] = key?.[0] ?? 0; // a pixel that matches the key
            raw[4] = key?.[1] ?? 0;
            raw[5] = key?.[2] ?? 0;
            const run = (f: typeof rowsOf8BitsJs) => {
              const lum = new Float32Array(width * height).fill(0.5);
              const alpha = withAlpha ? new Float32Array(width * height).fill(1) : null;
              f(raw, 3, stride, rows, cols, channels, first, rowStep, dx, key, lum, alpha);
              return [bits(lum), alpha === null ? null : bits(alpha)];
            };
            expect(run(rowsOf8Bits), `${channels} channels`).toEqual(run(rowsOf8BitsJs));
          }
        }
      }
    }
  });
});

describe('compiled percentile histogram', () => {
  it('finds the library’s bin, values out of range, huge, NaN and infinite included', () => {
    const data = picture(120, 90, 5);
    for (let i = 0; i < data.length; i += 97) data[i] = -data[i] - 0.5; // below the range
    const odd = Float32Array.from([
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      3e9,
      -3e9,
      1e30,
      -5e12,
      2 ** 31,
      -(2 ** 31),
    ]);
    for (const values of [data, odd, new Float32Array(0)]) {
      for (const [lo, hi] of [
        [0, 1],
        [-1, 1],
        [0.2, 0.3],
      ]) {
        const scale = 4096 / (hi - lo || 1);
        for (const q of [0, 0.1, 0.5, 0.9, 0.997, 1, 1.5]) {
          const want = q * values.length;
          expect(histogramRank(values, lo, scale, 4096, want), `${values.length} [${lo}, ${hi}] q=${q}`).toBe(
            histogramRankJs(values, lo, scale, 4096, want),
          );
        }
      }
    }
    // Odd values among in-range ones, at every position of a group of four, and a tail.
    for (let at = 0; at < 5; at++) {
      for (const v of odd) {
        const mixed = picture(9, 3, at).map((x) => Math.abs(x) % 1);
        mixed[at] = v;
        mixed[at + 13] = -0;
        for (const q of [0.1, 0.5, 0.9, 1]) {
          expect(histogramRank(mixed, 0, 4096, 4096, q * 27), `${v} at ${at} q=${q}`).toBe(
            histogramRankJs(mixed, 0, 4096, 4096, q * 27),
          );
        }
      }
    }
    // Huge positions wrap modulo 2³² as `| 0` does: 3e9 lands low, not in the last bin.
    expect(histogramRank(Float32Array.from([3e9]), 0, 1, 4096, 1)).toBe(0);
  });
});

/** A w×h page: paper of uneven brightness, a dark band (a shadow), strokes and noise, from a seed. */
function page(w: number, h: number, seed: number): Float32Array {
  const out = picture(w, h, seed);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const paper = 0.6 + (0.35 * x) / w - (x > w / 3 && x < w / 2 ? 0.3 : 0);
      const stroke = Math.abs(y - h / 2 - (x - w / 2) / 3) < 2 || Math.abs(x - (2 * w) / 3) < 3;
      out[i] = (stroke ? 0.15 : paper) + 0.05 * (Math.abs(out[i]) % 1);
    }
  }
  return out;
}

describe('compiled ink map', () => {
  it('gives the bits of the library’s inkMap, ink and paper, every size and radius', () => {
    for (const [w, h, r] of [
      [1, 1, 4],
      [7, 3, 4],
      [40, 30, 4],
      [160, 120, 10],
      [97, 160, 13],
      // odd sizes, w ≠ h, narrow lines (column tails of 1–7), radius 0 and radii past the picture
      // (padded room over twice the picture's: the light copied in past it)
      [3, 5, 0],
      [13, 2, 9],
      [2, 19, 5],
      [37, 29, 1],
      [61, 45, 26],
      [160, 160, 10],
      [160, 160, 26],
      [83, 150, 40],
    ]) {
      for (const [kind, light] of [
        ['page', page(w, h, w + h + r)],
        ['noise', picture(w, h, 3 * w + r)],
      ] as const) {
        const got = inkMap(light, w, h, r);
        const want = inkMapJs(light, w, h, r);
        expect(bits(got.ink), `${kind} ${w}×${h} r=${r}`).toEqual(bits(want.ink));
        expect(bits(inkOf(light, w, h, r)), `${kind} ${w}×${h} r=${r}`).toEqual(bits(want.ink));
        expect(bits(inkOfJs(light, w, h, r))).toEqual(bits(want.ink));
        // Into a given array, the picture itself included.
        const out = new Float32Array(w * h);
        expect(inkOf(light, w, h, r, out)).toBe(out);
        expect(bits(out)).toEqual(bits(want.ink));
        const over = light.slice();
        expect(inkOf(over, w, h, r, over)).toBe(over);
        expect(bits(over)).toEqual(bits(want.ink));
        expect(bits(got.paper), `${kind} ${w}×${h} r=${r}`).toEqual(bits(want.paper));
        if (kind === 'page' && w >= 40) expect(Array.from(got.ink).some((v) => v > 0.5)).toBe(true);
      }
    }
  });
});

/** Ink with a wide weak band (a shadow), a wide strong block (a marker), thin strokes, noise. */
function shadowedInk(w: number, h: number, seed: number): Float32Array {
  const noise = Float32Array.from(picture(w, h, seed), (v) => Math.abs(v) % 1);
  const ink = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const band = x > w / 5 && x < w / 5 + 12;
      const block = x > (3 * w) / 5 && x < (3 * w) / 5 + 10 && y > h / 4 && y < h / 4 + 12;
      const stroke = Math.abs(y - x / 2) < 1.5;
      ink[i] = stroke || block ? 0.9 + 0.1 * noise[i] : band ? 0.3 + 0.4 * noise[i] : 0.2 * noise[i];
    }
  }
  return ink;
}

const SHADOW_CASES = [
  [1, 1, 2, 1],
  [30, 20, 2, 2],
  [160, 120, 3, 3],
  [120, 160, 4, 4],
  // odd sizes, and an opening on floats (ρ > 16): its scratch planes under the labels and records
  [161, 97, 3, 11],
  [45, 71, 17, 12],
];

describe('compiled shadow clearing', () => {
  it('clears the pixels the library’s removeShadowInk clears, and counts them', () => {
    for (const [w, h, rho, seed] of SHADOW_CASES) {
      const ink = shadowedInk(w, h, seed);
      const mask = Uint8Array.from(ink, (v) => (v > 0.25 ? 1 : 0));
      const got = mask.slice();
      const want = mask.slice();
      const cleared = removeShadowInk(got, ink, w, h, 1, rho);
      expect(cleared, `${w}×${h}`).toBe(removeShadowInkJs(want, ink, w, h, 1, rho));
      expect(Array.from(got), `${w}×${h}`).toEqual(Array.from(want));
      // (The shadow band, 11 pixels wide, outlasts openings of ρ ≤ 5.)
      if (w >= 30 && rho <= 5) expect(cleared).toBeGreaterThan(0);
    }
    // A wide square on paper, starting at every alignment, weak in 11 of its 20 columns: a shadow
    // by one column (220 of 400 pixels weak), whose weak pixels are cleared.
    for (let x0 = 0; x0 < 17; x0++) {
      const [w, h] = [64, 40];
      const ink = new Float32Array(w * h);
      for (let y = 3; y < 23; y++) {
        for (let x = x0; x < x0 + 20; x++) ink[y * w + x] = x < x0 + 11 ? 0.3 : 0.9;
      }
      const mask = Uint8Array.from(ink, (v) => (v > 0 ? 1 : 0));
      const got = mask.slice();
      const want = mask.slice();
      const cleared = removeShadowInk(got, ink, w, h, 1, 2);
      expect(cleared, `x0 ${x0}`).toBe(removeShadowInkJs(want, ink, w, h, 1, 2));
      expect(cleared, `x0 ${x0}`).toBe(220);
      expect(Array.from(got), `x0 ${x0}`).toEqual(Array.from(want));
    }
    // Any nonzero byte is ink; windows longer than the byte opening takes, as long as the picture,
    // pictures narrower than a vector or with a partial one at the end of their rows.
    for (const [w, h, rho, seed] of [
      [60, 50, 16, 5],
      [60, 50, 17, 6],
      [7, 40, 2, 7],
      [17, 9, 3, 8],
      [33, 33, 40, 9],
      [2, 2, 1, 10],
    ]) {
      const ink = shadowedInk(w, h, seed);
      const mask = Uint8Array.from(ink, (v, i) => (v > 0.25 ? [1, 2, 255, 128][i % 4] : 0));
      const got = mask.slice();
      const want = mask.slice();
      const cleared = removeShadowInk(got, ink, w, h, 1, rho);
      expect(cleared, `${w}×${h} ρ=${rho}`).toBe(removeShadowInkJs(want, ink, w, h, 1, rho));
      expect(Array.from(got), `${w}×${h} ρ=${rho}`).toEqual(Array.from(want));
    }
  });

  it('gives the blobs and mask of the library’s blobMask, at every threshold', () => {
    // Kinds by blob: 2 for the strong ones, 1 for the rest, and labels past the table read as 0.
    const choose = (components: { id: number; peak: number }[]) => {
      const kind = new Uint8Array(Math.max(1, components.length - 1));
      for (const c of components) if (c.id < kind.length) kind[c.id] = c.peak >= 0.9 ? 2 : 1;
      return kind;
    };
    for (const [w, h, rho, seed] of SHADOW_CASES) {
      const ink = shadowedInk(w, h, seed);
      for (const on of [0, 0.25, 0.5, 2]) {
        const got = blobMask(ink, w, h, on, 1, rho, choose);
        const want = blobMaskJs(ink, w, h, on, 1, rho, choose);
        expect(got?.components, `${w}×${h} on=${on}`).toEqual(want?.components);
        expect(Array.from(got?.mask ?? []), `${w}×${h} on=${on}`).toEqual(Array.from(want?.mask ?? []));
        expect(blobMask(ink, w, h, on, 1, rho, () => undefined)).toBeUndefined();
      }
      // The shadow's weak pixels are not in the mask: fewer pixels than above the threshold.
      const mask = blobMask(ink, w, h, 0.25, 1, rho, (c) => new Uint8Array(c.length + 1).fill(1, 1))?.mask;
      if (w >= 30 && rho <= 5) {
        expect(mask?.some((v) => v === 2) ?? true).toBe(false);
        expect(mask?.filter((v) => v === 1).length).toBeLessThan(ink.filter((v) => v > 0.25).length);
        const strong = blobMask(ink, w, h, 0.25, 1, rho, (c) =>
          Uint8Array.of(0, ...c.map((b) => (b.peak >= 0.9 ? 2 : 1))),
        );
        expect(strong?.mask.some((v) => v === 2)).toBe(true);
      }
    }
  });
});

describe('compiled per-pixel passes', () => {
  it('give the bits of the library’s complement, strokeLevel, thresholdInk, labelKinds and cropInk', () => {
    for (const [w, h, seed] of [
      [1, 1, 1],
      [9, 7, 2],
      [40, 30, 3],
      [160, 120, 4],
    ]) {
      const values = Float32Array.from(picture(w, h, seed), (v) => Math.abs(v) % 1.3);
      expect(bits(ink.complement(values)), `${w}×${h}`).toEqual(bits(inkJs.complement(values)));
      const level = ink.strokeLevel(values);
      expect(level, `${w}×${h}`).toBe(inkJs.strokeLevel(values));
      expect(ink.strokeLevel(new Float32Array(w * h))).toBe(0);
      // NaN, −0 and negatives skipped; the largest value in the last lanes or past them.
      for (const at of [values.length - 1, values.length - 2, values.length >> 1]) {
        const odd = Float32Array.from(values, (v, i) => (i % 3 === 0 ? Number.NaN : i % 5 === 0 ? -0 : -v));
        odd[at] = 0.7;
        expect(ink.strokeLevel(odd), `${w}×${h} at ${at}`).toBe(inkJs.strokeLevel(odd));
        for (const length of [1001, 1002, 1003, 1004]) {
          const long = Float32Array.from({ length }, (_, i) => (i * 0.37) % 1);
          long[length - 1] = 2;
          expect(ink.strokeLevel(long), `${length}`).toBe(inkJs.strokeLevel(long));
        }
      }
      for (const on of [0, 0.25 * level, level]) {
        expect(Array.from(ink.thresholdInk(values, on))).toEqual(Array.from(inkJs.thresholdInk(values, on)));
      }
      // Labels 0…5 against a table of 4 kinds: the ones past it read as 0, as in JavaScript.
      const labels = Int32Array.from(values, (v) => Math.floor(v * 4.6));
      const kind = Uint8Array.of(0, 2, 1, 2);
      expect(Array.from(ink.labelKinds(labels, kind))).toEqual(Array.from(inkJs.labelKinds(labels, kind)));
      const mask = inkJs.labelKinds(labels, kind);
      const signed = Float32Array.from(values, (v, i) => (i % 7 === 0 ? -v : i % 11 === 0 ? Number.NaN : v));
      expect(ink.strokeWidth(signed, w, h), `${w}×${h}`).toBe(inkJs.strokeWidth(signed, w, h));
      expect(ink.strokeWidth(values, w, h)).toBe(inkJs.strokeWidth(values, w, h));
      for (const box of [
        { x: 0, y: 0, width: w, height: h },
        { x: w >> 2, y: h >> 3, width: w >> 1, height: h - (h >> 2) },
      ]) {
        const got = ink.cropInk(values, mask, w, box, 1.7, 0.31);
        expect(bits(got), `${w}×${h} ${JSON.stringify(box)}`).toEqual(
          bits(inkJs.cropInk(values, mask, w, box, 1.7, 0.31)),
        );
      }
    }
  });
});

describe('compiled frame placing', () => {
  it('gives the library’s input and bytes: peak to 1, centre of mass centred, inside the frame', () => {
    for (const [bw, bh, seed] of [
      [20, 14, 1],
      [7, 20, 2],
      [1, 1, 3],
      [20, 20, 4],
      [28, 28, 5],
      [3, 28, 6],
    ]) {
      const base = Float32Array.from(picture(bw, bh, seed), (v) => Math.abs(v) % 1.7);
      // Ink massed off-centre (the offset clamps), nothing at all, NaN, ∞ and negative values.
      const corner = base.map((v, i) => (i % bw < bw / 3 && i < bw * 3 ? 1.5 : 0.01 * v));
      const odd = base.map((v, i) => (i === 3 ? Number.NaN : i === 5 ? -v : v));
      const huge = base.map((v, i) => (i === 2 ? Number.POSITIVE_INFINITY : v));
      for (const [kind, small] of [
        ['base', base],
        ['corner', corner],
        ['empty', new Float32Array(bw * bh)],
        ['odd', odd],
        ['huge', huge],
      ] as const) {
        const got = ink.frameInk(small.slice(), bw, bh, 28);
        const want = inkJs.frameInk(small.slice(), bw, bh, 28);
        expect(bits(got.input), `${kind} ${bw}×${bh}`).toEqual(bits(want.input));
        expect(Array.from(got.pixels28), `${kind} ${bw}×${bh}`).toEqual(Array.from(want.pixels28));
      }
    }
    // A hand-worked frame: one pixel at full strength lands on the centre pixel (14, 14).
    const dot = ink.frameInk(Float32Array.of(0, 0, 0, 0.5), 2, 2, 28);
    expect(dot.input[14 * 28 + 14]).toBe(1);
    expect(dot.pixels28[14 * 28 + 14]).toBe(255);
    expect(dot.input.reduce((a, b) => a + b, 0)).toBe(1);
  });
});

describe('compiled extremes', () => {
  it('give the library’s minimum and maximum, −0, NaN and empty pictures included', () => {
    for (const [w, h, seed] of [
      [1, 1, 1],
      [13, 11, 2],
      [160, 120, 3],
    ]) {
      const values = picture(w, h, seed);
      expect(extremes(values)).toEqual(extremesJs(values));
      values[3 % values.length] = Number.NaN;
      expect(extremes(values)).toEqual(extremesJs(values));
    }
    expect(extremes(Float32Array.of(-0, 0))).toEqual(extremesJs(Float32Array.of(-0, 0)));
    // The first zero is the extreme when zero is the least (or greatest) value: −0 and 0 at every
    // pair of positions, in lanes and past them.
    for (const length of [4, 8, 11]) {
      for (let a = 0; a < length; a++) {
        for (let b = 0; b < length; b++) {
          if (a === b) continue;
          for (const sign of [1, -1]) {
            const values = Float32Array.from({ length }, (_, i) => sign * (1 + (i % 3)));
            values[a] = -0;
            values[b] = 0;
            const got = extremes(values);
            expect(got, `${length} ${a} ${b} ${sign}`).toEqual(extremesJs(values));
            expect(Object.is(sign > 0 ? got.lo : got.hi, a < b ? -0 : 0)).toBe(true);
          }
        }
      }
    }
    expect(extremes(new Float32Array(0))).toEqual({
      lo: Number.POSITIVE_INFINITY,
      hi: Number.NEGATIVE_INFINITY,
    });
  });
});
