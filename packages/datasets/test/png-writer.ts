// A PNG writer for the decoder tests: every colour type and bit depth, Adam7 interlacing, tRNS, and
// each row filtered with a chosen filter (all five are exercised), so the decoder meets every path.
import { deflateSync } from 'node:zlib';

export interface PngSpec {
  width: number;
  height: number;
  colorType: 0 | 2 | 3 | 4 | 6;
  depth: 1 | 2 | 4 | 8 | 16;
  /** One value per channel per pixel, row-major, in [0, 2^depth − 1] (palette indices for type 3). */
  samples: ArrayLike<number>;
  palette?: [number, number, number][];
  trns?: Uint8Array;
  interlace?: boolean;
  /** Filter of row r is `filters[r % filters.length]` (default all five in turn). */
  filters?: number[];
}

const CHANNELS = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as const;
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(Buffer.from(type, 'latin1'), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

export function ihdr(
  width: number,
  height: number,
  depth: number,
  colorType: number,
  interlace = 0,
): Uint8Array {
  const d = new Uint8Array(13);
  new DataView(d.buffer).setUint32(0, width);
  new DataView(d.buffer).setUint32(4, height);
  d.set([depth, colorType, 0, 0, interlace], 8);
  return chunk('IHDR', d);
}

export const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** The filtered scanlines of one (sub-)image whose pixels are `pixel(x, y)`'s channel samples. */
function scanlines(
  spec: PngSpec,
  cols: number,
  rows: number,
  pixel: (x: number, y: number) => number,
  rowBase: number,
): Uint8Array {
  const ch = CHANNELS[spec.colorType];
  const bits = ch * spec.depth;
  const rowBytes = Math.ceil((cols * bits) / 8);
  const bpp = Math.max(1, bits >> 3);
  const filters = spec.filters ?? [0, 1, 2, 3, 4];
  const out = new Uint8Array(rows * (rowBytes + 1));
  let prev = new Uint8Array(rowBytes);
  for (let y = 0; y < rows; y++) {
    const cur = new Uint8Array(rowBytes);
    for (let x = 0; x < cols; x++) {
      for (let c = 0; c < ch; c++) {
        const v = pixel(x, y) + c; // index of the sample
        const s = spec.samples[v];
        const i = x * ch + c;
        if (spec.depth === 16) {
          cur[2 * i] = s >> 8;
          cur[2 * i + 1] = s & 0xff;
        } else if (spec.depth === 8) cur[i] = s;
        else {
          const bit = i * spec.depth;
          cur[bit >> 3] |= s << (8 - spec.depth - (bit & 7));
        }
      }
    }
    const f = filters[(rowBase + y) % filters.length];
    const o = y * (rowBytes + 1);
    out[o] = f;
    for (let i = 0; i < rowBytes; i++) {
      const a = i >= bpp ? cur[i - bpp] : 0;
      const b = prev[i];
      const c = i >= bpp ? prev[i - bpp] : 0;
      const pred = f === 0 ? 0 : f === 1 ? a : f === 2 ? b : f === 3 ? (a + b) >> 1 : paeth(a, b, c);
      out[o + 1 + i] = (cur[i] - pred) & 0xff;
    }
    prev = cur;
  }
  return out;
}

/** PNG bytes for `spec`. */
export function writePng(spec: PngSpec): Uint8Array {
  const { width, height } = spec;
  const ch = CHANNELS[spec.colorType];
  const parts: Uint8Array[] = [];
  if (spec.interlace) {
    let base = 0;
    for (const [x0, y0, dx, dy] of ADAM7) {
      const cols = Math.ceil((width - x0) / dx);
      const rows = Math.ceil((height - y0) / dy);
      if (cols <= 0 || rows <= 0) continue;
      parts.push(scanlines(spec, cols, rows, (x, y) => ((y0 + y * dy) * width + x0 + x * dx) * ch, base));
      base += rows;
    }
  } else {
    parts.push(scanlines(spec, width, height, (x, y) => (y * width + x) * ch, 0));
  }
  const raw = Buffer.concat(parts);
  const out = [SIGNATURE, ihdr(width, height, spec.depth, spec.colorType, spec.interlace ? 1 : 0)];
  if (spec.palette) out.push(chunk('PLTE', Uint8Array.from(spec.palette.flat())));
  if (spec.trns) out.push(chunk('tRNS', spec.trns));
  // Split the data over two IDAT chunks, as encoders do for large images.
  const z = deflateSync(raw);
  const half = z.length >> 1;
  out.push(
    chunk('IDAT', z.subarray(0, half)),
    chunk('IDAT', z.subarray(half)),
    chunk('IEND', new Uint8Array(0)),
  );
  return Buffer.concat(out);
}
