// Photo-like pictures of MNIST digits for the accuracy test and bench/photo-accuracy.mjs: the digit
// written in ballpoint on paper and photographed — uneven light, shadow bands, the table past the
// page edge, vignetting, ruled lines, blue or black ink, rotation, blur, sensor noise, JPEG.
import type { Random } from '@scratchnet/tensor';
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';

/** What makes a picture hard, one condition per picture (each photo also gets light, blur, noise and JPEG). */
export const CONDITIONS = ['clean', 'ruled', 'shadow', 'edge', 'vignette', 'blue'] as const;
export type Condition = (typeof CONDITIONS)[number];

/** An RGB picture, channels in [0, 1], row-major [height, width, 3]. */
export interface RgbPicture {
  width: number;
  height: number;
  rgb: Float32Array;
}

type Rgb = [number, number, number];

/** Bilinear sample of a 28×28 digit (bytes) at (sx, sy), 0 outside. */
function sampleDigit(digit: Uint8Array, sx: number, sy: number): number {
  if (sx <= -1 || sy <= -1 || sx >= 28 || sy >= 28) return 0; // most of the page
  const x0 = Math.floor(sx);
  const y0 = Math.floor(sy);
  const fx = sx - x0;
  const fy = sy - y0;
  const at = (x: number, y: number) => (x < 0 || y < 0 || x > 27 || y > 27 ? 0 : digit[y * 28 + x] / 255);
  return (
    (1 - fx) * (1 - fy) * at(x0, y0) +
    fx * (1 - fy) * at(x0 + 1, y0) +
    (1 - fx) * fy * at(x0, y0 + 1) +
    fx * fy * at(x0 + 1, y0 + 1)
  );
}

/** Box blur of radius r (separable), in place, per channel. */
function blur(p: RgbPicture, r: number): void {
  if (r < 1) return;
  const { width: w, height: h, rgb } = p;
  const tmp = new Float32Array(rgb.length);
  const pass = (src: Float32Array, dst: Float32Array, stepX: number, stepY: number) => {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let c = 0; c < 3; c++) {
          let s = 0;
          let n = 0;
          for (let d = -r; d <= r; d++) {
            const xx = x + d * stepX;
            const yy = y + d * stepY;
            if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
            s += src[(yy * w + xx) * 3 + c];
            n++;
          }
          dst[(y * w + x) * 3 + c] = s / n;
        }
      }
    }
  };
  pass(rgb, tmp, 1, 0);
  pass(tmp, rgb, 0, 1);
}

const smooth = (t: number) => 1 / (1 + Math.exp(-t));

/**
 * A photo of `digit` (an MNIST 28×28 digit, light on black) written on paper under `condition`,
 * `width`×`height` (default 400×300). Deterministic for a given `rng` state.
 */
export function photo(
  digit: Uint8Array,
  condition: Condition,
  rng: Random,
  width = 400,
  height = 300,
): RgbPicture {
  const w = width;
  const h = height;
  const u = (a: number, b: number) => rng.uniform(a, b);
  // The digit: 20 px MNIST box scaled to 45–70 % of the page height, rotated a little, off-centre.
  const scale = (u(0.45, 0.7) * h) / 20;
  const angle = (u(-10, 10) * Math.PI) / 180;
  const size = 28 * scale;
  const cx = w / 2 + u(-0.5, 0.5) * Math.max(0, w - size);
  const cy = h / 2 + u(-0.5, 0.5) * Math.max(0, h - size);
  // Ballpoint: strokes thinner than MNIST's and a little uneven in strength.
  const thin = u(0.2, 0.45);
  const strength = u(0.75, 1);
  const ink: Rgb =
    condition === 'blue'
      ? [u(0.1, 0.2), u(0.15, 0.3), u(0.45, 0.7)]
      : [u(0.08, 0.2), u(0.08, 0.2), u(0.1, 0.25)];
  const paper: Rgb = [u(0.88, 0.97), u(0.87, 0.95), u(0.82, 0.92)];
  // Gentle light gradient everywhere.
  const gx = u(-0.25, 0.25) / w;
  const gy = u(-0.25, 0.25) / h;
  const light0 = u(0.85, 1.05);

  // Condition-specific geometry.
  const bandAngle = u(0, Math.PI);
  const bandNormal = [Math.cos(bandAngle), Math.sin(bandAngle)];
  const bandCentre = u(-0.25, 0.25) * Math.min(w, h);
  const bandHalf = u(0.1, 0.25) * Math.min(w, h);
  const bandSoft = u(2, 15);
  const bandDark = u(0.35, 0.55);
  const side = rng.int(4);
  // The page edge stays clear of the digit (it was written on the page).
  const half = 11.5 * scale;
  const room = [cx - half, w - cx - half, cy - half, h - cy - half][side] / (side < 2 ? w : h);
  const edgeAt = Math.max(0.03, Math.min(u(0.08, 0.2), room - 0.02));
  const edgeTilt = u(-0.08, 0.08);
  const table: Rgb = [u(0.2, 0.45), u(0.13, 0.3), u(0.08, 0.2)];
  const grain = u(0.03, 0.08);
  const vignette = u(0.6, 0.85);
  const spacing = u(0.28, 0.4) * 20 * scale;
  const lineOffset = u(0, spacing);
  const lineColour: Rgb = [u(0.55, 0.7), u(0.7, 0.82), u(0.88, 0.97)];
  const margin = rng.uniform() < 0.5 ? u(0.05, 0.2) * w : -1;
  const ruleTilt = Math.tan(angle * u(0.5, 1));

  const rgb = new Float32Array(w * h * 3);
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      // Paper reflectance, possibly ruled.
      let r0 = paper[0];
      let r1 = paper[1];
      let r2 = paper[2];
      if (condition === 'ruled') {
        const ly = y - ruleTilt * (x - w / 2) - lineOffset;
        const d = Math.abs(ly - Math.round(ly / spacing) * spacing);
        const k = Math.max(0, 1 - Math.max(0, d - 0.6)); // ~2 px wide, soft edges
        const m = margin >= 0 ? Math.max(0, 1 - Math.max(0, Math.abs(x - margin) - 0.8)) : 0;
        r0 *= (1 - k * (1 - lineColour[0])) * (1 - m * 0.05);
        r1 *= (1 - k * (1 - lineColour[1])) * (1 - m * 0.55);
        r2 *= (1 - k * (1 - lineColour[2])) * (1 - m * 0.5);
      }
      // Ink: the digit, rotated about its centre.
      const dx = x - cx;
      const dy = y - cy;
      const sx = (cos * dx + sin * dy) / scale + 14 - 0.5;
      const sy = (-sin * dx + cos * dy) / scale + 14 - 0.5;
      const v = Math.min(1, Math.max(0, (sampleDigit(digit, sx, sy) - thin) / (1 - thin))) * strength;
      if (v > 0) {
        r0 += (ink[0] - r0) * v;
        r1 += (ink[1] - r1) * v;
        r2 += (ink[2] - r2) * v;
      }
      // Past the page edge: the table.
      if (condition === 'edge') {
        const along = side < 2 ? y / h : x / w;
        const depth = (side < 2 ? x / w : y / h) + edgeTilt * (along - 0.5);
        const outside = side % 2 === 0 ? depth < edgeAt : depth > 1 - edgeAt;
        if (outside) {
          const g = 1 + grain * Math.sin((side < 2 ? y : x) * 0.9 + 3 * Math.sin((side < 2 ? x : y) * 0.05));
          r0 = table[0] * g;
          r1 = table[1] * g;
          r2 = table[2] * g;
        }
      }
      // Light.
      let light = light0 * (1 + gx * (x - w / 2) + gy * (y - h / 2));
      if (condition === 'shadow') {
        const t = (x - w / 2) * bandNormal[0] + (y - h / 2) * bandNormal[1] - bandCentre;
        const inside = smooth((bandHalf - Math.abs(t)) / bandSoft);
        light *= 1 - (1 - bandDark) * inside;
      }
      if (condition === 'vignette') {
        const q = ((x - w / 2) / (w / 2)) ** 2 + ((y - h / 2) / (h / 2)) ** 2;
        light *= 1 - vignette * Math.min(1, (q / 2) ** 1.5);
      }
      const o = (y * w + x) * 3;
      rgb[o] = r0 * light;
      rgb[o + 1] = r1 * light;
      rgb[o + 2] = r2 * light;
    }
  }
  const picture = { width: w, height: h, rgb };
  blur(picture, rng.uniform() < 0.5 ? 1 : 0);
  const noise = u(0.01, 0.03);
  for (let i = 0; i < rgb.length; i++) rgb[i] = Math.min(1, Math.max(0, rgb[i] + noise * rng.normal()));
  return picture;
}

/** 8-bit RGBA bytes of a picture. */
export function toRgba(p: RgbPicture): Uint8Array {
  const out = new Uint8Array(p.width * p.height * 4);
  for (let i = 0; i < p.width * p.height; i++) {
    out[4 * i] = Math.round(p.rgb[3 * i] * 255);
    out[4 * i + 1] = Math.round(p.rgb[3 * i + 1] * 255);
    out[4 * i + 2] = Math.round(p.rgb[3 * i + 2] * 255);
    out[4 * i + 3] = 255;
  }
  return out;
}

/** JPEG bytes of a picture. */
export function toJpeg(p: RgbPicture, quality = 85): Uint8Array {
  return jpeg.encode({ width: p.width, height: p.height, data: toRgba(p) }, quality).data;
}

/** RGB PNG bytes of a picture. */
export function toPng(p: RgbPicture): Uint8Array {
  const png = new pngjs.PNG({ width: p.width, height: p.height });
  png.data = Buffer.from(toRgba(p));
  return pngjs.PNG.sync.write(png, { colorType: 2, inputColorType: 6 });
}

/** The MNIST digit itself as a 28×28 grayscale PNG (white on black). */
export function mnistPng(digit: Uint8Array): Uint8Array {
  const png = new pngjs.PNG({ width: 28, height: 28 });
  png.data = Buffer.alloc(784 * 4);
  for (let k = 0; k < 784; k++) {
    png.data.fill(digit[k], 4 * k, 4 * k + 3);
    png.data[4 * k + 3] = 255;
  }
  return pngjs.PNG.sync.write(png, { colorType: 0, inputColorType: 6 });
}

/** The digit ×10 in black on a white 640×480 page, off-centre (a clean scan or drawing). */
export function paperPng(digit: Uint8Array, rng: Random): Uint8Array {
  const w = 640;
  const h = 480;
  const x0 = 40 + rng.int(300);
  const y0 = 20 + rng.int(150);
  const png = new pngjs.PNG({ width: w, height: h });
  png.data = Buffer.alloc(w * h * 4, 255);
  for (let y = y0; y < y0 + 280; y++) {
    for (let x = x0; x < x0 + 280; x++) {
      const v = sampleDigit(digit, (x - x0 + 0.5) / 10 - 0.5, (y - y0 + 0.5) / 10 - 0.5);
      png.data.fill(Math.round(255 * (1 - v)), 4 * (y * w + x), 4 * (y * w + x) + 3);
    }
  }
  return pngjs.PNG.sync.write(png, { colorType: 0, inputColorType: 6 });
}

/** Every kind of picture the accuracy test and bench measure: MNIST itself, a clean page, and the photo conditions. */
export const KINDS = ['mnist', 'paper', ...CONDITIONS] as const;
export type Kind = (typeof KINDS)[number];

/** The encoded picture of `digit` of a given kind (photos as JPEG quality 70–92). */
export function picture(
  digit: Uint8Array,
  kind: Kind,
  rng: Random,
  width?: number,
  height?: number,
): Uint8Array {
  if (kind === 'mnist') return mnistPng(digit);
  if (kind === 'paper') return paperPng(digit, rng);
  return toJpeg(photo(digit, kind, rng, width, height), 70 + rng.int(23));
}
