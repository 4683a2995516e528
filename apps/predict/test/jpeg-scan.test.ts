// The CLI's compiled JPEG scan decoding (src/wasm-jpeg-scan.ts) against the datasets library's
// JavaScript (image/jpeg-scan.ts), which it stands in for in the bundle: the same grid bits, the same
// end position and the same errors, on photos of several sizes, subsamplings and restart intervals,
// and on truncated and damaged data.
import { Random } from '@scratchnet/tensor';
import { describe, expect, it } from 'vitest';
import { decodeJpegLuminance, readJpegFrame } from '../../../packages/datasets/src/image/jpeg.js';
import {
  type Huffman,
  type ScanComponent,
  Truncated,
  buildHuffman,
  decodeScan as decodeScanJs,
} from '../../../packages/datasets/src/image/jpeg-scan.js';
import { decodeScan, decodeScanCompiled } from '../src/wasm-jpeg-scan.js';
import { RING, fixture, libraryFixture } from './jpeg-fixtures.js';
import { photo, toJpeg } from './photos.js';

/** The arguments of the first scan holding the luma, read from the headers as the library's DC path does. */
function lumaScan(bytes: Uint8Array) {
  const frame = readJpegFrame(bytes, 'test.jpg');
  const quant = new Map<number, number>();
  const dcTables = new Map<number, Huffman>();
  const acTables = new Map<number, Huffman>();
  let restartInterval = 0;
  const maxH = Math.max(...frame.components.map((c) => c.h));
  const maxV = Math.max(...frame.components.map((c) => c.v));
  const mcusX = Math.ceil(frame.width / (8 * maxH));
  const mcusY = Math.ceil(frame.height / (8 * maxV));
  const gridW = mcusX * frame.components[0].h;
  const gridH = mcusY * frame.components[0].v;
  for (let at = 2; at + 4 <= bytes.length; ) {
    const marker = bytes[at + 1];
    const end = at + 2 + ((bytes[at + 2] << 8) | bytes[at + 3]);
    const s = at + 4;
    if (marker === 0xdb) {
      for (let p = s; p < end; p += 1 + (bytes[p] >> 4 ? 128 : 64)) {
        quant.set(bytes[p] & 15, bytes[p] >> 4 ? (bytes[p + 1] << 8) | bytes[p + 2] : bytes[p + 1]);
      }
    } else if (marker === 0xc4) {
      for (let p = s; p < end; ) {
        const counts = bytes.subarray(p + 1, p + 17);
        const total = counts.reduce((a, b) => a + b, 0);
        (bytes[p] >> 4 ? acTables : dcTables).set(
          bytes[p] & 15,
          buildHuffman(counts, bytes.subarray(p + 17, p + 17 + total)),
        );
        p += 17 + total;
      }
    } else if (marker === 0xdd) restartInterval = (bytes[s] << 8) | bytes[s + 1];
    else if (marker === 0xda) {
      const scan: ScanComponent[] = [];
      for (let i = 0; i < bytes[s]; i++) {
        const sel = bytes[s + 2 + 2 * i];
        const index = frame.components.findIndex((c) => c.id === bytes[s + 1 + 2 * i]);
        scan.push({ index, dc: dcTables.get(sel >> 4) as Huffman, ac: acTables.get(sel & 15) as Huffman });
      }
      if (scan.some((c) => c.index === 0)) {
        const q = quant.get(frame.components[0].tq) as number;
        return { start: end, frame, scan, restartInterval, mcusX, mcusY, gridW, gridH, q };
      }
    }
    at = end;
  }
  throw new Error('no luma scan');
}

type Outcome = { end: number; grid: number[] } | { error: string };

/** What a decodeScan does with `bytes` given the arguments `args`: its result and grid, or its error. */
function run(decode: typeof decodeScanJs, bytes: Uint8Array, args: ReturnType<typeof lumaScan>): Outcome {
  const grid = new Float32Array(args.gridW * args.gridH);
  try {
    const { start, frame, scan, restartInterval, mcusX, mcusY, gridW, q } = args;
    const end = decode(bytes, start, frame, scan, restartInterval, mcusX, mcusY, grid, gridW, q);
    return { end, grid: Array.from(new Uint32Array(grid.buffer)) };
  } catch (e) {
    return { error: `${e instanceof Truncated ? 'Truncated' : 'Error'}: ${(e as Error).message}` };
  }
}

/** The kernel's own outcome class (no fallback): 'ok', 'truncated', 'invalid', or 'unsupported'. */
function compiledKind(bytes: Uint8Array, args: ReturnType<typeof lumaScan>): string {
  const { start, frame, scan, restartInterval, mcusX, mcusY, gridW, gridH, q } = args;
  const grid = new Float32Array(gridW * gridH);
  const r = decodeScanCompiled(bytes, start, frame, scan, restartInterval, mcusX, mcusY, grid, gridW, q);
  expect(r, 'the kernel runs').not.toBeNull();
  return (r as number) >= 0 ? 'ok' : ['', 'truncated', 'invalid', 'unsupported'][-(r as number)];
}

/** Photos: cjpeg's subsamplings and restart intervals, the library's fixtures, jpeg-js's at several sizes. */
function photos(): [string, Uint8Array][] {
  const out: [string, Uint8Array][] = [
    'jpeg-420-restart5.jpg',
    'jpeg-422-restart1.jpg',
    'jpeg-gray-restart7.jpg',
    'jpeg-411-optimized.jpg',
    'jpeg-440-restart-rows.jpg',
    'jpeg-420-separate-scans.jpg',
  ].map((n) => [n, fixture(n)]);
  for (const n of ['gray-restart.jpg', 'ycc420-restart.jpg', 'ycc422.jpg', 'ycc444-optimized.jpg']) {
    out.push([n, libraryFixture(n)]);
  }
  const rng = new Random(11);
  for (const [w, h, quality] of [
    [8, 8, 90],
    [37, 23, 50],
    [200, 150, 95],
    [641, 479, 75],
  ]) {
    out.push([`jpeg-js ${w}×${h} q${quality}`, toJpeg(photo(RING, 'shadow', rng, w, h), quality)]);
  }
  return out;
}

describe('compiled JPEG scan decoding', () => {
  const all = photos();

  it('reads the luma scan of every photo as the library’s DC path does', () => {
    for (const [name, bytes] of all) {
      const args = lumaScan(bytes);
      const js = run(decodeScanJs, bytes, args);
      // The test's header reading matches the library's: its DC path gives the same luminance.
      const dc = decodeJpegLuminance(bytes, name, 1e9, 0);
      const grid = new Float32Array(
        (js as { grid: number[] }).grid.map((u) => new Float32Array(new Uint32Array([u]).buffer)[0]),
      );
      for (let y = 0; y < dc.height; y++) {
        for (let x = 0; x < dc.width; x++) expect(dc.lum[y * dc.width + x]).toBe(grid[y * args.gridW + x]);
      }
      expect(compiledKind(bytes, args), name).toBe('ok');
      expect(run(decodeScan, bytes, args), name).toEqual(js);
    }
  });

  it('gives the library’s grid, end and error on truncated data', () => {
    for (const [name, bytes] of all) {
      const args = lumaScan(bytes);
      const scanBytes = bytes.length - args.start;
      for (const keep of [
        0,
        1,
        2,
        3,
        5,
        8,
        13,
        64,
        scanBytes >> 2,
        scanBytes >> 1,
        scanBytes - 3,
        scanBytes - 2,
      ]) {
        if (keep < 0 || keep > scanBytes) continue;
        const cut = bytes.slice(0, args.start + keep);
        const js = run(decodeScanJs, cut, args);
        expect(run(decodeScan, cut, args), `${name} cut after ${keep}`).toEqual(js);
        const kind = compiledKind(cut, args);
        if ('error' in js)
          expect(kind, `${name} cut after ${keep}`).toBe(
            js.error.startsWith('Truncated') ? 'truncated' : 'invalid',
          );
        else expect(['ok', 'unsupported']).toContain(kind);
      }
    }
  });

  it('gives the library’s grid, end and error on damaged data', () => {
    const rng = new Random(7);
    const kinds = new Map<string, number>();
    for (const [name, bytes] of all) {
      const args = lumaScan(bytes);
      const scanBytes = bytes.length - args.start;
      for (let trial = 0; trial < 24; trial++) {
        const bad = bytes.slice();
        const hits = 1 + rng.int(3);
        for (let i = 0; i < hits; i++) {
          const at = args.start + rng.int(scanBytes);
          // A random byte, a stray marker, a stuffed 0xFF or a restart marker out of place.
          const what = rng.int(4);
          if (what === 0) bad[at] = rng.int(256);
          else if (what === 1 && at + 1 < bad.length) bad.set([0xff, 0xc0 + rng.int(63)], at);
          else if (what === 2 && at + 1 < bad.length) bad.set([0xff, 0], at);
          else if (at + 1 < bad.length) bad.set([0xff, 0xd0 + rng.int(8)], at);
        }
        const js = run(decodeScanJs, bad, args);
        expect(run(decodeScan, bad, args), `${name} trial ${trial}`).toEqual(js);
        const kind = compiledKind(bad, args);
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
        if ('error' in js) {
          expect(kind).toBe(js.error.startsWith('Truncated') ? 'truncated' : 'invalid');
        } else expect(['ok', 'unsupported']).toContain(kind);
      }
    }
    // The damage reaches the kernel's every outcome.
    expect(kinds.get('ok')).toBeGreaterThan(0);
    expect(kinds.get('invalid')).toBeGreaterThan(0);
  });

  it('falls back to the library on a table whose codes outrun its symbols', () => {
    const [, bytes] = all[0];
    const args = lumaScan(bytes);
    // Counts promising more codes than there are symbols: the library reads `undefined` as a symbol.
    const counts = new Uint8Array(16);
    counts[0] = 1; // 0: end of block
    counts[1] = 2; // 10: one coefficient of one bit; 11: past the symbols
    const short = buildHuffman(counts, new Uint8Array([0, 1]));
    const odd = { ...args, scan: args.scan.map((c) => ({ ...c, ac: short })) };
    expect(compiledKind(bytes, odd)).toBe('unsupported');
    expect(run(decodeScan, bytes, odd)).toEqual(run(decodeScanJs, bytes, odd));
  });
});
