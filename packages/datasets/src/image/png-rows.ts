/**
 * The PNG decoder's per-byte and per-pixel loops (./png.ts): chunks' CRCs, filters reversed, 8-bit
 * samples to luminance, and the arrays they fill. Its own module so that a program can put a compiled
 * one in its place (scratchnet-predict does), which must give the same bytes and bits.
 */

let crcTable: Uint32Array | undefined;
/** The CRC-32 of PNG chunks (polynomial 0xedb88320, reflected, inverted) of `bytes[start, end)`. */
export function crc32(bytes: Uint8Array, start: number, end: number): number {
  if (crcTable === undefined) {
    // The CRC of a byte is linear in its bits: the entries of single bits, 8 steps each, and every
    // other entry as the XOR of two made already (256 steps, not 2048: this runs once, uncompiled).
    crcTable = new Uint32Array(256);
    for (let bit = 1; bit < 256; bit <<= 1) {
      let c = bit;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[bit] = c >>> 0;
      for (let j = 1; j < bit; j++) crcTable[bit | j] = crcTable[bit] ^ crcTable[j];
    }
  }
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = crcTable[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * The decoder's output arrays for `n` pixels: luminance (zeros) and, when `withAlpha`, alpha (ones,
 * opaque). Every pixel of both is then written by the decoder's passes.
 */
export function lumPlanes(n: number, withAlpha: boolean): { lum: Float32Array; alpha: Float32Array | null } {
  return { lum: new Float32Array(n), alpha: withAlpha ? new Float32Array(n).fill(1) : null };
}

/**
 * Reverses the per-row filters of the `rows` rows of `rowBytes` bytes (each after its filter byte)
 * from `at` in place, `bpp` bytes per pixel; returns -1, or the index of the first row whose filter
 * is unknown (the rows before it are done).
 */
export function unfilterRows(
  raw: Uint8Array,
  at: number,
  rows: number,
  rowBytes: number,
  bpp: number,
): number {
  const stride = rowBytes + 1;
  for (let r = 0; r < rows; r++) {
    const start = at + r * stride + 1;
    const prev = r === 0 ? -1 : start - stride;
    const filter = raw[start - 1];
    const n = rowBytes;
    switch (filter) {
      case 0:
        break;
      case 1:
        for (let i = bpp; i < n; i++) raw[start + i] = (raw[start + i] + raw[start + i - bpp]) & 0xff;
        break;
      case 2:
        if (prev >= 0) for (let i = 0; i < n; i++) raw[start + i] = (raw[start + i] + raw[prev + i]) & 0xff;
        break;
      case 3:
        for (let i = 0; i < n; i++) {
          const left = i >= bpp ? raw[start + i - bpp] : 0;
          const up = prev >= 0 ? raw[prev + i] : 0;
          raw[start + i] = (raw[start + i] + ((left + up) >> 1)) & 0xff;
        }
        break;
      case 4:
        for (let i = 0; i < n; i++) {
          const a = i >= bpp ? raw[start + i - bpp] : 0;
          const b = prev >= 0 ? raw[prev + i] : 0;
          const c = i >= bpp && prev >= 0 ? raw[prev + i - bpp] : 0;
          const pa = Math.abs(b - c);
          const pb = Math.abs(a - c);
          const pc = Math.abs(a + b - 2 * c);
          const pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          raw[start + i] = (raw[start + i] + pred) & 0xff;
        }
        break;
      default:
        return r;
    }
  }
  return -1;
}

/**
 * One row of 8-bit gray, gray+alpha, RGB or RGBA samples (the common PNGs) into `lum` and `alpha`
 * from pixel `i` on, every `dx`-th pixel: what the general loop of toLuminance (png.ts) computes, with
 * the samples read in place.
 */
export function rowOf8Bits(
  raw: Uint8Array,
  row: number,
  cols: number,
  channels: number,
  i: number,
  dx: number,
  key: number[] | undefined,
  lum: Float32Array,
  alpha: Float32Array | null,
): void {
  const inv = 1 / 255;
  for (let c = 0, s = row; c < cols; c++, s += channels, i += dx) {
    let red: number;
    let green: number;
    let blue: number;
    let a = 255;
    if (channels <= 2) {
      red = green = blue = raw[s];
      if (channels === 2) a = raw[s + 1];
      else if (key !== undefined && red === key[0]) a = 0;
    } else {
      red = raw[s];
      green = raw[s + 1];
      blue = raw[s + 2];
      if (channels === 4) a = raw[s + 3];
      else if (key !== undefined && red === key[0] && green === key[1] && blue === key[2]) a = 0;
    }
    lum[i] = (0.299 * red + 0.587 * green + 0.114 * blue) * inv;
    if (alpha !== null) alpha[i] = a * inv;
  }
}

/**
 * The `rows` rows of a pass of 8-bit gray, gray+alpha, RGB or RGBA samples (rows `stride` bytes
 * apart from `row`, `cols` pixels each) into `lum` and `alpha`: row r's pixels from pixel
 * `first + r·rowStep`, every `dx`-th.
 */
export function rowsOf8Bits(
  raw: Uint8Array,
  row: number,
  stride: number,
  rows: number,
  cols: number,
  channels: number,
  first: number,
  rowStep: number,
  dx: number,
  key: number[] | undefined,
  lum: Float32Array,
  alpha: Float32Array | null,
): void {
  for (let r = 0; r < rows; r++) {
    rowOf8Bits(raw, row + r * stride, cols, channels, first + r * rowStep, dx, key, lum, alpha);
  }
}
