// The JPEG DC path's scan decoding of @scratchnet/datasets (packages/datasets/src/image/jpeg-scan.ts),
// compiled: the same Huffman decoding, integer DC prediction and float64 luminance, so the same bits.
// Bits are read ahead a few bytes at a time; the library's reader (one byte at a time, which restart
// markers and the truncation check depend on) is reconstructed from the count of bits used.

// A table (1536 bytes, laid out by the caller): maxCode i32[18], valPtr i32[17], minCode i32[17],
// the count of symbols (i32), the symbols (u8, up to 256); then the kernel's lookup (u16[512]).
/** Bytes of a scan component's record (h, v, luma, dc table, ac table as i32). */
const JPEG_COMPONENT_BYTES: i32 = 32;

const VAL_PTR = 72;
const MIN_CODE = 140;
const COUNT = 208;
const VALUES = 212;
const LUT = 512;
const LUT_BITS = 9;

/** Result codes (negative; a non-negative result is the byte after the last one read). */
const TRUNCATED = -1;
const BAD_CODE = -2;
const UNSUPPORTED = -3;

let data: usize = 0;
let len: i32 = 0;
let pos: i32 = 0;
let buf: u64 = 0;
let nbits: i32 = 0;
/** Data bytes fetched since the segment began; zero bytes fed after a marker or the end. */
let fetched: i32 = 0;
let zeros: i64 = 0;
/** Bit i: whether the i-th last data byte fetched was a stuffed 0xFF00 (two bytes of the data). */
let stuffed: u64 = 0;
let stopped = false;
let stopAt: i32 = 0;
let segStart: i32 = 0;
let status: i32 = 0;

function begin(at: i32): void {
  pos = at;
  segStart = at;
  buf = 0;
  nbits = 0;
  fetched = 0;
  zeros = 0;
  stuffed = 0;
  stopped = false;
}

/** 0x01 in every byte (an exact 64-bit literal would lose precision as a JavaScript number). */
const BYTE_ONES: u64 = <u64>0x01010101 | ((<u64>0x01010101) << 32);

/** Tops the buffer up to at least 57 bits: data bytes, then zeros from a marker or the end on. */
function fill(): void {
  // Most often the next 8 bytes hold no 0xFF: as many as fit are taken at once.
  if (!stopped && nbits < 32 && pos + 8 <= len) {
    const w = load<u64>(data + <usize>pos);
    if (((~w - BYTE_ONES) & w & (BYTE_ONES << 7)) === 0) {
      const k = (63 - nbits) >> 3;
      const n = k << 3;
      buf = (buf << (<u64>n)) | (bswap<u64>(w) >> <u64>(64 - n));
      nbits += n;
      pos += k;
      fetched += k;
      stuffed <<= <u64>k;
    }
  }
  while (nbits <= 56) {
    let b: u32 = 0;
    if (!stopped) {
      let skip = 1;
      if (pos < len) {
        b = load<u8>(data + <usize>pos);
        if (b === 0xff) {
          if (pos + 1 < len && load<u8>(data + <usize>pos + 1) === 0) skip = 2;
          else {
            stopped = true;
            stopAt = pos;
            b = 0;
          }
        }
      } else {
        stopped = true;
        stopAt = pos;
      }
      if (!stopped) {
        pos += skip;
        fetched++;
        stuffed = (stuffed << 1) | <u64>(skip - 1);
      }
    }
    if (stopped) zeros++;
    buf = (buf << 8) | <u64>b;
    nbits += 8;
  }
}

/** Bytes the library's reader has fetched: those holding a used bit. */
function usedBytes(): i64 {
  return <i64>fetched + zeros - <i64>(nbits >> 3);
}

/** The library reader's position: after the last byte it fetched (`pos` is after the last fetched). */
function readerAt(): i32 {
  const used = usedBytes();
  if (used > <i64>fetched) return stopAt;
  if (used === 0) return segStart;
  const ahead = fetched - <i32>used; // at most 8
  return pos - ahead - <i32>popcnt<u64>(stuffed & (((<u64>1) << (<u64>ahead)) - 1));
}

/** The library's `ended`: a bit past the end of the data was used. */
function ended(): bool {
  return usedBytes() > <i64>fetched && stopAt >= len;
}

/**
 * The symbol of table `t` whose code is the first bits of `look` (the next 16 bits), when longer than
 * the lookup's or outside the table: the library's search, length by length. Uses the code's bits;
 * -1 with `status` set when the code is invalid or its symbol outside the table.
 */
function decodeSlow(t: usize, look: i32): i32 {
  for (let l = 1; l <= 16; l++) {
    const code = look >> (16 - l);
    if (code <= load<i32>(t + ((<usize>l) << 2))) {
      nbits -= l;
      const k =
        load<i32>(t + VAL_PTR + ((<usize>l) << 2)) + code - load<i32>(t + MIN_CODE + ((<usize>l) << 2));
      if (k < 0 || k >= load<i32>(t + COUNT)) {
        status = UNSUPPORTED;
        return -1;
      }
      return load<u8>(t + VALUES + <usize>k);
    }
  }
  status = BAD_CODE;
  return -1;
}

/**
 * Reads one block's codes with tables `dc` and `ac`: returns the DC difference (0 with `status` set
 * on an error). The AC coefficients are skipped, each code and its extra bits in one step.
 */
function skipBlock(dc: usize, ac: usize): i32 {
  if (nbits < 32) fill();
  let look = <i32>(buf >> <u64>(nbits - 16)) & 0xffff;
  let e: i32 = load<u16>(dc + LUT + ((<usize>(look >> (16 - LUT_BITS))) << 1));
  let t: i32;
  if (e !== 0) {
    nbits -= e >> 8;
    t = e & 255;
  } else {
    t = decodeSlow(dc, look);
    if (t < 0) return 0;
  }
  if (t > 16) {
    status = BAD_CODE;
    return 0;
  }
  let diff = 0;
  if (t > 0) {
    // At least 16 bits are left after a code of at most 16 from 32.
    nbits -= t;
    const r = <i32>(buf >> <u64>nbits) & ((1 << t) - 1);
    diff = r < 1 << (t - 1) ? r - (1 << t) + 1 : r;
  }
  for (let i = 1; i < 64; ) {
    if (nbits < 32) fill();
    look = <i32>(buf >> <u64>(nbits - 16)) & 0xffff;
    e = load<u16>(ac + LUT + ((<usize>(look >> (16 - LUT_BITS))) << 1));
    let rs: i32;
    if (e !== 0) {
      nbits -= e >> 8;
      rs = e & 255;
    } else {
      rs = decodeSlow(ac, look);
      if (rs < 0) return 0;
    }
    const size = rs & 15;
    if (size === 0) {
      if (rs >> 4 !== 15) break;
      i += 16;
      continue;
    }
    // The coefficient's bits (at most 15, and at least 16 are left) are not needed.
    nbits -= size;
    i += (rs >> 4) + 1;
  }
  return diff;
}

/** Fills table `t`'s lookup of the codes of up to LUT_BITS bits (0: look further). */
function buildLut(t: usize): void {
  for (let p = 0; p < 1 << LUT_BITS; p++) {
    let e = 0;
    for (let l = 1; l <= LUT_BITS; l++) {
      const code = p >> (LUT_BITS - l);
      if (code <= load<i32>(t + ((<usize>l) << 2))) {
        const k =
          load<i32>(t + VAL_PTR + ((<usize>l) << 2)) + code - load<i32>(t + MIN_CODE + ((<usize>l) << 2));
        if (k >= 0 && k < load<i32>(t + COUNT)) e = (l << 8) | <i32>load<u8>(t + VALUES + <usize>k);
        break;
      }
    }
    store<u16>(t + LUT + ((<usize>p) << 1), <u16>e);
  }
}

/**
 * Decodes one sequential scan: `len` bytes of entropy-coded data (and what follows) at `bytes`,
 * `ncomp` components described at `comps`, `blocksX`×`blocksY` MCUs, keeping luma DC values as
 * luminance in `grid` (f32, `gridW` a row, `gridLen` cells). `preds`: ncomp i32 of scratch. Returns the offset after the last byte read, or TRUNCATED, BAD_CODE, or UNSUPPORTED (a
 * symbol outside its table, which the library's JavaScript handles).
 */
export function decodeDcScan(
  bytes: usize,
  length: i32,
  comps: usize,
  ncomp: i32,
  blocksX: i32,
  blocksY: i32,
  restartInterval: i32,
  grid: usize,
  gridW: i32,
  gridLen: i32,
  q: f64,
  preds: usize,
): i32 {
  data = bytes;
  len = length;
  status = 0;
  begin(0);
  for (let k = 0; k < ncomp; k++) {
    const c = comps + <usize>k * JPEG_COMPONENT_BYTES;
    buildLut(<usize>load<i32>(c, 12));
    buildLut(<usize>load<i32>(c, 16));
    store<i32>(preds + ((<usize>k) << 2), 0);
  }
  const total = blocksX * blocksY;
  for (let m = 0; m < total; m++) {
    if (restartInterval > 0 && m > 0 && m % restartInterval === 0) {
      let at = readerAt();
      if (at + 1 < len && load<u8>(data + <usize>at) === 0xff) {
        const next = load<u8>(data + <usize>at + 1);
        if (next >= 0xd0 && next <= 0xd7) at += 2;
      }
      begin(at);
      for (let k = 0; k < ncomp; k++) store<i32>(preds + ((<usize>k) << 2), 0);
    }
    const mx = m % blocksX;
    const my = m / blocksX;
    for (let k = 0; k < ncomp; k++) {
      const c = comps + <usize>k * JPEG_COMPONENT_BYTES;
      const ch = load<i32>(c);
      const cv = load<i32>(c, 4);
      const luma = load<i32>(c, 8);
      const dc = <usize>load<i32>(c, 12);
      const ac = <usize>load<i32>(c, 16);
      const pk = preds + ((<usize>k) << 2);
      for (let v = 0; v < cv; v++) {
        for (let h = 0; h < ch; h++) {
          const diff = skipBlock(dc, ac);
          if (status !== 0) return status;
          const pred = load<i32>(pk) + diff;
          store<i32>(pk, pred);
          const bx = mx * ch + h;
          if (luma && bx < gridW) {
            const cell = (my * cv + v) * gridW + bx;
            if (cell >= 0 && cell < gridLen) {
              const s = (<f64>pred * q) / 8 + 128;
              store<f32>(grid + ((<usize>cell) << 2), <f32>(max<f64>(0, min<f64>(255, s)) / 255));
            }
          }
        }
      }
    }
    if (ended()) return TRUNCATED;
  }
  return readerAt();
}

// The reader for the full decode (assembly/jpeg-full.ts), which stops at any marker or the end.

/** Starts reading `length` bytes at `bytes` from offset `at`. */
export function bitsBegin(bytes: usize, length: i32, at: i32): void {
  data = bytes;
  len = length;
  status = 0;
  begin(at);
}

/** Builds table `t`'s lookup. */
export function bitsTable(t: usize): void {
  buildLut(t);
}

/** The byte after the last one holding a used bit (the position of a one-byte-at-a-time reader). */
export function bitsPosition(): i32 {
  return readerAt();
}

/** Whether a bit past a marker or the end of the data was used. */
export function bitsOverrun(): bool {
  return usedBytes() > <i64>fetched;
}

/** The next symbol of table `t`, or -1 (an invalid code, or a symbol outside the table). */
export function bitsSymbol(t: usize): i32 {
  if (nbits < 32) fill();
  const look = <i32>(buf >> <u64>(nbits - 16)) & 0xffff;
  const e: i32 = load<u16>(t + LUT + ((<usize>(look >> (16 - LUT_BITS))) << 1));
  if (e !== 0) {
    nbits -= e >> 8;
    return e & 255;
  }
  return decodeSlow(t, look);
}

/** The next `n` bits (n ≤ 16) as a number. */
export function bitsReceive(n: i32): i32 {
  if (nbits < 16) fill();
  nbits -= n;
  return <i32>(buf >> <u64>nbits) & ((1 << n) - 1);
}
