/**
 * JPEG: our own marker parser reads the frame header (SOF) first, so the pixel budget is checked
 * before any decoding. Large baseline photos are decoded at 1/8 scale from the DC coefficients alone
 * (each 8×8 block's mean: an exact area-average downscale, and no inverse DCT); everything else
 * goes through jpeg-js, a complete pure-JS decoder.
 */
import { decodeFull } from './jpeg-full.js';
import { type Huffman, Truncated, buildHuffman, decodeScan } from './jpeg-scan.js';
import { ImageError, type Luminance, checkPixelBudget } from './raster.js';

/** Above this many pixels a baseline JPEG is decoded at 1/8 scale (preprocessing works at ≤ 160 px). */
export const JPEG_DOWNSCALE_PIXELS = 4_000_000;

interface Component {
  id: number;
  h: number;
  v: number;
  tq: number;
}

interface Frame {
  width: number;
  height: number;
  /** SOF marker type: 0xc0 baseline, 0xc1 extended, 0xc2 progressive, … */
  type: number;
  precision: number;
  components: Component[];
}

/** The SOF frame header of JPEG bytes (or undefined if none before the first scan). */
export function readJpegFrame(bytes: Uint8Array, file: string): Frame {
  const fail = (p: string): never => {
    throw new ImageError(file, p);
  };
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) fail(`corrupt or unsupported JPEG (expected a marker at byte ${at})`);
    const marker = bytes[at + 1];
    if (marker === 0xff) {
      at++;
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      at += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) break;
    const length = (bytes[at + 2] << 8) | bytes[at + 3];
    if (length < 2 || at + 2 + length > bytes.length)
      fail(`corrupt or unsupported JPEG (truncated, segment at byte ${at} runs past the end)`);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (length < 8) fail('corrupt or unsupported JPEG (frame header too short)');
      const s = at + 4;
      const n = bytes[s + 5];
      if (length < 8 + 3 * n) fail('corrupt or unsupported JPEG (frame header too short for its components)');
      const components: Component[] = [];
      for (let i = 0; i < n; i++) {
        const o = s + 6 + 3 * i;
        components.push({ id: bytes[o], h: bytes[o + 1] >> 4, v: bytes[o + 1] & 15, tq: bytes[o + 2] });
      }
      return {
        type: marker,
        precision: bytes[s],
        height: (bytes[s + 1] << 8) | bytes[s + 2],
        width: (bytes[s + 3] << 8) | bytes[s + 4],
        components,
      };
    }
    at += 2 + length;
  }
  return fail(
    'corrupt or unsupported JPEG (truncated or damaged, no frame header (SOF) before the image data)',
  );
}

/**
 * Decodes JPEG bytes to luminance: at 1/8 scale when the image has more than `downscaleAbove` pixels
 * and the DC path applies, else at full scale.
 *
 * @throws {ImageError} naming `file`: truncated, corrupt, unsupported, too many pixels.
 */
export function decodeJpegLuminance(
  bytes: Uint8Array,
  file: string,
  maxPixels: number,
  downscaleAbove = JPEG_DOWNSCALE_PIXELS,
): Luminance {
  const frame = readJpegFrame(bytes, file);
  if (frame.type === 0xc3 || frame.type >= 0xc5) {
    throw new ImageError(
      file,
      `unsupported JPEG variant (SOF${frame.type - 0xc0}: lossless, hierarchical or arithmetic-coded; baseline and progressive are supported)`,
    );
  }
  if (frame.precision !== 8)
    throw new ImageError(file, `corrupt or unsupported JPEG (${frame.precision}-bit samples)`);
  if (frame.components.length === 0)
    throw new ImageError(file, 'corrupt or unsupported JPEG (no colour components)');
  if (frame.components.some((c) => c.h < 1 || c.h > 4 || c.v < 1 || c.v > 4)) {
    throw new ImageError(file, 'corrupt or unsupported JPEG (invalid sampling factors)');
  }
  checkPixelBudget(file, frame.width, frame.height, maxPixels);
  if (frame.width * frame.height > downscaleAbove && dcDecodable(bytes, frame)) {
    return decodeDc(bytes, frame, file);
  }
  return decodeFull(bytes, frame, file, maxPixels);
}

/**
 * Whether the DC path applies: a baseline (or extended sequential, huffman) frame of one component
 * or of three YCbCr ones with the luma at full sampling, and no Adobe marker saying RGB or CMYK.
 */
function dcDecodable(bytes: Uint8Array, frame: Frame): boolean {
  if (frame.type !== 0xc0 && frame.type !== 0xc1) return false;
  const n = frame.components.length;
  if (n !== 1 && n !== 3) return false;
  const maxH = Math.max(...frame.components.map((c) => c.h));
  const maxV = Math.max(...frame.components.map((c) => c.v));
  if (frame.components[0].h !== maxH || frame.components[0].v !== maxV) return false;
  // An Adobe APP14 segment with transform 0 means RGB (or CMYK) samples rather than YCbCr.
  for (let at = 2; at + 4 < bytes.length && bytes[at] === 0xff; ) {
    const marker = bytes[at + 1];
    if (marker === 0xda) break;
    const length = (bytes[at + 2] << 8) | bytes[at + 3];
    if (marker === 0xee && length >= 12 && bytes[at + 4] === 0x41 && bytes[at + 15] === 0) return false;
    at += 2 + length;
  }
  return true;
}

/** 1/8-scale decode: each luma block's DC coefficient is the mean of its 8×8 pixels. */
function decodeDc(bytes: Uint8Array, frame: Frame, file: string): Luminance {
  const fail = (p: string): never => {
    throw new ImageError(file, p);
  };
  const quant = new Map<number, number>(); // table id → its DC quantizer
  const dcTables = new Map<number, Huffman>();
  const acTables = new Map<number, Huffman>();
  let restartInterval = 0;
  const maxH = Math.max(...frame.components.map((c) => c.h));
  const maxV = Math.max(...frame.components.map((c) => c.v));
  const mcusX = Math.ceil(frame.width / (8 * maxH));
  const mcusY = Math.ceil(frame.height / (8 * maxV));
  const luma = frame.components[0];
  const gridW = mcusX * luma.h;
  const gridH = mcusY * luma.v;
  const grid = new Float32Array(gridW * gridH);
  let decodedLuma = false;
  let at = 2;
  while (at + 4 <= bytes.length && !decodedLuma) {
    if (bytes[at] !== 0xff) fail(`corrupt or unsupported JPEG (expected a marker at byte ${at})`);
    const marker = bytes[at + 1];
    if (marker === 0xff || marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += marker === 0xff ? 1 : 2;
      continue;
    }
    if (marker === 0xd9) break;
    const length = (bytes[at + 2] << 8) | bytes[at + 3];
    const end = at + 2 + length;
    if (length < 2 || end > bytes.length)
      fail(`corrupt or unsupported JPEG (truncated, segment at byte ${at} runs past the end)`);
    const s = at + 4;
    if (marker === 0xdb) {
      for (let p = s; p < end; ) {
        const wide = bytes[p] >> 4;
        quant.set(bytes[p] & 15, wide ? (bytes[p + 1] << 8) | bytes[p + 2] : bytes[p + 1]);
        p += 1 + (wide ? 128 : 64);
      }
    } else if (marker === 0xc4) {
      for (let p = s; p < end; ) {
        const counts = bytes.subarray(p + 1, p + 17);
        if (counts.length < 16) fail('corrupt or unsupported JPEG (huffman table too short)');
        const total = counts.reduce((a, b) => a + b, 0);
        const values = bytes.subarray(p + 17, p + 17 + total);
        if (values.length < total) fail('corrupt or unsupported JPEG (huffman table too short)');
        (bytes[p] >> 4 ? acTables : dcTables).set(bytes[p] & 15, buildHuffman(counts, values));
        p += 17 + total;
      }
    } else if (marker === 0xdd) {
      restartInterval = (bytes[s] << 8) | bytes[s + 1];
    } else if (marker === 0xda) {
      const n = bytes[s];
      const scan: { index: number; dc: Huffman; ac: Huffman }[] = [];
      for (let i = 0; i < n; i++) {
        const id = bytes[s + 1 + 2 * i];
        const sel = bytes[s + 2 + 2 * i];
        const index = frame.components.findIndex((c) => c.id === id);
        const dc = dcTables.get(sel >> 4);
        const ac = acTables.get(sel & 15);
        if (index < 0 || dc === undefined || ac === undefined)
          fail('corrupt or unsupported JPEG (scan refers to a missing component or table)');
        scan.push({ index, dc: dc as Huffman, ac: ac as Huffman });
      }
      let scanEnd = end;
      const q = quant.get(luma.tq);
      if (q === undefined) fail('corrupt or unsupported JPEG (no quantization table for the luma)');
      try {
        if (scan.some((c) => c.index === 0)) {
          scanEnd = decodeScan(
            bytes,
            end,
            frame,
            scan,
            restartInterval,
            mcusX,
            mcusY,
            grid,
            gridW,
            q as number,
          );
          decodedLuma = true;
        }
      } catch (e) {
        if (e instanceof ImageError) throw e;
        fail(
          e instanceof Truncated
            ? 'corrupt or unsupported JPEG (truncated, the image data ends early)'
            : 'corrupt or unsupported JPEG (invalid entropy-coded data)',
        );
      }
      // Skip to the next marker after this scan.
      let p = Math.max(scanEnd, end);
      while (
        p + 1 < bytes.length &&
        !(bytes[p] === 0xff && bytes[p + 1] !== 0 && (bytes[p + 1] < 0xd0 || bytes[p + 1] > 0xd7))
      )
        p++;
      at = p;
      continue;
    }
    at = end;
  }
  if (!decodedLuma) fail('corrupt or unsupported JPEG (truncated or damaged, no image data for the luma)');
  const width = Math.ceil(frame.width / 8);
  const height = Math.ceil(frame.height / 8);
  const lum = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) lum[y * width + x] = grid[y * gridW + x];
  }
  return { width, height, lum, alpha: null, downscale: 8 };
}
