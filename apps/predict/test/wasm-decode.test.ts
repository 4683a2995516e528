// The CLI's preprocessing of image files as bundled (build.mjs puts src/wasm-<name>.ts in place of the
// datasets library's modules of that name, and src/native-inflate.ts in place of its inflater): a PNG
// inflated, decoded and shrunk in the kernels' memory (src/native-inflate.ts, src/wasm-png-rows.ts,
// src/wasm-resample.ts) gives the library's bits, for every kind of PNG.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preprocessImage as preprocessImageJs } from '../../../packages/datasets/src/image/preprocess.js';
import { decodeShrunk as decodeShrunkJs } from '../../../packages/datasets/src/image/resample.js';
import { type PngSpec, writePng } from '../../../packages/datasets/test/png-writer.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'scratchnet-predict-decode-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Prepare = typeof preprocessImageJs;
let preprocessImage: Prepare;
let decodeShrunk: typeof decodeShrunkJs;

// The library's preprocessing bundled with the CLI's stand-ins, as build.mjs swaps them.
beforeAll(async () => {
  const kernels =
    'extreme|components|morphology|projection|resample|png-rows|histogram|illumination|shadows|ink|extremes';
  const imageModule = new RegExp(
    `[/\\\\]datasets[/\\\\]src[/\\\\]image[/\\\\](?:preprocess[/\\\\])?(${kernels})\\.js$`,
  );
  const out = join(dir, 'preprocess.cjs');
  await esbuild.build({
    stdin: {
      contents: [
        "export { preprocessImage } from '../../packages/datasets/src/image/preprocess.js';",
        "export { decodeShrunk } from './src/wasm-resample.js';",
      ].join('\n'),
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile: out,
    logLevel: 'warning',
    plugins: [
      {
        name: 'cli-kernels',
        setup(build) {
          build.onResolve({ filter: new RegExp(`^\\.\\.?/(?:preprocess/)?(?:${kernels})\\.js$`) }, (args) => {
            const m = imageModule.exec(join(args.resolveDir, args.path));
            if (m === null || /[/\\]apps[/\\]predict[/\\]src[/\\]wasm-/.test(args.importer)) return undefined;
            return { path: join(root, `src/wasm-${m[1]}.ts`) };
          });
          build.onResolve({ filter: /^\.\.\/io\/inflate\.js$/ }, (args) =>
            /[/\\]datasets[/\\]src[/\\]image[/\\]png\.ts$/.test(args.importer)
              ? { path: join(root, 'src/native-inflate.ts') }
              : undefined,
          );
        },
      },
    ],
  });
  const bundle = createRequire(import.meta.url)(out) as {
    preprocessImage: Prepare;
    decodeShrunk: typeof decodeShrunkJs;
  };
  ({ preprocessImage, decodeShrunk } = bundle);
}, 60_000);

const CHANNELS = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as const;

/** A thick dark "7" on light paper, w×h, as `spec`'s samples (alpha: opaque ink, see-through paper). */
function seven(w: number, h: number, spec: Omit<PngSpec, 'width' | 'height' | 'samples'>): PngSpec {
  const ch = CHANNELS[spec.colorType];
  const max = spec.colorType === 3 ? 1 : 2 ** spec.depth - 1;
  const samples = new Array<number>(w * h * ch).fill(0);
  const r = Math.max(2, Math.round(w / 30));
  const segments = [
    [0.3, 0.2, 0.75, 0.2],
    [0.75, 0.2, 0.45, 0.85],
  ];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let ink = false;
      for (const [a, b, c, d] of segments) {
        const [x0, y0, x1, y1] = [a * w, b * h, c * w, d * h];
        const t = Math.max(
          0,
          Math.min(1, ((x - x0) * (x1 - x0) + (y - y0) * (y1 - y0)) / ((x1 - x0) ** 2 + (y1 - y0) ** 2)),
        );
        if (Math.hypot(x0 + t * (x1 - x0) - x, y0 + t * (y1 - y0) - y) <= r) ink = true;
      }
      // paper with a gentle gradient, so the levels vary
      const paper = Math.round(max * (0.8 + (0.2 * x) / w));
      const v = ink ? Math.round(max * 0.1) : paper;
      const i = (y * w + x) * ch;
      if (spec.colorType === 3) samples[i] = ink ? 0 : 1;
      else if (ch <= 2) {
        samples[i] = v;
        if (ch === 2) samples[i + 1] = ink ? max : Math.round(max * 0.2);
      } else {
        samples[i] = v;
        samples[i + 1] = Math.min(max, v + 1);
        samples[i + 2] = v;
        if (ch === 4) samples[i + 3] = ink ? max : 0;
      }
    }
  }
  return { width: w, height: h, samples, ...spec };
}

/** `spec` (8-bit RGBA) with every pixel's alpha and colour remade by `remake` from its own. */
function remade(spec: PngSpec, remake: (rgba: number[]) => number[]): PngSpec {
  const samples = Array.from(spec.samples);
  for (let i = 0; i < samples.length; i += 4) samples.splice(i, 4, ...remake(samples.slice(i, i + 4)));
  return { ...spec, samples };
}

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe('the CLI’s PNG decoding and shrinking', () => {
  const cases: [string, PngSpec][] = [
    ['gray, shrunk', seven(280, 280, { colorType: 0, depth: 8 })],
    ['gray, small enough as it is', seven(120, 90, { colorType: 0, depth: 8 })],
    ['RGB, interlaced, shrunk', seven(301, 207, { colorType: 2, depth: 8, interlace: true })],
    // every pass's rows read where they were inflated, the gray table past all of them
    ['gray, interlaced, shrunk', seven(283, 203, { colorType: 0, depth: 8, interlace: true })],
    ['gray, interlaced, small enough as it is', seven(97, 131, { colorType: 0, depth: 8, interlace: true })],
    ['RGBA, transparent paper, shrunk', seven(250, 330, { colorType: 6, depth: 8 })],
    ['RGBA, transparent paper, small', seven(90, 140, { colorType: 6, depth: 8 })],
    ['gray+alpha, 16 bits, shrunk', seven(200, 180, { colorType: 4, depth: 16 })],
    [
      'palette, interlaced, shrunk',
      seven(190, 170, {
        colorType: 3,
        depth: 4,
        interlace: true,
        palette: [
          [20, 20, 30],
          [230, 235, 240],
        ],
      }),
    ],
    ['gray, 1 bit, shrunk', seven(333, 111, { colorType: 0, depth: 1 })],
    // a colour key: planes with alpha, more than the room left below the inflated rows
    [
      'gray with a colour key, shrunk',
      seven(260, 240, { colorType: 0, depth: 8, trns: Uint8Array.of(0, 230) }),
    ],
    [
      'palette with transparency, shrunk',
      seven(240, 200, {
        colorType: 3,
        depth: 8,
        palette: [
          [20, 20, 30],
          [230, 235, 240],
        ],
        trns: Uint8Array.of(255, 0),
      }),
    ],
  ];
  it.each(cases)('gives the library’s bits: %s', (_, spec) => {
    const bytes = writePng(spec);
    // Twice: the second decode meets the kernels' memory as the first left it.
    for (let round = 0; round < 2; round++) {
      const got = preprocessImage(bytes, {}, 'x.png');
      const want = preprocessImageJs(bytes, {}, 'x.png');
      expect(bits(got.input)).toEqual(bits(want.input));
      expect(bits(got.crop.data)).toEqual(bits(want.crop.data));
      expect(Array.from(got.mask.data)).toEqual(Array.from(want.mask.data));
      expect({ ...got, input: 0, pixels28: 0, crop: 0, mask: 0 }).toEqual({
        ...want,
        input: 0,
        pixels28: 0,
        crop: 0,
        mask: 0,
      });
      expect(got.input.some((v) => v > 0.5)).toBe(true);
    }
  });

  // Shrunk straight from the rows (gray and RGB without alpha, not interlaced) or through the
  // planes: the library's shrunk picture, bit for bit, whatever the size, shape and kind.
  const shrinkCases: [string, PngSpec][] = [
    ...cases,
    ['gray, odd size', seven(281, 157, { colorType: 0, depth: 8 })],
    ['RGB, odd size', seven(199, 301, { colorType: 2, depth: 8 })],
    ['RGB, small enough as it is', seven(150, 97, { colorType: 2, depth: 8 })],
    ['gray, exactly the analysis size', seven(160, 160, { colorType: 0, depth: 8 })],
    ['gray, one pixel too wide', seven(161, 23, { colorType: 0, depth: 8 })],
    ['gray, a column', seven(1, 517, { colorType: 0, depth: 8 })],
    ['RGB, a row', seven(703, 2, { colorType: 2, depth: 8 })],
    ['gray, many times the size', seven(1203, 907, { colorType: 0, depth: 8 })],
    ['gray, four times the size exactly', seven(640, 480, { colorType: 0, depth: 8 })],
    ['RGB, twice the size and a pixel', seven(321, 161, { colorType: 2, depth: 8 })],
    ['gray, two columns into one', seven(2, 1000, { colorType: 0, depth: 8 })],
    ['gray, 16 bits', seven(230, 190, { colorType: 0, depth: 16 })],
    ['RGB, 16 bits', seven(211, 173, { colorType: 2, depth: 16 })],
    ['gray+alpha, 8 bits', seven(230, 190, { colorType: 4, depth: 8 })],
    ['RGBA, interlaced', seven(203, 247, { colorType: 6, depth: 8, interlace: true })],
    ['RGBA, opaque', remade(seven(287, 211, { colorType: 6, depth: 8 }), ([r, g, b]) => [r, g, b, 255])],
    // light ink on see-through paper: composited onto black
    [
      'RGBA, light ink, half-transparent paper',
      remade(seven(213, 290, { colorType: 6, depth: 8 }), ([r, g, b, a]) => [
        255 - r,
        250 - g,
        255 - b,
        a || 77,
      ]),
    ],
    [
      'RGBA, fully transparent',
      remade(seven(199, 171, { colorType: 6, depth: 8 }), ([r, g, b]) => [r, g, b, 0]),
    ],
    ['gray+alpha, small enough as it is', seven(150, 101, { colorType: 4, depth: 8 })],
    [
      'RGB with a colour key',
      seven(240, 200, { colorType: 2, depth: 8, trns: Uint8Array.of(0, 230, 0, 231, 0, 230) }),
    ],
  ];
  it.each(shrinkCases)('shrinks to the library’s bits: %s', (_, spec) => {
    const bytes = writePng(spec);
    const want = decodeShrunkJs(bytes, 'x.png', 160);
    for (let round = 0; round < 2; round++) {
      const got = decodeShrunk(bytes, 'x.png', 160);
      expect({ ...got, lum: 0 }).toEqual({ ...want, lum: 0 });
      expect(bits(got.lum)).toEqual(bits(want.lum));
      // A copy of its own, not a view of the kernels' memory that the next picture reuses.
      expect(got.lum.buffer.byteLength).toBe(got.lum.length * 4);
    }
  });

  it('reports a corrupt PNG as the library does, and decodes the next picture right', () => {
    const good = writePng(seven(280, 280, { colorType: 0, depth: 8 }));
    const bad = good.slice(0, good.length - 30);
    expect(() => preprocessImage(bad, {}, 'bad.png')).toThrow(/^bad\.png: corrupt PNG/);
    expect(() => preprocessImageJs(bad, {}, 'bad.png')).toThrow(/^bad\.png: corrupt PNG/);
    expect(bits(preprocessImage(good).input)).toEqual(bits(preprocessImageJs(good).input));
  });
});
