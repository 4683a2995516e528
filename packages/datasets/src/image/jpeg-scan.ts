/**
 * The JPEG DC path's hot loop (image/jpeg.ts): Huffman decoding of one sequential scan, keeping each
 * luma block's DC value. Its own module so that a bundle can put a compiled copy in its place.
 */

/** A huffman table in the form of ITU T.81 F.2.2.3: smallest/largest code and symbol index per length. */
export interface Huffman {
  maxCode: Int32Array;
  valPtr: Int32Array;
  minCode: Int32Array;
  values: Uint8Array;
}

/** The table of `counts` (codes of each length 1–16) and their `values`. */
export function buildHuffman(counts: Uint8Array, values: Uint8Array): Huffman {
  const maxCode = new Int32Array(18).fill(-1);
  const minCode = new Int32Array(17);
  const valPtr = new Int32Array(17);
  let code = 0;
  let k = 0;
  for (let len = 1; len <= 16; len++) {
    const n = counts[len - 1];
    if (n > 0) {
      valPtr[len] = k;
      minCode[len] = code;
      code += n;
      k += n;
      maxCode[len] = code - 1;
    }
    code <<= 1;
  }
  maxCode[17] = 0x7fffffff;
  return { maxCode, valPtr, minCode, values };
}

/** What the scan needs of the frame header: its size and each component's sampling factors. */
export interface ScanFrame {
  width: number;
  height: number;
  components: readonly { h: number; v: number }[];
}

/** One component of a scan: its index in the frame and its DC and AC tables. */
export interface ScanComponent {
  index: number;
  dc: Huffman;
  ac: Huffman;
}

/** The entropy-coded data ended before the last block. */
export class Truncated extends Error {}

/**
 * The scan's grid of MCUs, `blocksX`×`blocksY`: the frame's MCUs, except for a one-component scan,
 * which is not interleaved, whose blocks cover that component's own extent.
 */
export function scanBlocks(
  frame: ScanFrame,
  scan: readonly ScanComponent[],
  mcusX: number,
  mcusY: number,
): { blocksX: number; blocksY: number } {
  if (scan.length !== 1) return { blocksX: mcusX, blocksY: mcusY };
  const c0 = frame.components[scan[0].index];
  const maxH = Math.max(...frame.components.map((c) => c.h));
  const maxV = Math.max(...frame.components.map((c) => c.v));
  return {
    blocksX: Math.ceil(Math.ceil((frame.width * c0.h) / maxH) / 8),
    blocksY: Math.ceil(Math.ceil((frame.height * c0.v) / maxV) / 8),
  };
}

/** A bit reader over entropy-coded data, undoing 0xFF00 stuffing and stopping at markers. */
class Bits {
  at: number;
  private acc = 0;
  private count = 0;
  /** A marker (or the end of the data) was reached: further bits are zeros. */
  hitMarker = false;
  constructor(
    private readonly bytes: Uint8Array,
    start: number,
  ) {
    this.at = start;
  }
  bit(): number {
    if (this.count === 0) {
      let byte = 0;
      if (this.at >= this.bytes.length) this.hitMarker = true;
      else {
        byte = this.bytes[this.at];
        if (byte === 0xff) {
          const next = this.bytes[this.at + 1];
          if (next === 0) this.at += 2;
          else {
            this.hitMarker = true;
            byte = 0;
          }
        } else this.at++;
      }
      this.acc = byte;
      this.count = 8;
    }
    this.count--;
    return (this.acc >> this.count) & 1;
  }
  receive(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) v = (v << 1) | this.bit();
    return v;
  }
  decode(t: Huffman): number {
    let code = this.bit();
    let len = 1;
    while (code > t.maxCode[len]) {
      code = (code << 1) | this.bit();
      len++;
      if (len > 16) throw new Error('bad huffman code');
    }
    return t.values[t.valPtr[len] + code - t.minCode[len]];
  }
  /** The data ran out (not a marker): the file is cut short. */
  get ended(): boolean {
    return this.hitMarker && this.at >= this.bytes.length;
  }
  /** Drops buffered bits and steps over an RSTn marker. */
  restart(): void {
    this.count = 0;
    this.hitMarker = false;
    if (this.bytes[this.at] === 0xff && this.bytes[this.at + 1] >= 0xd0 && this.bytes[this.at + 1] <= 0xd7) {
      this.at += 2;
    }
  }
}

function extend(v: number, t: number): number {
  return v < 1 << (t - 1) ? v - (1 << t) + 1 : v;
}

/**
 * Huffman-decodes one sequential scan whose entropy-coded data starts at byte `start`, keeping the
 * luma blocks' DC values as luminance in [0, 1] in `grid` (`gridW` blocks a row; DC·q/8 + 128 is
 * the block's mean sample; in YCbCr the luma is the Rec. 601 luminance). Returns the byte after the
 * last one read.
 *
 * @throws {Truncated} when the data ends before the last block; an Error on invalid codes.
 */
export function decodeScan(
  bytes: Uint8Array,
  start: number,
  frame: ScanFrame,
  scan: readonly ScanComponent[],
  restartInterval: number,
  mcusX: number,
  mcusY: number,
  grid: Float32Array,
  gridW: number,
  q: number,
): number {
  const bits = new Bits(bytes, start);
  const preds = new Int32Array(scan.length);
  const single = scan.length === 1;
  const { blocksX, blocksY } = scanBlocks(frame, scan, mcusX, mcusY);
  const total = blocksX * blocksY;
  const block = (k: number, bx: number, by: number): void => {
    const { dc, ac, index } = scan[k];
    const t = bits.decode(dc);
    if (t > 16) throw new Error('bad DC size');
    preds[k] += t === 0 ? 0 : extend(bits.receive(t), t);
    for (let i = 1; i < 64; ) {
      const rs = bits.decode(ac);
      const size = rs & 15;
      const run = rs >> 4;
      if (size === 0) {
        if (run !== 15) break;
        i += 16;
        continue;
      }
      i += run + 1;
      bits.receive(size);
    }
    if (index === 0 && bx < gridW) {
      const v = (preds[k] * q) / 8 + 128;
      grid[by * gridW + bx] = Math.max(0, Math.min(255, v)) / 255;
    }
  };
  for (let m = 0; m < total; m++) {
    if (restartInterval > 0 && m > 0 && m % restartInterval === 0) {
      bits.restart();
      preds.fill(0);
    }
    const mx = m % blocksX;
    const my = Math.floor(m / blocksX);
    if (single) block(0, mx, my);
    else {
      for (let k = 0; k < scan.length; k++) {
        const c = frame.components[scan[k].index];
        for (let v = 0; v < c.v; v++) for (let h = 0; h < c.h; h++) block(k, mx * c.h + h, my * c.v + v);
      }
    }
    if (bits.ended) throw new Truncated();
  }
  return bits.at;
}
