// Synthetic pictures for the preprocessing and predict tests.
import { deflateSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';

/** A canvas of luminance in [0, 1]. */
export class Canvas {
  readonly data: Float32Array;
  constructor(
    readonly width: number,
    readonly height: number,
    background: number,
  ) {
    this.data = new Float32Array(width * height).fill(background);
  }

  /** A stroke of radius r from (x0, y0) to (x1, y1) in `value`. */
  line(x0: number, y0: number, x1: number, y1: number, r: number, value: number): this {
    const dx = x1 - x0;
    const dy = y1 - y0;
    const len2 = dx * dx + dy * dy || 1;
    for (let y = Math.floor(Math.min(y0, y1) - r); y <= Math.ceil(Math.max(y0, y1) + r); y++) {
      for (let x = Math.floor(Math.min(x0, x1) - r); x <= Math.ceil(Math.max(x0, x1) + r); x++) {
        if (x < 0 || y < 0 || x >= this.width || y >= this.height) continue;
        const t = Math.max(0, Math.min(1, ((x - x0) * dx + (y - y0) * dy) / len2));
        const ex = x0 + t * dx - x;
        const ey = y0 + t * dy - y;
        if (ex * ex + ey * ey <= r * r) this.data[y * this.width + x] = value;
      }
    }
    return this;
  }

  /** RGBA bytes (8 bit), with per-pixel alpha from `alpha` (default opaque). */
  rgba(alpha?: (i: number) => number, colour: [number, number, number] = [1, 1, 1]): Uint8Array {
    const out = new Uint8Array(this.data.length * 4);
    this.data.forEach((v, i) => {
      out[4 * i] = Math.round(v * colour[0] * 255);
      out[4 * i + 1] = Math.round(v * colour[1] * 255);
      out[4 * i + 2] = Math.round(v * colour[2] * 255);
      out[4 * i + 3] = alpha ? Math.round(alpha(i) * 255) : 255;
    });
    return out;
  }

  /** PNG bytes: colorType 0 gray, 2 RGB, 4 gray+alpha, 6 RGBA; bit depth 8 or 16. */
  png(colorType: 0 | 2 | 4 | 6 = 0, bitDepth: 8 | 16 = 8, alpha?: (i: number) => number): Uint8Array {
    const png = new pngjs.PNG({ width: this.width, height: this.height });
    const rgba8 = this.rgba(alpha);
    if (bitDepth === 16) {
      const wide = new Uint16Array(rgba8.length);
      this.data.forEach((v, i) => {
        wide.fill(Math.round(v * 65535), 4 * i, 4 * i + 3);
        wide[4 * i + 3] = Math.round((alpha ? alpha(i) : 1) * 65535);
      });
      png.data = wide as unknown as Buffer;
    } else {
      png.data = Buffer.from(rgba8);
    }
    return pngjs.PNG.sync.write(png, { colorType, bitDepth, inputColorType: 6, inputHasAlpha: true });
  }

  jpeg(quality = 90): Uint8Array {
    return jpeg.encode({ width: this.width, height: this.height, data: this.rgba() }, quality).data;
  }
}

/** Mass, centre of mass and bounding box of the non-zero pixels of a 28×28 image. */
export function measure(img: ArrayLike<number>, size = 28) {
  let mass = 0;
  let cx = 0;
  let cy = 0;
  let x0 = size;
  let y0 = size;
  let x1 = -1;
  let y1 = -1;
  let max = Number.NEGATIVE_INFINITY;
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < size * size; i++) {
    const v = img[i];
    max = Math.max(max, v);
    min = Math.min(min, v);
    if (v <= 0) continue;
    const x = i % size;
    const y = Math.floor(i / size);
    mass += v;
    cx += v * x;
    cy += v * y;
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x);
    y1 = Math.max(y1, y);
  }
  return { mass, cx: cx / mass, cy: cy / mass, width: x1 - x0 + 1, height: y1 - y0 + 1, x0, y0, max, min };
}

/**
 * A minimal PNG writer for the formats pngjs cannot write: `colorType` 0 (gray) or 3 (palette, with
 * `palette` as RGB triples) at `bitDepth` 1, 2, 4 or 8; `samples` row-major, one per pixel.
 */
export function rawPng(
  width: number,
  height: number,
  colorType: 0 | 3,
  bitDepth: 1 | 2 | 4 | 8,
  samples: ArrayLike<number>,
  palette?: [number, number, number][],
): Uint8Array {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Uint8Array) => {
    let c = 0xffffffff;
    for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Uint8Array) => {
    const out = new Uint8Array(12 + data.length);
    const view = new DataView(out.buffer);
    view.setUint32(0, data.length);
    out.set(Buffer.from(type, 'latin1'), 4);
    out.set(data, 8);
    view.setUint32(8 + data.length, crc(out.subarray(4, 8 + data.length)));
    return out;
  };
  const ihdr = new Uint8Array(13);
  new DataView(ihdr.buffer).setUint32(0, width);
  new DataView(ihdr.buffer).setUint32(4, height);
  ihdr.set([bitDepth, colorType, 0, 0, 0], 8);
  const rowBytes = Math.ceil((width * bitDepth) / 8);
  const raw = new Uint8Array(height * (rowBytes + 1)); // filter byte 0 (none) per row
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bit = x * bitDepth;
      raw[y * (rowBytes + 1) + 1 + (bit >> 3)] |= samples[y * width + x] << (8 - bitDepth - (bit & 7));
    }
  }
  const parts = [Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), chunk('IHDR', ihdr)];
  if (palette) parts.push(chunk('PLTE', Uint8Array.from(palette.flat())));
  parts.push(chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0)));
  return Buffer.concat(parts);
}
