/**
 * A PNG decoder of our own over fflate's inflate (no Node streams or zlib): every colour type
 * (gray, RGB, palette, gray+alpha, RGBA), every bit depth 1–16, `tRNS` transparency and Adam7
 * interlacing. The dimensions are checked against the pixel budget before anything is inflated, and
 * the image data is inflated only up to the size the header implies.
 */
import { InflateError, inflateCapped } from '../io/inflate.js';
import { crc32, lumPlanes, rowsOf8Bits, unfilterRows } from './png-rows.js';
import { ImageError, type Luminance, checkPixelBudget } from './raster.js';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Allowed bit depths per colour type. */
const DEPTHS: Record<number, number[]> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** Adam7 passes: x start, y start, x step, y step. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

interface Header {
  width: number;
  height: number;
  depth: number;
  colorType: number;
  interlaced: boolean;
}

/** The PNG's width and height from its IHDR, or undefined when the bytes are too short to hold them. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  if (bytes.length < 24) return undefined;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: v.getUint32(16), height: v.getUint32(20) };
}

/**
 * Decodes PNG bytes to luminance (Rec. 601 luma of the colour, in [0, 1]) and alpha.
 *
 * @throws {ImageError} naming `file`: truncated, bad CRC, corrupt or unsupported data, too many pixels.
 */
export function decodePngLuminance(bytes: Uint8Array, file: string, maxPixels: number): Luminance {
  const fail = (problem: string): never => {
    throw new ImageError(file, problem);
  };
  for (let i = 0; i < 8; i++) if (bytes[i] !== SIGNATURE[i]) fail('not a PNG image (bad signature)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let header: Header | undefined;
  let palette: Uint8Array | undefined;
  let trns: Uint8Array | undefined;
  const idat: Uint8Array[] = [];
  let idatBytes = 0;
  let ended = false;
  for (let at = 8; !ended; ) {
    if (at + 8 > bytes.length)
      fail(`corrupt PNG (truncated: the file ends at byte ${bytes.length}, inside a chunk header)`);
    const length = view.getUint32(at);
    // Four ASCII letters (tested without a regular expression: compiling one costs a cold start).
    for (let i = at + 4; i < at + 8; i++) {
      const letter = bytes[i] | 0x20;
      if (!(letter >= 0x61 && letter <= 0x7a)) fail(`corrupt PNG (invalid chunk type at byte ${at + 4})`);
    }
    const type = String.fromCharCode(bytes[at + 4], bytes[at + 5], bytes[at + 6], bytes[at + 7]);
    if (length > 0x7fffffff) fail(`corrupt PNG (chunk ${type} claims ${length} bytes)`);
    const dataStart = at + 8;
    const dataEnd = dataStart + length;
    if (dataEnd + 4 > bytes.length) {
      fail(
        `corrupt PNG (truncated: chunk ${type} needs ${length + 12} bytes from byte ${at}, the file has ${bytes.length})`,
      );
    }
    if (crc32(bytes, at + 4, dataEnd) !== view.getUint32(dataEnd))
      fail(`corrupt PNG (CRC mismatch in chunk ${type})`);
    const data = bytes.subarray(dataStart, dataEnd);
    if (header === undefined && type !== 'IHDR') fail(`corrupt PNG (the first chunk is ${type}, not IHDR)`);
    switch (type) {
      case 'IHDR':
        header = readHeader(data, fail);
        checkPixelBudget(file, header.width, header.height, maxPixels);
        break;
      case 'PLTE':
        if (length % 3 !== 0 || length === 0 || length > 768)
          fail(`corrupt PNG (palette of ${length} bytes)`);
        palette = data;
        break;
      case 'tRNS':
        trns = data;
        break;
      case 'IDAT':
        idat.push(data);
        idatBytes += length;
        break;
      case 'IEND':
        ended = true;
        break;
      default:
        // Ancillary chunks (lower-case first letter) are safe to ignore; critical ones are not.
        if (type.charCodeAt(0) < 0x61) fail(`unsupported PNG (unknown critical chunk ${type})`);
    }
    at = dataEnd + 4;
    if (!ended && at === bytes.length) fail('corrupt PNG (truncated: the file ends before its IEND chunk)');
  }
  const h = header as Header;
  if (h.colorType === 3 && palette === undefined) fail('corrupt PNG (palette image without a PLTE chunk)');
  if (idat.length === 0) fail('corrupt PNG (no image data (IDAT chunk))');
  const compressed = new Uint8Array(idatBytes);
  let off = 0;
  for (const d of idat) {
    compressed.set(d, off);
    off += d.length;
  }
  const passes = passesOf(h);
  const expected = passes.reduce((sum, p) => sum + p.rows * (1 + p.rowBytes), 0);
  let raw: Uint8Array;
  try {
    raw = inflateCapped(
      compressed,
      'zlib',
      expected,
      () =>
        new ImageError(
          file,
          `corrupt PNG (the image data inflates to more than the ${expected} bytes ${h.width}×${h.height} needs)`,
        ),
    );
  } catch (e) {
    if (e instanceof InflateError) return fail(`corrupt PNG (image data: ${e.message})`);
    throw e;
  }
  if (raw.length < expected) {
    fail(
      `corrupt PNG (truncated: the image data holds ${raw.length} of the ${expected} bytes ${h.width}×${h.height} needs)`,
    );
  }
  return toLuminance(h, raw, passes, palette, trns, fail);
}

function readHeader(d: Uint8Array, fail: (p: string) => never): Header {
  if (d.length !== 13) fail(`corrupt PNG (IHDR of ${d.length} bytes (expected 13))`);
  const v = new DataView(d.buffer, d.byteOffset, d.byteLength);
  const width = v.getUint32(0);
  const height = v.getUint32(4);
  const [depth, colorType, compression, filter, interlace] = [d[8], d[9], d[10], d[11], d[12]];
  if (width > 0x7fffffff || height > 0x7fffffff) fail(`corrupt PNG (dimensions ${width}×${height})`);
  const depths = DEPTHS[colorType];
  if (depths === undefined) fail(`corrupt PNG (unknown colour type ${colorType})`);
  if (!depths.includes(depth))
    fail(`corrupt PNG (bit depth ${depth} is not allowed for colour type ${colorType})`);
  if (compression !== 0 || filter !== 0) fail('unsupported PNG (unknown compression or filter method)');
  if (interlace > 1) fail(`unsupported PNG (unknown interlace method ${interlace})`);
  return { width, height, depth, colorType, interlaced: interlace === 1 };
}

interface Pass {
  x0: number;
  y0: number;
  dx: number;
  dy: number;
  cols: number;
  rows: number;
  rowBytes: number;
}

function passesOf(h: Header): Pass[] {
  const bits = CHANNELS[h.colorType] * h.depth;
  const layout = h.interlaced ? ADAM7 : ([[0, 0, 1, 1]] as const);
  const passes: Pass[] = [];
  for (const [x0, y0, dx, dy] of layout) {
    const cols = Math.ceil((h.width - x0) / dx);
    const rows = Math.ceil((h.height - y0) / dy);
    if (cols <= 0 || rows <= 0) continue;
    passes.push({ x0, y0, dx, dy, cols, rows, rowBytes: Math.ceil((cols * bits) / 8) });
  }
  return passes;
}

/** Reverses the per-row filters of one pass in place; returns the offset after the pass. */
function unfilter(raw: Uint8Array, at: number, p: Pass, bpp: number, fail: (m: string) => never): number {
  const stride = p.rowBytes + 1;
  const bad = unfilterRows(raw, at, p.rows, p.rowBytes, bpp);
  if (bad >= 0) fail(`corrupt PNG (unknown row filter ${raw[at + bad * stride]})`);
  return at + p.rows * stride;
}

function toLuminance(
  h: Header,
  raw: Uint8Array,
  passes: Pass[],
  palette: Uint8Array | undefined,
  trns: Uint8Array | undefined,
  fail: (m: string) => never,
): Luminance {
  const { width, depth, colorType } = h;
  const channels = CHANNELS[colorType];
  const bpp = Math.max(1, (channels * depth) >> 3);
  const n = width * h.height;
  const hasAlpha = colorType === 4 || colorType === 6 || trns !== undefined;
  const { lum, alpha } = lumPlanes(n, hasAlpha);
  // Palette images are colours of 8 bits; other depths keep their sample range.
  const max = colorType === 3 ? 255 : 2 ** depth - 1;
  const inv = 1 / max;
  const key = trns !== undefined && trns.length >= 2 ? readKey(trns, colorType) : undefined;
  const entries = palette === undefined ? 0 : palette.length / 3;
  const sample = sampleReader(depth);
  let at = 0;
  for (const p of passes) {
    at = unfilter(raw, at, p, bpp, fail);
    const base = at - p.rows * (p.rowBytes + 1);
    if (depth === 8 && colorType !== 3) {
      const first = p.y0 * width + p.x0;
      rowsOf8Bits(
        raw,
        base + 1,
        p.rowBytes + 1,
        p.rows,
        p.cols,
        channels,
        first,
        p.dy * width,
        p.dx,
        key,
        lum,
        alpha,
      );
      continue;
    }
    for (let r = 0; r < p.rows; r++) {
      const row = base + r * (p.rowBytes + 1) + 1;
      const y = p.y0 + r * p.dy;
      for (let c = 0; c < p.cols; c++) {
        const i = y * width + p.x0 + c * p.dx;
        const s = c * channels;
        let red: number;
        let green: number;
        let blue: number;
        let a = max;
        if (colorType === 3) {
          const index = sample(raw, row, s);
          if (index >= entries) fail(`corrupt PNG (palette index ${index} beyond its ${entries} entries)`);
          const pal = palette as Uint8Array;
          red = pal[3 * index];
          green = pal[3 * index + 1];
          blue = pal[3 * index + 2];
          if (trns !== undefined && index < trns.length) a = trns[index];
        } else if (channels <= 2) {
          red = green = blue = sample(raw, row, s);
          if (channels === 2) a = sample(raw, row, s + 1);
          else if (key !== undefined && red === key[0]) a = 0;
        } else {
          red = sample(raw, row, s);
          green = sample(raw, row, s + 1);
          blue = sample(raw, row, s + 2);
          if (channels === 4) a = sample(raw, row, s + 3);
          else if (key !== undefined && red === key[0] && green === key[1] && blue === key[2]) a = 0;
        }
        // Rec. 601 luma, as PIL's `convert('L')`: the usual grayscale of MNIST-style pipelines.
        lum[i] = (0.299 * red + 0.587 * green + 0.114 * blue) * inv;
        if (alpha !== null) alpha[i] = a * inv;
      }
    }
  }
  return { width, height: h.height, lum, alpha };
}

/** The colour key of a gray (one 16-bit value) or RGB (three) `tRNS` chunk. */
function readKey(trns: Uint8Array, colorType: number): number[] | undefined {
  if (colorType === 0) return [(trns[0] << 8) | trns[1]];
  if (colorType === 2 && trns.length >= 6) {
    return [(trns[0] << 8) | trns[1], (trns[2] << 8) | trns[3], (trns[4] << 8) | trns[5]];
  }
  return undefined;
}

/** Reads sample `i` of the row starting at `row`, for a bit depth. */
function sampleReader(depth: number): (raw: Uint8Array, row: number, i: number) => number {
  switch (depth) {
    case 8:
      return (raw, row, i) => raw[row + i];
    case 16:
      return (raw, row, i) => (raw[row + 2 * i] << 8) | raw[row + 2 * i + 1];
    default: {
      const perByte = 8 / depth;
      const mask = (1 << depth) - 1;
      return (raw, row, i) => {
        const byte = raw[row + Math.floor(i / perByte)];
        return (byte >> (8 - depth * ((i % perByte) + 1))) & mask;
      };
    }
  }
}
