// The JPEG full-scale decode of @scratchnet/datasets (image/jpeg-full.ts, which runs jpeg-js),
// compiled for baseline images of one scan: jpeg-js's Huffman decoding, its integer inverse DCT (a
// port of poppler's), its sampling of subsampled components, its float64 YCbCr → RGB with truncation
// to bytes, then the library's float64 luminance: the same bits. Anything else returns a negative
// result and jpeg-js decodes.
import { bitsBegin, bitsOverrun, bitsPosition, bitsReceive, bitsSymbol, bitsTable } from './jpeg-scan';

/**
 * Bytes of a component's record (i32): h, v, dc table, ac table, quantization table (i32[64],
 * natural order), blocks a line in an MCU row, blocks a line and a column of the image, plane (u8,
 * blocksPerLine·8 a line), prediction.
 */
const RECORD = 64;
const COS1 = 4017;
const SIN1 = 799;
const COS3 = 3406;
const SIN3 = 2276;
const COS6 = 1567;
const SIN6 = 3784;
const SQRT2 = 5793;
const SQRT1D2 = 2896;

const FALLBACK = -1;

/** jpeg-js's quantizeAndInverse: coefficients `zz` (i32[64], natural order) to 8×8 bytes of `plane`. */
function inverse(zz: usize, qt: usize, plane: usize, stride: i32): void {
  for (let i = 0; i < 64; i++) {
    const a = zz + ((<usize>i) << 2);
    store<i32>(a, load<i32>(a) * load<i32>(qt + ((<usize>i) << 2)));
  }
  for (let i = 0; i < 8; i++) {
    const p = zz + ((<usize>i) << 5);
    const p0 = load<i32>(p);
    const p1 = load<i32>(p, 4);
    const p2 = load<i32>(p, 8);
    const p3 = load<i32>(p, 12);
    const p4 = load<i32>(p, 16);
    const p5 = load<i32>(p, 20);
    const p6 = load<i32>(p, 24);
    const p7 = load<i32>(p, 28);
    if ((p1 | p2 | p3 | p4 | p5 | p6 | p7) === 0) {
      const t = (SQRT2 * p0 + 512) >> 10;
      for (let k = 0; k < 8; k++) store<i32>(p + ((<usize>k) << 2), t);
      continue;
    }
    let v0 = (SQRT2 * p0 + 128) >> 8;
    let v1 = (SQRT2 * p4 + 128) >> 8;
    let v2 = p2;
    let v3 = p6;
    let v4 = (SQRT1D2 * (p1 - p7) + 128) >> 8;
    let v7 = (SQRT1D2 * (p1 + p7) + 128) >> 8;
    let v5 = p3 << 4;
    let v6 = p5 << 4;
    let t = (v0 - v1 + 1) >> 1;
    v0 = (v0 + v1 + 1) >> 1;
    v1 = t;
    t = (v2 * SIN6 + v3 * COS6 + 128) >> 8;
    v2 = (v2 * COS6 - v3 * SIN6 + 128) >> 8;
    v3 = t;
    t = (v4 - v6 + 1) >> 1;
    v4 = (v4 + v6 + 1) >> 1;
    v6 = t;
    t = (v7 + v5 + 1) >> 1;
    v5 = (v7 - v5 + 1) >> 1;
    v7 = t;
    t = (v0 - v3 + 1) >> 1;
    v0 = (v0 + v3 + 1) >> 1;
    v3 = t;
    t = (v1 - v2 + 1) >> 1;
    v1 = (v1 + v2 + 1) >> 1;
    v2 = t;
    t = (v4 * SIN3 + v7 * COS3 + 2048) >> 12;
    v4 = (v4 * COS3 - v7 * SIN3 + 2048) >> 12;
    v7 = t;
    t = (v5 * SIN1 + v6 * COS1 + 2048) >> 12;
    v5 = (v5 * COS1 - v6 * SIN1 + 2048) >> 12;
    v6 = t;
    store<i32>(p, v0 + v7);
    store<i32>(p, v0 - v7, 28);
    store<i32>(p, v1 + v6, 4);
    store<i32>(p, v1 - v6, 24);
    store<i32>(p, v2 + v5, 8);
    store<i32>(p, v2 - v5, 20);
    store<i32>(p, v3 + v4, 12);
    store<i32>(p, v3 - v4, 16);
  }
  for (let i = 0; i < 8; i++) {
    const p = zz + ((<usize>i) << 2);
    const p0 = load<i32>(p);
    const p1 = load<i32>(p, 32);
    const p2 = load<i32>(p, 64);
    const p3 = load<i32>(p, 96);
    const p4 = load<i32>(p, 128);
    const p5 = load<i32>(p, 160);
    const p6 = load<i32>(p, 192);
    const p7 = load<i32>(p, 224);
    if ((p1 | p2 | p3 | p4 | p5 | p6 | p7) === 0) {
      const t = (SQRT2 * p0 + 8192) >> 14;
      for (let k = 0; k < 8; k++) store<i32>(p + ((<usize>k) << 5), t);
      continue;
    }
    let v0 = (SQRT2 * p0 + 2048) >> 12;
    let v1 = (SQRT2 * p4 + 2048) >> 12;
    let v2 = p2;
    let v3 = p6;
    let v4 = (SQRT1D2 * (p1 - p7) + 2048) >> 12;
    let v7 = (SQRT1D2 * (p1 + p7) + 2048) >> 12;
    let v5 = p3;
    let v6 = p5;
    let t = (v0 - v1 + 1) >> 1;
    v0 = (v0 + v1 + 1) >> 1;
    v1 = t;
    t = (v2 * SIN6 + v3 * COS6 + 2048) >> 12;
    v2 = (v2 * COS6 - v3 * SIN6 + 2048) >> 12;
    v3 = t;
    t = (v4 - v6 + 1) >> 1;
    v4 = (v4 + v6 + 1) >> 1;
    v6 = t;
    t = (v7 + v5 + 1) >> 1;
    v5 = (v7 - v5 + 1) >> 1;
    v7 = t;
    t = (v0 - v3 + 1) >> 1;
    v0 = (v0 + v3 + 1) >> 1;
    v3 = t;
    t = (v1 - v2 + 1) >> 1;
    v1 = (v1 + v2 + 1) >> 1;
    v2 = t;
    t = (v4 * SIN3 + v7 * COS3 + 2048) >> 12;
    v4 = (v4 * COS3 - v7 * SIN3 + 2048) >> 12;
    v7 = t;
    t = (v5 * SIN1 + v6 * COS1 + 2048) >> 12;
    v5 = (v5 * COS1 - v6 * SIN1 + 2048) >> 12;
    v6 = t;
    store<i32>(p, v0 + v7);
    store<i32>(p, v0 - v7, 224);
    store<i32>(p, v1 + v6, 32);
    store<i32>(p, v1 - v6, 192);
    store<i32>(p, v2 + v5, 64);
    store<i32>(p, v2 - v5, 160);
    store<i32>(p, v3 + v4, 96);
    store<i32>(p, v3 - v4, 128);
  }
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++) {
      const s = 128 + ((load<i32>(zz + ((<usize>(y * 8 + x)) << 2)) + 8) >> 4);
      store<u8>(plane + <usize>(y * stride + x), <u8>min<i32>(max<i32>(s, 0), 255));
    }
  }
}

/** One block of jpeg-js's decodeBaseline into `zz` (zeroed first); false on a code it cannot take. */
function block(c: usize, zz: usize, zigzag: usize): bool {
  memory.fill(zz, 0, 256);
  const t = bitsSymbol(<usize>load<i32>(c, 8));
  if (t < 0 || t > 16) return false;
  let diff = 0;
  if (t > 0) {
    const n = bitsReceive(t);
    diff = n >= 1 << (t - 1) ? n : n + (-1 << t) + 1;
  }
  const pred = load<i32>(c, 36) + diff;
  store<i32>(c, pred, 36);
  store<i32>(zz, pred);
  const ac = <usize>load<i32>(c, 12);
  for (let k = 1; k < 64; ) {
    const rs = bitsSymbol(ac);
    if (rs < 0) return false;
    const s = rs & 15;
    const r = rs >> 4;
    if (s === 0) {
      if (r < 15) break;
      k += 16;
      continue;
    }
    k += r;
    const n = bitsReceive(s);
    // Past the 64th coefficient jpeg-js stores nowhere.
    if (k < 64) {
      store<i32>(zz + ((<usize>load<u8>(zigzag + <usize>k)) << 2), n >= 1 << (s - 1) ? n : n + (-1 << s) + 1);
    }
    k++;
  }
  return !bitsOverrun();
}

/** Decodes block (row, col) of component `c`; writes it to its plane when inside the image. */
function blockAt(c: usize, row: i32, col: i32, zz: usize, zigzag: usize): bool {
  if (!block(c, zz, zigzag)) return false;
  if (col < load<i32>(c, 24) && row < load<i32>(c, 28)) {
    const stride = load<i32>(c, 24) << 3;
    const plane = <usize>load<i32>(c, 32) + <usize>((row << 3) * stride + (col << 3));
    inverse(zz, <usize>load<i32>(c, 16), plane, stride);
  }
  return true;
}

/**
 * Decodes the one scan of a baseline JPEG (`ncomp` components described at `comps`, entropy-coded
 * data from `at` of the `length` bytes at `bytes`, `mcusX`×`mcusY` MCUs, restarts every
 * `restartInterval`) into the components' planes. `zigzag`: u8[64]; `zz`: i32[64] of scratch.
 * Returns the offset of the marker after the scan (as jpeg-js finds it), or -1 for jpeg-js to decode.
 */
export function decodeJpegScan(
  bytes: usize,
  length: i32,
  at: i32,
  comps: usize,
  ncomp: i32,
  mcusX: i32,
  mcusY: i32,
  restartInterval: i32,
  zigzag: usize,
  zz: usize,
): i32 {
  for (let k = 0; k < ncomp; k++) {
    const c = comps + <usize>(k * RECORD);
    bitsTable(<usize>load<i32>(c, 8));
    bitsTable(<usize>load<i32>(c, 12));
  }
  const c0 = comps;
  const total = ncomp === 1 ? load<i32>(c0, 24) * load<i32>(c0, 28) : mcusX * mcusY;
  const interval = restartInterval > 0 ? restartInterval : total;
  // A single component's restart intervals must divide its blocks (jpeg-js reads past them otherwise).
  if (ncomp === 1 && total % interval !== 0) return FALLBACK;
  bitsBegin(bytes, length, at);
  let pos = at;
  let m = 0;
  while (m < total) {
    for (let k = 0; k < ncomp; k++) store<i32>(comps + <usize>(k * RECORD), 0, 36);
    for (let n = 0; n < interval && m < total; n++) {
      if (ncomp === 1) {
        const bpl = load<i32>(c0, 24);
        if (!blockAt(c0, m / bpl, m % bpl, zz, zigzag)) return FALLBACK;
      } else {
        const row = m / mcusX;
        const col = m % mcusX;
        for (let k = 0; k < ncomp; k++) {
          const c = comps + <usize>(k * RECORD);
          const h = load<i32>(c);
          const v = load<i32>(c, 4);
          for (let j = 0; j < v; j++) {
            for (let i = 0; i < h; i++) {
              if (!blockAt(c, row * v + j, col * h + i, zz, zigzag)) return FALLBACK;
            }
          }
        }
      }
      m++;
    }
    pos = bitsPosition();
    if (m === total) {
      // jpeg-js skips to the next marker.
      do {
        if (load<u8>(bytes + <usize>pos) === 0xff && load<u8>(bytes + <usize>pos + 1) !== 0) break;
        pos++;
      } while (pos < length - 2);
      return pos;
    }
    // A restart marker must follow the interval's data.
    if (pos + 1 >= length || load<u8>(bytes + <usize>pos) !== 0xff) return FALLBACK;
    const marker = load<u8>(bytes + <usize>pos + 1);
    if (marker < 0xd0 || marker > 0xd7) return FALLBACK;
    pos += 2;
    bitsBegin(bytes, length, pos);
  }
  return pos;
}

/**
 * jpeg-js's getData and copyToImageData, then the library's luminance: `ncomp` (1: gray, 3: YCbCr)
 * planes sampled at width×height (component k's line ⌊y·v/maxV⌋, column ⌊x·h/maxH⌋) into `lum` (f32).
 */
export function jpegLuminance(
  comps: usize,
  ncomp: i32,
  width: i32,
  height: i32,
  maxH: i32,
  maxV: i32,
  lum: usize,
): void {
  const inv: f64 = 1.0 / 255.0;
  const c1 = comps;
  const c2 = comps + RECORD;
  const c3 = comps + 2 * RECORD;
  const sx1 = <f64>load<i32>(c1) / <f64>maxH;
  const sy1 = <f64>load<i32>(c1, 4) / <f64>maxV;
  const stride1 = load<i32>(c1, 24) << 3;
  const plane1 = <usize>load<i32>(c1, 32);
  if (ncomp === 1) {
    for (let y = 0; y < height; y++) {
      const line = plane1 + <usize>(<i32>(<f64>y * sy1) * stride1);
      for (let x = 0; x < width; x++) {
        const g = <f64>load<u8>(line + <usize>(<i32>(<f64>x * sx1)));
        // Typed f64 first: inside <f32>(…) the literals would be read as f32.
        const luma: f64 = (0.299 * g + 0.587 * g + 0.114 * g) * inv;
        store<f32>(lum + ((<usize>(y * width + x)) << 2), <f32>luma);
      }
    }
    return;
  }
  const sx2 = <f64>load<i32>(c2) / <f64>maxH;
  const sy2 = <f64>load<i32>(c2, 4) / <f64>maxV;
  const stride2 = load<i32>(c2, 24) << 3;
  const plane2 = <usize>load<i32>(c2, 32);
  const sx3 = <f64>load<i32>(c3) / <f64>maxH;
  const sy3 = <f64>load<i32>(c3, 4) / <f64>maxV;
  const stride3 = load<i32>(c3, 24) << 3;
  const plane3 = <usize>load<i32>(c3, 32);
  for (let y = 0; y < height; y++) {
    const line1 = plane1 + <usize>(<i32>(<f64>y * sy1) * stride1);
    const line2 = plane2 + <usize>(<i32>(<f64>y * sy2) * stride2);
    const line3 = plane3 + <usize>(<i32>(<f64>y * sy3) * stride3);
    for (let x = 0; x < width; x++) {
      const yy = <f64>load<u8>(line1 + <usize>(<i32>(<f64>x * sx1)));
      const cb = <f64>(<i32>load<u8>(line2 + <usize>(<i32>(<f64>x * sx2))) - 128);
      const cr = <f64>(<i32>load<u8>(line3 + <usize>(<i32>(<f64>x * sx3))) - 128);
      const r = trunc<f64>(clamp(yy + 1.402 * cr));
      const g = trunc<f64>(clamp(yy - 0.3441363 * cb - 0.71413636 * cr));
      const b = trunc<f64>(clamp(yy + 1.772 * cb));
      const luma: f64 = (0.299 * r + 0.587 * g + 0.114 * b) * inv;
      store<f32>(lum + ((<usize>(y * width + x)) << 2), <f32>luma);
    }
  }
}

function clamp(a: f64): f64 {
  return a < 0 ? 0 : a > 255 ? 255 : a;
}
