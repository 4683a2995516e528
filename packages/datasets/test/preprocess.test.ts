import { describe, expect, it } from 'vitest';
import { ImageError, decodeImage, loadMnist, preprocessGray, preprocessImage } from '../src/node.js';
import { Canvas, measure, rawPng } from './images.js';

/** A "7" drawn with a thick dark pen in the top-right part of a large white page. */
function sevenOnPaper(paper = 1, ink = 0): Canvas {
  return new Canvas(400, 300, paper).line(240, 40, 360, 40, 9, ink).line(360, 40, 290, 200, 9, ink);
}

/** Checks the MNIST conventions: in range, light ink on black, longer side 20, centred. */
function expectMnistLike(input: Float32Array, pixels28: Uint8Array) {
  const m = measure(input);
  expect(m.min).toBeGreaterThanOrEqual(0);
  expect(m.max).toBe(1);
  expect(Math.max(m.width, m.height)).toBe(20);
  expect(Math.abs(m.cx - 14)).toBeLessThanOrEqual(0.5 + 1e-6);
  expect(Math.abs(m.cy - 14)).toBeLessThanOrEqual(0.5 + 1e-6);
  // the paper is black: everything outside the ink's box is exactly 0
  expect(input.filter((v) => v === 0).length).toBeGreaterThanOrEqual(784 - m.width * m.height);
  expect(Array.from(pixels28)).toEqual(Array.from(input, (v) => Math.round(v * 255)));
  return m;
}

describe('preprocessImage', () => {
  it('inverts, crops, scales and centres a large off-centre dark stroke on white', () => {
    const r = preprocessImage(sevenOnPaper().png(2), {}, 'seven.png');
    expect(r.inverted).toBe(true);
    expect([r.width, r.height]).toEqual([400, 300]);
    // the stroke spans x 231..369, y 31..209
    expect(r.box.x).toBeGreaterThanOrEqual(230);
    expect(r.box.x).toBeLessThanOrEqual(232);
    expect(r.box.x + r.box.width).toBeGreaterThanOrEqual(368);
    expect(r.box.y + r.box.height).toBeGreaterThanOrEqual(208);
    const m = expectMnistLike(r.input, r.pixels28);
    expect(m.height).toBe(20); // taller than wide: height becomes 20, width ≈ 20·139/179
    expect(m.width).toBeGreaterThanOrEqual(15);
    expect(m.width).toBeLessThanOrEqual(16);
    // the 7's bar is at the top: the top row of ink is bright across
    const top = r.input.slice(m.y0 * 28 + m.x0, m.y0 * 28 + m.x0 + m.width);
    expect(top.filter((v) => v > 0.3).length).toBeGreaterThan(m.width * 0.6);
  });

  it('leaves white-on-black (MNIST-style) pictures uninverted', () => {
    const r = preprocessImage(sevenOnPaper(0, 1).png(0));
    expect(r.inverted).toBe(false);
    const dark = preprocessImage(sevenOnPaper().png(0));
    expectMnistLike(r.input, r.pixels28);
    // same drawing, opposite polarity: the same digit
    const diff = r.input.reduce((s, v, i) => s + Math.abs(v - dark.input[i]), 0);
    expect(diff / measure(r.input).mass).toBeLessThan(0.05);
  });

  it('composites RGBA strokes on a transparent canvas onto the paper colour', () => {
    const c = sevenOnPaper(); // luminance 0 on the strokes
    // dark strokes, fully transparent elsewhere (transparent pixels hold black RGB, as canvases export)
    const darkInk = c.png(6, 8, (i) => (c.data[i] < 0.5 ? 1 : 0));
    const rawDark = decodeImage(darkInk);
    expect(rawDark.hadTransparency).toBe(true);
    expect(rawDark.paper).toBe(1);
    const r = preprocessImage(darkInk);
    expect(r.inverted).toBe(true);
    expectMnistLike(r.input, r.pixels28);
    // white strokes on a transparent canvas: paper is black, nothing inverted
    const light = new Canvas(400, 300, 0).line(240, 40, 360, 40, 9, 1).line(360, 40, 290, 200, 9, 1);
    const whiteInk = light.png(6, 8, (i) => light.data[i]);
    expect(decodeImage(whiteInk).paper).toBe(0);
    const w = preprocessImage(whiteInk);
    expect(w.inverted).toBe(false);
    expect(Array.from(w.pixels28)).toEqual(Array.from(r.pixels28));
    // gray + alpha PNG too
    expect(Array.from(preprocessImage(c.png(4, 8, (i) => (c.data[i] < 0.5 ? 1 : 0))).pixels28)).toEqual(
      Array.from(r.pixels28),
    );
  });

  it('reads 1-, 2- and 4-bit grayscale and palette PNGs', () => {
    // a 1-bit "1": black bar on white
    const w = 40;
    const h = 60;
    const bits = Array.from({ length: w * h }, (_, i) =>
      Math.abs((i % w) - 20) < 3 && i > 5 * w && i < 55 * w ? 0 : 1,
    );
    const one = preprocessImage(rawPng(w, h, 0, 1, bits));
    expect(one.inverted).toBe(true);
    expect(one.box).toEqual({ x: 18, y: 5, width: 5, height: 50 });
    const levels = decodeImage(rawPng(4, 1, 0, 2, [0, 1, 2, 3]));
    expect(Array.from(levels.data)).toEqual([0, 1 / 3, 2 / 3, 1].map((v) => Math.fround(v)));
    const nibbles = decodeImage(rawPng(2, 1, 0, 4, [0, 15]));
    expect(Array.from(nibbles.data)).toEqual([0, 1]);
    // palette: index 0 white, 1 dark red; luma of (128, 0, 0) = 0.299 · 128/255
    const pal = decodeImage(
      rawPng(
        2,
        1,
        3,
        8,
        [0, 1],
        [
          [255, 255, 255],
          [128, 0, 0],
        ],
      ),
    );
    expect(pal.data[0]).toBeCloseTo(1, 5);
    expect(pal.data[1]).toBeCloseTo((0.299 * 128) / 255, 5);
    const paletted = preprocessImage(
      rawPng(w, h, 3, 1, bits, [
        [200, 0, 0],
        [255, 255, 255],
      ]),
    );
    expect(Array.from(paletted.pixels28)).toEqual(Array.from(one.pixels28));
  });

  it('finds dark ink on dark paper and light ink on light paper', () => {
    // black ink on mid-blue paper (luma 0.35) and white chalk on a light grey board (luma 0.6)
    const blue = preprocessImage(sevenOnPaper(0.35, 0).png(0));
    const chalk = preprocessImage(sevenOnPaper(0.6, 1).png(0));
    const clean = preprocessImage(sevenOnPaper().png(0));
    expect([blue.inverted, chalk.inverted]).toEqual([true, false]);
    expect(Array.from(blue.pixels28)).toEqual(Array.from(clean.pixels28));
    expect(Array.from(chalk.pixels28)).toEqual(Array.from(clean.pixels28));
  });

  it('reads 16-bit PNGs at full precision', () => {
    const c = new Canvas(3, 1, 0);
    c.data.set([0, 1 / 65535, 1]);
    const d = decodeImage(c.png(0, 16));
    expect(d.format).toBe('png');
    expect(d.data[1]).toBeCloseTo(1 / 65535, 9);
    expect(d.data[2]).toBeCloseTo(1, 6);
    const a = preprocessImage(sevenOnPaper().png(0, 16));
    const b = preprocessImage(sevenOnPaper().png(0, 8));
    expect(Array.from(a.pixels28)).toEqual(Array.from(b.pixels28));
    expectMnistLike(a.input, a.pixels28);
  });

  it('handles a JPEG photo-like picture: grey paper, soft ink, noise specks', () => {
    const c = sevenOnPaper(0.78, 0.2);
    // specks of dirt far from the digit must not widen the crop
    for (const [x, y] of [
      [20, 20],
      [30, 280],
      [390, 290],
    ])
      c.line(x, y, x, y, 1.5, 0.25);
    const r = preprocessImage(c.jpeg(80), {}, 'photo.jpg');
    expect(r.inverted).toBe(true);
    expect(r.box.x).toBeGreaterThanOrEqual(225);
    expect(r.box.y).toBeGreaterThanOrEqual(25);
    const clean = preprocessImage(sevenOnPaper().png(0));
    const diff = r.input.reduce((s, v, i) => s + Math.abs(v - clean.input[i]), 0);
    expect(diff / measure(clean.input).mass).toBeLessThan(0.15);
    expectMnistLike(r.input, r.pixels28);
  });

  it('follows uneven lighting across a photographed page', () => {
    // light from 0.95 on the left to 0.45 on the right (a shadow); the ink reflects 30 % of it
    const c = sevenOnPaper();
    for (let y = 0; y < c.height; y++) {
      for (let x = 0; x < c.width; x++) {
        const light = 0.95 - (0.5 * x) / c.width;
        const i = y * c.width + x;
        c.data[i] = c.data[i] > 0.5 ? light : 0.3 * light;
      }
    }
    const r = preprocessImage(c.png(0), {}, 'shadow.png');
    expect(r.inverted).toBe(true);
    expect(r.box.x).toBeGreaterThanOrEqual(225);
    expect(r.box.y).toBeGreaterThanOrEqual(25);
    const clean = preprocessImage(sevenOnPaper().png(0));
    const diff = r.input.reduce((s, v, i) => s + Math.abs(v - clean.input[i]), 0);
    expect(diff / measure(clean.input).mass).toBeLessThan(0.15);
  });

  it('thickens a fine pen on a large page to MNIST stroke width', () => {
    const c = new Canvas(600, 600, 1).line(300, 50, 300, 550, 1.5, 0).line(300, 50, 250, 120, 1.5, 0);
    const rows = (input: Float32Array) => {
      let on = 0;
      for (let y = 8; y < 20; y++) for (let x = 0; x < 28; x++) on += input[y * 28 + x] > 0.3 ? 1 : 0;
      return on / 12;
    };
    const thick = preprocessImage(c.png(0)).input;
    const thin = preprocessImage(c.png(0), { minStrokeWidth: 0 }).input;
    expect(rows(thin)).toBeLessThanOrEqual(1.5);
    expect(rows(thick)).toBeGreaterThanOrEqual(2);
    expect(rows(thick)).toBeLessThanOrEqual(3);
    expectMnistLike(thick, preprocessImage(c.png(0)).pixels28);
  });

  it('keeps the strokes of a fine pen on a big page even and at full strength', () => {
    // a "4" drawn with a 4 px pen, 1350 px tall, on a 2400×1800 grey page
    const c = new Canvas(2400, 1800, 0.9)
      .line(1400, 300, 900, 1200, 2, 0.2)
      .line(900, 1200, 1600, 1200, 2, 0.2);
    c.line(1450, 700, 1450, 1650, 2, 0.2);
    const r = preprocessGray(c);
    // the ink spans x 898–1602, y 298–1652; the box is found at 1/15 scale (160 px working size)
    expect(Math.abs(r.box.x - 898)).toBeLessThanOrEqual(15);
    expect(Math.abs(r.box.y - 298)).toBeLessThanOrEqual(15);
    expect(Math.abs(r.box.x + r.box.width - 1603)).toBeLessThanOrEqual(15);
    expect(Math.abs(r.box.y + r.box.height - 1653)).toBeLessThanOrEqual(15);
    const m = expectMnistLike(r.input, r.pixels28);
    // every row of the digit, diagonal ones included, reaches near full ink
    for (let y = m.y0; y < m.y0 + m.height - 1; y++) {
      expect(Math.max(...r.input.slice(y * 28, y * 28 + 28)), `row ${y}`).toBeGreaterThan(0.8);
    }
  });

  it('keeps an MNIST digit close to itself', async () => {
    const { test } = await loadMnist();
    for (const i of [0, 1, 2, 3]) {
      const { pixels } = test.image(i);
      const gray = { width: 28, height: 28, data: Float32Array.from(pixels, (v) => v / 255) };
      const { input } = preprocessGray(gray);
      const orig = gray.data;
      let dot = 0;
      let a = 0;
      let b = 0;
      for (let k = 0; k < 784; k++) {
        dot += input[k] * orig[k];
        a += input[k] ** 2;
        b += orig[k] ** 2;
      }
      expect(dot / Math.sqrt(a * b)).toBeGreaterThan(0.85);
    }
  });

  it('reads a fat marker digit alike from bytes and from pixels, leaving the pixels alone', () => {
    // Strokes wide against the paper window (a second, wider pass), at the analysis size already
    // (the caller's pixels are analysed as they are), dark on light and light on dark.
    for (const [paper, ink] of [
      [1, 0],
      [0, 1],
    ]) {
      const c = new Canvas(140, 140, paper).line(30, 25, 115, 25, 10, ink).line(115, 25, 60, 125, 10, ink);
      const pixels = { width: 140, height: 140, data: c.data.slice() };
      const fromPixels = preprocessGray(pixels);
      expect(Array.from(pixels.data)).toEqual(Array.from(c.data));
      const fromBytes = preprocessImage(c.png(0));
      expect(fromBytes.inverted).toBe(paper === 1);
      expect(Array.from(fromBytes.input)).toEqual(Array.from(fromPixels.input));
      expect(Array.from(fromBytes.mask.data)).toEqual(Array.from(fromPixels.mask.data));
      expectMnistLike(fromBytes.input, fromBytes.pixels28);
    }
  });

  it('names the file in every error', () => {
    const png = sevenOnPaper().png(0);
    const cases: [string, Uint8Array, RegExp][] = [
      ['empty.png', new Uint8Array(0), /^empty\.png: empty file/],
      [
        'anim.gif',
        new TextEncoder().encode('GIF89a....'),
        /^anim\.gif: unsupported image format GIF \(PNG and JPEG are supported\)/,
      ],
      ['notes.txt', new TextEncoder().encode('hello world'), /^notes\.txt: not a PNG or JPEG image/],
      ['cut.png', png.subarray(0, 60), /^cut\.png: corrupt PNG/],
      [
        'bad.jpg',
        Uint8Array.of(0xff, 0xd8, 0xff, 0xe0, 0, 16, 1, 2, 3),
        /^bad\.jpg: corrupt or unsupported JPEG/,
      ],
      ['blank.png', new Canvas(50, 50, 1).png(0), /^blank\.png: no ink found/],
    ];
    for (const [name, bytes, message] of cases) {
      let err: unknown;
      try {
        preprocessImage(bytes, {}, name);
      } catch (e) {
        err = e;
      }
      expect(err, name).toBeInstanceOf(ImageError);
      expect((err as ImageError).message).toMatch(message);
      expect((err as ImageError).file).toBe(name);
    }
  });
});
