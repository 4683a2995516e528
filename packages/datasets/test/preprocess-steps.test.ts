// Each preprocessing step on small hand-made images, with hand-worked values.
import { Tensor } from '@scratchnet/tensor';
import { describe, expect, it } from 'vitest';
import { labelComponents, strokeWidthOf } from '../src/image/preprocess/components.js';
import { mnistFrame } from '../src/image/preprocess/frame.js';
import { inkMap, inkOf } from '../src/image/preprocess/illumination.js';
import { darkInk, percentile } from '../src/image/preprocess/levels.js';
import { findRuledLines, removeRuledLines } from '../src/image/preprocess/lines.js';
import { borderClosing, boxBlur, closing, extremeFilter } from '../src/image/preprocess/morphology.js';
import { selectDigit } from '../src/image/preprocess/select.js';
import { removeShadowInk } from '../src/image/preprocess/shadows.js';
import { decodeShrunk, shrinkToFit } from '../src/image/resample.js';
import { decodeImage } from '../src/image/decode.js';
import { writePng } from './png-writer.js';
import {
  ClassificationError,
  PreprocessingError,
  classifyImage,
  parsePreprocessing,
  preprocessGray,
} from '../src/index.js';

/** A w×h image from a function of (x, y). */
function image(w: number, h: number, f: (x: number, y: number) => number): Float32Array {
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[y * w + x] = f(x, y);
  return out;
}

describe('levels', () => {
  it('finds percentiles and the polarity', () => {
    const v = Float32Array.from({ length: 100 }, (_, i) => i / 100);
    expect(percentile(v, 0.5)).toBeCloseTo(0.49, 2);
    expect(percentile(v, 0.9)).toBeCloseTo(0.89, 2);
    // mostly white with a few black pixels: dark ink; mostly black with a few white: light ink
    const paper = Float32Array.from({ length: 50 }, (_, i) => (i < 5 ? 0 : 0.9));
    expect(darkInk(paper)).toBe(true);
    expect(darkInk(paper.map((x) => 1 - x))).toBe(false);
  });
});

describe('morphology', () => {
  it('takes maxima, minima and means over square windows', () => {
    const src = Float32Array.of(0, 0, 5, 0, 0, 1, 0, 0, 0, 0);
    // 5×2 image, r = 1
    expect(Array.from(extremeFilter(src, 5, 2, 1, 1))).toEqual([1, 5, 5, 5, 0, 1, 5, 5, 5, 0]);
    expect(Array.from(extremeFilter(src, 5, 2, 1, -1))).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const row = Float32Array.of(3, 6, 9);
    expect(Array.from(boxBlur(row, 3, 1, 1))).toEqual([4.5, 6, 7.5]);
  });

  it('extremeFilter equals a scan of every clipped window, for any radius, ties and ±0 included', () => {
    // The reference: the earliest extreme of each window, rows then columns.
    const scan = (src: Float32Array, w: number, h: number, r: number, sign: 1 | -1) => {
      const axis = (a: Float32Array, alongX: boolean) => {
        const out = new Float32Array(a.length);
        for (let y = 0; y < h; y++) {
          for (let x = 0; x < w; x++) {
            const c = alongX ? x : y;
            const len = alongX ? w : h;
            let m = Number.NaN;
            for (let k = Math.max(0, c - r); k <= Math.min(len - 1, c + r); k++) {
              const v = sign * a[alongX ? y * w + k : k * w + x];
              if (Number.isNaN(m) || v > m) m = v;
            }
            out[y * w + x] = sign * m;
          }
        }
        return out;
      };
      return axis(axis(src, true), false);
    };
    let seed = 12345;
    const next = () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    for (const [w, h] of [
      [1, 1],
      [7, 3],
      [23, 17],
      [40, 9],
    ]) {
      // Few distinct values, so windows hold ties; -0 and 0 both appear.
      const src = Float32Array.from({ length: w * h }, () => [0, -0, 0.25, 0.5, 1][Math.floor(next() * 5)]);
      for (const r of [0, 1, 2, 3, 5, 11, 30]) {
        for (const sign of [1, -1] as const) {
          const got = extremeFilter(src, w, h, r, sign);
          const want = scan(src, w, h, r, sign);
          expect(Array.from(got, (v) => (Object.is(v, -0) ? '-0' : v))).toEqual(
            Array.from(want, (v) => (Object.is(v, -0) ? '-0' : v)),
          );
        }
      }
    }
  });

  it('closing removes dark strokes narrower than the window and keeps steps and ramps exactly', () => {
    const w = 20;
    // bright ramp from 0.5 to 0.975 with a dark 2 px stroke at x = 8, 9
    const ramp = image(w, 1, (x) => 0.5 + x * 0.025);
    const stroked = ramp.map((v, x) => (x === 8 || x === 9 ? 0.1 : v));
    const closed = closing(stroked, w, 1, 3);
    // (within r of the picture's edge the window is cut short: borderClosing extends the picture)
    for (let x = 3; x < w - 3; x++) {
      if (x === 8 || x === 9)
        expect(closed[x]).toBeCloseTo(ramp[7], 5); // filled at the darker side's paper
      else expect(closed[x]).toBeCloseTo(ramp[x], 5);
    }
    // a step of light (a shadow's edge) comes through unchanged
    const step = image(w, 1, (x) => (x < 10 ? 0.9 : 0.4));
    expect(Array.from(closing(step, w, 1, 3))).toEqual(Array.from(step));
  });

  it('keeps a narrow dark strip at the border (the table) but removes the same strip inside', () => {
    const w = 30;
    const h = 10;
    const atBorder = image(w, h, (x) => (x < 3 ? 0.2 : 0.9));
    const inside = image(w, h, (x) => (x >= 10 && x < 13 ? 0.2 : 0.9));
    const r = 4;
    expect(Array.from(borderClosing(atBorder, w, h, r))).toEqual(Array.from(atBorder));
    const c = closing(atBorder, w, h, r);
    expect(c[0]).toBeCloseTo(0.9, 5); // without the extension the strip counts as a stroke
    for (const v of borderClosing(inside, w, h, r)) expect(v).toBeCloseTo(0.9, 5);
  });
});

describe('illumination', () => {
  it('measures ink as the fraction it is darker than the paper under any light', () => {
    const w = 60;
    const h = 40;
    // light falls from 1 to 0.4 left to right; ink reflects 20 % of it in two dots
    const light = (x: number) => 1 - (0.6 * x) / (w - 1);
    const px = image(w, h, (x, y) => {
      const dot = (y === 20 && (x === 10 || x === 50)) || (y === 21 && (x === 10 || x === 50));
      return dot ? 0.2 * light(x) : light(x);
    });
    const { ink } = inkMap(px, w, h);
    expect(Array.from(inkOf(px, w, h))).toEqual(Array.from(ink));
    expect(ink[20 * w + 10]).toBeCloseTo(0.8, 2);
    expect(ink[20 * w + 50]).toBeCloseTo(0.8, 2);
    // the paper, lit or not, is no ink
    expect(ink[5 * w + 5]).toBe(0);
    expect(ink[5 * w + 55]).toBe(0);
  });

  it('takes a shadow band for paper', () => {
    const w = 80;
    const h = 80;
    const shade = (y: number) => (y >= 30 && y < 60 ? 0.4 : 1);
    const px = image(w, h, (x, y) => (x >= 39 && x <= 40 && y >= 10 && y < 70 ? 0.15 : 1) * shade(y));
    const { ink } = inkMap(px, w, h);
    let band = 0;
    for (let y = 30; y < 60; y++) for (let x = 0; x < 30; x++) band = Math.max(band, ink[y * w + x]);
    expect(band).toBe(0);
    expect(ink[45 * w + 39]).toBeCloseTo(0.85, 2); // the stroke in the shadow
    expect(ink[15 * w + 39]).toBeCloseTo(0.85, 2); // and in the light
  });
});

describe('analysis size', () => {
  it('shrinks a picture by area averaging to fit, and keeps a small one as it is', () => {
    // 4×2 into at most 2 a side: 2×1, each pixel the mean of a 2×2 block
    const data = Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7]);
    const s = shrinkToFit({ width: 4, height: 2, data }, 2);
    expect([s.width, s.height, s.work, s.w, s.h]).toEqual([4, 2, 0.5, 2, 1]);
    expect(Array.from(s.lum)).toEqual([2.5, 4.5]);
    const same = shrinkToFit({ width: 4, height: 2, data }, 4);
    expect([same.work, same.w, same.h]).toEqual([1, 4, 2]);
    expect(same.lum).toBe(data);
  });

  it('decodes and shrinks bytes as decodeImage then shrinkToFit do', () => {
    const width = 9;
    const height = 6;
    const samples = Array.from({ length: width * height }, (_, i) => (i * 37) % 256);
    const bytes = writePng({ width, height, colorType: 0, depth: 8, samples });
    const s = decodeShrunk(bytes, 'g.png', 3);
    expect([s.w, s.h]).toEqual([3, 2]);
    expect(Array.from(s.lum)).toEqual(Array.from(shrinkToFit(decodeImage(bytes), 3).lum));
    // the top-left 3×3 block's mean
    const block = [0, 1, 2, 9, 10, 11, 18, 19, 20].reduce((a, i) => a + samples[i], 0) / 9 / 255;
    expect(s.lum[0]).toBeCloseTo(block, 6);
    expect(() => decodeShrunk(bytes.subarray(0, 30), 'g.png', 3)).toThrow(/^g\.png: corrupt PNG/);
  });
});

describe('ruled lines', () => {
  it('finds two parallel lines across the page and removes them without cutting a stroke', () => {
    const w = 100;
    const h = 60;
    const ink = image(w, h, (x, y) => {
      if (x >= 50 && x <= 52 && y >= 5 && y < 55) return 1; // a pen stroke crossing both lines
      return y === 20 || y === 40 ? 0.3 : 0;
    });
    const lines = findRuledLines(ink, w, h, 1);
    expect(lines.map((l) => [l.slope, l.k])).toEqual([
      [0, 20],
      [0, 40],
    ]);
    removeRuledLines(ink, w, h, lines);
    expect(ink[20 * w + 10]).toBe(0);
    expect(ink[40 * w + 90]).toBe(0);
    expect(ink[20 * w + 51]).toBe(1);
    expect(ink[40 * w + 51]).toBe(1);
  });

  it('finds tilted lines and leaves a single long stroke alone', () => {
    const w = 120;
    const h = 80;
    const slope = Math.tan((5 * Math.PI) / 180);
    const tilted = image(w, h, (x, y) =>
      Math.abs(y - (15 + x * slope)) < 0.6 || Math.abs(y - (45 + x * slope)) < 0.6 ? 0.4 : 0,
    );
    const found = findRuledLines(tilted, w, h, 1);
    expect(found).toHaveLength(2);
    expect(found[0].slope).toBeCloseTo(slope, 5);
    const one = image(w, h, (_, y) => (y === 30 ? 1 : 0));
    expect(findRuledLines(one, w, h, 1)).toEqual([]);
  });
});

describe('components', () => {
  it('labels 8-connected blobs with their area, mass, box, boundary and border contact', () => {
    // 6×5: a diagonal pair (8-connected) at the border and a 2×2 block inside
    const m = [
      [1, 0, 0, 0, 0, 0],
      [0, 1, 0, 0, 0, 0],
      [0, 0, 0, 1, 1, 0],
      [0, 0, 0, 1, 1, 0],
      [0, 0, 0, 0, 0, 0],
    ].flat();
    const mask = Uint8Array.from(m);
    const ink = Float32Array.from(m, (v) => v * 0.5);
    const { labels, components } = labelComponents(mask, ink, 6, 5);
    expect(components).toHaveLength(2);
    const [a, b] = components;
    expect([a.area, a.mass, a.x0, a.y0, a.x1, a.y1, a.touchesBorder]).toEqual([2, 1, 0, 0, 1, 1, true]);
    expect([b.area, b.mass, b.x0, b.y0, b.x1, b.y1, b.touchesBorder]).toEqual([4, 2, 3, 2, 4, 3, false]);
    expect(b.boundary).toBe(4);
    expect(strokeWidthOf(b)).toBe(2);
    expect(labels[2 * 6 + 3]).toBe(b.id);
  });
});

describe('selectDigit', () => {
  /** Components of a mask drawn as rectangles [x0, y0, x1, y1] on a w×h picture. */
  function blobs(w: number, h: number, rects: [number, number, number, number][]) {
    const mask = new Uint8Array(w * h);
    for (const [x0, y0, x1, y1] of rects)
      for (let y = y0; y <= y1; y++) mask.fill(1, y * w + x0, y * w + x1 + 1);
    return labelComponents(mask, Float32Array.from(mask), w, h).components;
  }

  it('prefers ink clear of the border, even when the border ink is larger', () => {
    const c = blobs(100, 80, [
      [0, 0, 9, 79], // the table along the left side
      [45, 20, 55, 60], // the digit
    ]);
    const s = selectDigit(c, 100, 80, 0.05);
    expect(s?.box).toEqual({ x: 45, y: 20, width: 11, height: 41 });
    expect([s?.candidates, s?.touchesBorder]).toEqual([1, false]);
  });

  it("merges a digit's separate strokes and counts a far mark as another candidate", () => {
    const c = blobs(200, 100, [
      [50, 30, 60, 70], // the body of a 5
      [52, 20, 70, 23], // its hat, 6 px above
      [150, 30, 160, 70], // another digit far to the right
    ]);
    const s = selectDigit(c, 200, 100, 0.05);
    expect(s?.box).toEqual({ x: 50, y: 20, width: 21, height: 51 });
    expect(s?.candidates).toBe(2);
  });

  it('falls back on border ink when there is nothing else, and says so', () => {
    const c = blobs(50, 50, [[20, 30, 30, 49]]);
    const s = selectDigit(c, 50, 50, 0.05);
    expect(s?.box).toEqual({ x: 20, y: 30, width: 11, height: 20 });
    expect(s?.touchesBorder).toBe(true);
    expect(selectDigit([], 50, 50, 0.05)).toBeUndefined();
  });

  it('ignores the remnant of a ruled line', () => {
    const c = blobs(200, 100, [
      [5, 50, 180, 51], // a long thin line
      [90, 10, 100, 45], // the digit
    ]);
    expect(selectDigit(c, 200, 100, 0.05)?.box).toEqual({ x: 90, y: 10, width: 11, height: 36 });
  });
});

describe('removeShadowInk', () => {
  it('clears a wide weak region but not the strong stroke crossing it, nor a strong thick stroke', () => {
    const w = 60;
    const h = 40;
    const ink = image(w, h, (x, y) => {
      if (x >= 28 && x <= 30) return 1; // pen stroke, full height
      if (y >= 10 && y < 25 && x < 20) return 0.5; // shadow band piece on the left
      if (y >= 10 && y < 25 && x >= 40 && x < 52) return 0.95; // a thick strong marker blob
      return 0;
    });
    const mask = Uint8Array.from(ink, (v) => (v > 0.2 ? 1 : 0));
    const cleared = removeShadowInk(mask, ink, w, h, 1, 2);
    expect(cleared).toBe(15 * 20);
    expect(mask[15 * w + 5]).toBe(0);
    expect(mask[15 * w + 29]).toBe(1);
    expect(mask[15 * w + 45]).toBe(1);
  });
});

describe('mnistFrame', () => {
  it('scales the longer side to 20 px and centres the mass on (14, 14)', () => {
    // a 10×40 bar → 5×20
    const { input, pixels28 } = mnistFrame(new Float32Array(400).fill(0.5), 10, 40);
    let mass = 0;
    let mx = 0;
    let my = 0;
    let count = 0;
    input.forEach((v, i) => {
      mass += v;
      mx += v * (i % 28);
      my += v * Math.floor(i / 28);
      if (v > 0) count++;
    });
    expect(count).toBe(5 * 20);
    expect(Math.max(...input)).toBe(1);
    expect(mx / mass).toBeCloseTo(14, 5); // columns 12..16
    expect(my / mass).toBeCloseTo(14.5, 5); // rows 5..24: 14 − 9.5 rounds to 5
    expect(pixels28[14 * 28 + 14]).toBe(255);
  });
});

describe('preprocessGray on a photo-like page', () => {
  it('ignores the table along the edge, a shadow band and ruled lines', () => {
    const w = 300;
    const h = 200;
    const px = image(w, h, (x, y) => {
      if (x < 25) return 0.25; // the table
      let v = y % 30 === 0 ? 0.75 : 0.95; // ruled lines every 30 px
      if (x >= 150 && x <= 156 && y >= 50 && y <= 150) v = 0.12; // a "1"
      if (y >= 90 && y < 120) v *= 0.5; // a shadow band across
      return v;
    });
    const r = preprocessGray({ width: w, height: h, data: px });
    expect(r.inverted).toBe(true);
    expect(Math.abs(r.box.x - 150)).toBeLessThanOrEqual(3);
    expect(Math.abs(r.box.y - 50)).toBeLessThanOrEqual(3);
    expect(Math.abs(r.box.y + r.box.height - 151)).toBeLessThanOrEqual(3);
    expect(r.box.width).toBeLessThanOrEqual(12);
    expect([r.touchesBorder, r.candidates]).toEqual([false, 1]);
    expect(r.ruledLines).toBeGreaterThanOrEqual(2);
    // the mask marks the digit (2) and nothing at the table
    expect(
      r.mask.data[
        Math.round(100 * (r.mask.height / h)) * r.mask.width + Math.round(153 * (r.mask.width / w))
      ],
    ).toBe(2);
    for (let y = 0; y < r.mask.height; y++) expect(r.mask.data[y * r.mask.width + 2]).not.toBe(2);
  });
});

describe('parsePreprocessing', () => {
  it('accepts the records models carry', () => {
    expect(parsePreprocessing({})).toEqual({});
    // what scratchnet-train writes
    const trainer = { input: [1, 28, 28], scale: 1 / 255, normalization: null, source: 'mnist' };
    expect(parsePreprocessing(trainer)).toEqual(trainer);
    const full = {
      kind: 'mnist',
      invert: 'auto',
      threshold: 0.3,
      minBlobFraction: 0.1,
      minStrokeWidth: 1.5,
      normalization: { mean: 0.1307, std: 0.3081 },
    };
    expect(parsePreprocessing(full)).toEqual(full);
  });

  it('names the field of every mistake, and the file', () => {
    const cases: [unknown, string][] = [
      [[], 'preprocessing must be a JSON object, got []'],
      [{ invrt: true }, "preprocessing has an unknown field 'invrt' (known: kind, invert, threshold,"],
      [{ kind: 'cifar' }, `preprocessing.kind must be 'mnist', got "cifar"`],
      [{ invert: 'yes' }, `preprocessing.invert must be 'auto', true or false, got "yes"`],
      [{ threshold: 1 }, 'preprocessing.threshold must be a number in [0, 1), got 1'],
      [{ scale: '1/255' }, 'preprocessing.scale must be a number > 0, got "1/255"'],
      [{ normalization: { mean: 0.1 } }, 'preprocessing.normalization needs both mean and std'],
      [{ normalization: { mean: 0, std: 0 } }, 'preprocessing.normalization.std must be a number > 0, got 0'],
      [
        { normalization: { mean: 0, std: 1, sd: 1 } },
        "preprocessing.normalization has an unknown field 'sd'",
      ],
      [{ input: [1, 0, 28] }, 'preprocessing.input must be a shape (positive integers), got [1,0,28]'],
    ];
    for (const [json, message] of cases) {
      expect(() => parsePreprocessing(json)).toThrow(message);
    }
    let err: unknown;
    try {
      parsePreprocessing({ minStrokeWidth: -1 }, 'model.safetensors');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PreprocessingError);
    expect((err as PreprocessingError).message).toBe(
      'model.safetensors: preprocessing.minStrokeWidth must be a number ≥ 0, got -1',
    );
    expect((err as PreprocessingError).problem).toBe(
      'preprocessing.minStrokeWidth must be a number ≥ 0, got -1',
    );
  });
});

describe('classifyImage', () => {
  /** A 28×28 white-on-black picture of a vertical bar. */
  const bar = {
    width: 28,
    height: 28,
    data: image(28, 28, (x, y) => (x >= 13 && x <= 15 && y >= 4 && y < 24 ? 1 : 0)),
  };

  /** A model returning fixed logits, recording its input. */
  function fake(logits: number[]) {
    const seen: Tensor[] = [];
    return {
      seen,
      predict(x: Tensor): Tensor {
        seen.push(x);
        const n = x.shape[0];
        const out = new Tensor([n, logits.length]);
        for (let i = 0; i < n; i++) out.data.set(logits, i * logits.length);
        return out;
      },
    };
  }

  it('applies the preprocessing, ranks the classes and warns when unsure', () => {
    const model = fake([0, Math.log(3), 0, 0]); // softmax: 1/6, 3/6, 1/6, 1/6
    const r = classifyImage(model, bar, {
      preprocessing: { normalization: { mean: 0.5, std: 0.25 } },
      classNames: ['a', 'b', 'c', 'd'],
      top: 2,
    });
    expect(r.prediction).toBe(1);
    expect(r.label).toBe('b');
    expect(r.confidence).toBeCloseTo(0.5, 6);
    expect(r.probabilities.map((p) => Number(p.toFixed(6)))).toEqual(
      [1 / 6, 0.5, 1 / 6, 1 / 6].map((p) => Number(p.toFixed(6))),
    );
    expect(r.ranking.map((c) => c.label)).toEqual(['b', 'a']);
    expect(r.warnings).toEqual([]);
    // the network saw (x − 0.5) / 0.25: paper −2, full ink +2
    const x = model.seen[0];
    expect(x.shape).toEqual([1, 1, 28, 28]);
    expect(Math.min(...x.data)).toBeCloseTo(-2, 6);
    expect(Math.max(...x.data)).toBeCloseTo(2, 6);

    const unsure = classifyImage(fake([0, 0.5, 0, 0]), bar);
    expect(unsure.warnings).toEqual([
      expect.stringMatching(/^low confidence: 1 has only 3\d\.\d% \(below 50%\)$/),
    ]);
    expect(unsure.ranking).toHaveLength(3);
  });

  it('refuses outputs that are not numbers', () => {
    expect(() => classifyImage(fake([0, Number.NaN, 1]), bar)).toThrow(ClassificationError);
    expect(() => classifyImage(fake([0, Number.POSITIVE_INFINITY, 1]), bar)).toThrow(/not finite/);
    expect(() => classifyImage(fake([0, 1]), bar, { preprocessing: { input: [3, 32, 32] } })).toThrow(
      'the model takes [3, 32, 32] inputs; MNIST-style preprocessing makes [1, 28, 28]',
    );
  });
});
