// A zlib stream inflated (RFC 1950/1951: stored, fixed and dynamic Huffman blocks) for the PNG
// decoder, so that a PNG run never loads Node's zlib (and its twenty stream modules). It accepts only
// what zlib accepts (header check, complete codes, distances within the output, the Adler-32 check)
// and returns -1 on anything else, or when the output would pass its cap: the caller then runs the
// datasets library's inflater, whose errors and limits the CLI reports. Pointers are byte offsets
// laid out by the caller; `work` holds the code tables (INFLATE_WORK_BYTES).

/** Bytes of the work area: three code tables, then the code lengths. */
export const INFLATE_WORK_BYTES: i32 = 5376;

// One code table: counts of each length u16[16], symbols by code u16[288], then a table of the
// codes up to FAST_BITS long, indexed by the next FAST_BITS input bits: symbol << 4 | length (0: longer).
const COUNT: usize = 0;
const SYMBOL: usize = 32;
const FAST: usize = 608;
const TABLE_BYTES: usize = 1632;
const FAST_BITS: u32 = 9;
const LENS: usize = 3 * TABLE_BYTES; // u8[320]: literal/length then distance code lengths
const OFFS: usize = LENS + 320; // u16[16] scratch

// The input: bytes [pos, end) not yet in the bit buffer; bits are taken from the low end.
let pos: usize = 0;
let end: usize = 0;
let bits: u64 = 0;
let count: u32 = 0;

/** At least 57 bits in the buffer (zero bytes past the end; `consumedPastEnd` tells). */
function refill(): void {
  while (count <= 56) {
    const b: u64 = pos < end ? <u64>load<u8>(pos) : 0;
    pos++;
    bits |= b << count;
    count += 8;
  }
}

function take(n: u32): u32 {
  refill();
  const v = <u32>(bits & (((<u64>1) << n) - 1));
  bits >>= n;
  count -= n;
  return v;
}

/** Whether more bits were taken than the input holds. */
function consumedPastEnd(): bool {
  return pos > end && <u64>(pos - end) * 8 > <u64>count;
}

/**
 * Builds the table at `t` from `n` code lengths at `lens`; false for an over-subscribed set, or an
 * incomplete one where zlib refuses it (always for the code-length code, else unless it is a single
 * code of length 1).
 */
function build(t: usize, lens: usize, n: i32, codeLengths: bool): bool {
  memory.fill(t + COUNT, 0, 32);
  for (let i = 0; i < n; i++) {
    const at = t + COUNT + ((<usize>load<u8>(lens + <usize>i)) << 1);
    store<u16>(at, load<u16>(at) + 1);
  }
  let max = 0;
  let left: i32 = 1;
  for (let len = 1; len <= 15; len++) {
    const c = <i32>load<u16>(t + COUNT + ((<usize>len) << 1));
    if (c !== 0) max = len;
    left = (left << 1) - c;
    if (left < 0) return false;
  }
  if (max === 0) {
    memory.fill(t + FAST, 0, 2 << FAST_BITS);
    return !codeLengths;
  }
  if (left > 0 && (codeLengths || max !== 1)) return false;
  store<u16>(OFFS_BASE + 2, 0);
  for (let len = 1; len < 15; len++) {
    store<u16>(
      OFFS_BASE + ((<usize>len + 1) << 1),
      load<u16>(OFFS_BASE + ((<usize>len) << 1)) + load<u16>(t + COUNT + ((<usize>len) << 1)),
    );
  }
  for (let s = 0; s < n; s++) {
    const len = <usize>load<u8>(lens + <usize>s);
    if (len === 0) continue;
    const o = load<u16>(OFFS_BASE + (len << 1));
    store<u16>(t + SYMBOL + ((<usize>o) << 1), <u16>s);
    store<u16>(OFFS_BASE + (len << 1), o + 1);
  }
  // Canonical codes in symbol-table order; the short ones also go to the fast table, bit-reversed.
  memory.fill(t + FAST, 0, 2 << FAST_BITS);
  let code: u32 = 0;
  let index: u32 = 0;
  for (let len: u32 = 1; len <= FAST_BITS; len++) {
    const c = <u32>load<u16>(t + COUNT + ((<usize>len) << 1));
    for (let j: u32 = 0; j < c; j++) {
      let r: u32 = 0;
      for (let b: u32 = 0; b < len; b++) r |= ((code >> b) & 1) << (len - 1 - b);
      const entry = <u16>(((<u32>load<u16>(t + SYMBOL + ((<usize>index) << 1))) << 4) | len);
      for (let k = r; k < (<u32>1) << FAST_BITS; k += (<u32>1) << len)
        store<u16>(t + FAST + ((<usize>k) << 1), entry);
      code++;
      index++;
    }
    code <<= 1;
  }
  return true;
}

let OFFS_BASE: usize = 0;

/** The next symbol of code `t`, or -1 for a code the table does not assign. */
function decode(t: usize): i32 {
  refill();
  const e = <u32>load<u16>(t + FAST + ((<usize>(<u32>bits & ((1 << FAST_BITS) - 1))) << 1));
  if (e !== 0) {
    const len = e & 15;
    bits >>= len;
    count -= len;
    return <i32>(e >> 4);
  }
  let code: i32 = 0;
  let first: i32 = 0;
  let index: i32 = 0;
  for (let len = 1; len <= 15; len++) {
    code |= <i32>(bits & 1);
    bits >>= 1;
    count--;
    const c = <i32>load<u16>(t + COUNT + ((<usize>len) << 1));
    if (code - first < c) return <i32>load<u16>(t + SYMBOL + ((<usize>(index + code - first)) << 1));
    index += c;
    first = (first + c) << 1;
    code <<= 1;
  }
  return -1;
}

/** Position of the i-th code-length code length in the header's order. */
function lengthOrder(i: i32): usize {
  switch (i) {
    case 0:
      return 16;
    case 1:
      return 17;
    case 2:
      return 18;
    case 3:
      return 0;
    default: {
      // 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15
      const j = i - 4;
      return <usize>((j & 1) === 0 ? 8 + (j >> 1) : 7 - (j >> 1));
    }
  }
}

/** Reads a dynamic block's code lengths and builds its two tables; false when they are invalid. */
function dynamicTables(work: usize): bool {
  const nlen = <i32>take(5) + 257;
  const ndist = <i32>take(5) + 1;
  const ncode = <i32>take(4) + 4;
  if (nlen > 286 || ndist > 30) return false;
  const lens = work + LENS;
  memory.fill(lens, 0, 19);
  for (let i = 0; i < ncode; i++) store<u8>(lens + lengthOrder(i), <u8>take(3));
  const cl = work + 2 * TABLE_BYTES;
  if (!build(cl, lens, 19, true)) return false;
  const total = nlen + ndist;
  for (let i = 0; i < total; ) {
    const sym = decode(cl);
    if (sym < 0) return false;
    if (sym < 16) {
      store<u8>(lens + <usize>i, <u8>sym);
      i++;
      continue;
    }
    let value: u8 = 0;
    let repeat: i32;
    if (sym === 16) {
      if (i === 0) return false;
      value = load<u8>(lens + <usize>(i - 1));
      repeat = 3 + <i32>take(2);
    } else if (sym === 17) {
      repeat = 3 + <i32>take(3);
    } else {
      repeat = 11 + <i32>take(7);
    }
    if (i + repeat > total) return false;
    memory.fill(lens + <usize>i, value, <usize>repeat);
    i += repeat;
  }
  if (load<u8>(lens + 256) === 0) return false; // no end-of-block code
  if (!build(work, lens, nlen, false)) return false;
  // The distance lengths, moved to the start of LENS for build().
  memory.copy(lens, lens + <usize>nlen, <usize>ndist);
  return build(work + TABLE_BYTES, lens, ndist, false);
}

/** The fixed codes of RFC 1951 3.2.6. */
function fixedTables(work: usize): void {
  const lens = work + LENS;
  memory.fill(lens, 8, 144);
  memory.fill(lens + 144, 9, 112);
  memory.fill(lens + 256, 7, 24);
  memory.fill(lens + 280, 8, 8);
  build(work, lens, 288, false);
  memory.fill(lens, 5, 32);
  build(work + TABLE_BYTES, lens, 32, false);
}

/** Decodes one Huffman block's symbols to `out`; the new end of output, or 0 on an error. */
function codes(work: usize, dst: usize, out: usize, limit: usize): usize {
  const dist = work + TABLE_BYTES;
  while (true) {
    const sym = decode(work);
    if (sym < 0) return 0;
    if (sym < 256) {
      if (out >= limit) return 0;
      store<u8>(out, <u8>sym);
      out++;
      continue;
    }
    if (sym === 256) return out;
    const i = sym - 257;
    if (i >= 29) return 0;
    let length: u32;
    if (i < 8) length = 3 + <u32>i;
    else if (i === 28) length = 258;
    else {
      const extra = <u32>((i - 4) >> 2);
      length = ((4 + (<u32>i & 3)) << extra) + 3 + take(extra);
    }
    const d = decode(dist);
    if (d < 0 || d >= 30) return 0;
    let distance: u32;
    if (d < 4) distance = 1 + <u32>d;
    else {
      const extra = <u32>((d >> 1) - 1);
      distance = ((2 + (<u32>d & 1)) << extra) + 1 + take(extra);
    }
    if (<usize>distance > out - dst || <usize>length > limit - out) return 0;
    // Byte by byte: the copy may overlap its own output (a run).
    const from = out - <usize>distance;
    for (let k: usize = 0; k < <usize>length; k++) store<u8>(out + k, load<u8>(from + k));
    out += <usize>length;
  }
}

/** Adler-32 of `n` bytes at `p`. */
function adler32(p: usize, n: usize): u32 {
  let a: u32 = 1;
  let b: u32 = 0;
  while (n > 0) {
    const run = n < 5552 ? n : 5552;
    for (let i: usize = 0; i < run; i++) {
      a += <u32>load<u8>(p + i);
      b += a;
    }
    a %= 65521;
    b %= 65521;
    p += run;
    n -= run;
  }
  return (b << 16) | a;
}

/**
 * Inflates the zlib stream of `srcLen` bytes at `src` to `dst`, at most `cap` bytes; returns the
 * number of bytes written, or -1 when the stream is not one zlib accepts or inflates past `cap`.
 */
export function inflateZlib(src: usize, srcLen: i32, dst: usize, cap: i32, work: usize): i32 {
  if (srcLen < 2) return -1;
  const cmf = <u32>load<u8>(src);
  const flg = <u32>load<u8>(src + 1);
  if ((cmf & 15) !== 8 || cmf >> 4 > 7 || (flg & 0x20) !== 0 || ((cmf << 8) | flg) % 31 !== 0) return -1;
  OFFS_BASE = work + OFFS;
  pos = src + 2;
  end = src + <usize>srcLen;
  bits = 0;
  count = 0;
  const limit = dst + <usize>cap;
  let out = dst;
  let last: u32 = 0;
  while (last === 0) {
    last = take(1);
    const type = take(2);
    if (type === 0) {
      // Stored: the rest of this byte skipped, LEN and its complement, LEN bytes.
      take(count & 7);
      const len = take(16);
      if ((take(16) ^ 0xffff) !== len) return -1;
      const at = pos - <usize>(count >> 3);
      bits = 0;
      count = 0;
      if (at > end || <usize>len > end - at || <usize>len > limit - out) return -1;
      memory.copy(out, at, <usize>len);
      out += <usize>len;
      pos = at + <usize>len;
    } else if (type === 1 || type === 2) {
      if (type === 1) fixedTables(work);
      else if (!dynamicTables(work)) return -1;
      if (consumedPastEnd()) return -1;
      const next = codes(work, dst, out, limit);
      if (next === 0) return -1;
      out = next;
    } else {
      return -1;
    }
    if (consumedPastEnd()) return -1;
  }
  take(count & 7);
  const check = (take(8) << 24) | (take(8) << 16) | (take(8) << 8) | take(8);
  if (consumedPastEnd()) return -1;
  if (check !== adler32(dst, out - dst)) return -1;
  return <i32>(out - dst);
}
