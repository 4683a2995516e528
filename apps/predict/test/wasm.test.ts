// The CLI's compiled preprocessing kernels (src/wasm-*.ts) against the datasets library's JavaScript,
// which they stand in for in the bundle: the same bits on random pictures with ties, zeros and -0.
import { describe, expect, it } from 'vitest';
import { extremeFilter as extremeFilterJs } from '../../../packages/datasets/src/image/preprocess/extreme.js';
import { extremeFilter } from '../src/wasm-extreme.js';

/** A w×h picture of a few grey levels (many ties), zeros and negative zeros, from a fixed seed. */
function picture(w: number, h: number, seed: number): Float32Array {
  const out = new Float32Array(w * h);
  let s = seed >>> 0;
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const k = s >>> 24;
    out[i] = k < 40 ? 0 : k < 60 ? -0 : k < 120 ? (k % 5) / 4 : (k * 7919) / 65536;
  }
  return out;
}

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe('compiled running extremes', () => {
  it('give the bits of the library’s extremeFilter, every size, radius and sign', () => {
    const cases: [number, number, number][] = [
      [1, 1, 0],
      [1, 7, 2],
      [9, 1, 3],
      [13, 11, 0],
      [13, 11, 1],
      [40, 30, 4],
      [37, 53, 9],
      [20, 20, 25],
      [180, 160, 10],
    ];
    for (const [w, h, r] of cases) {
      for (const sign of [1, -1] as const) {
        const src = picture(w, h, w * 1000 + h * 10 + r);
        const got = extremeFilter(src, w, h, r, sign);
        expect(got).toHaveLength(w * h);
        expect(bits(got), `${w}×${h} r=${r} sign=${sign}`).toEqual(bits(extremeFilterJs(src, w, h, r, sign)));
      }
    }
  });

  it('leaves its input alone and grows its memory for a large picture', () => {
    const src = picture(400, 300, 3);
    const copy = src.slice();
    const got = extremeFilter(src, 400, 300, 6, 1);
    expect(bits(src)).toEqual(bits(copy));
    expect(bits(got)).toEqual(bits(extremeFilterJs(src, 400, 300, 6, 1)));
  });
});
