import { describe, expect, it } from 'vitest';
import { rgbaToGray } from '../src/lib/gray.js';

describe('rgbaToGray', () => {
  it('takes Rec. 601 luma of opaque pixels', () => {
    // red, green, blue, white
    const g = rgbaToGray(2, 2, [255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 255, 255, 255, 255]);
    expect(g.width).toBe(2);
    expect(g.height).toBe(2);
    expect(Array.from(g.data)).toEqual([0.299, 0.587, 0.114, 1].map((v) => expect.closeTo(v, 6)));
  });

  it('composites dark ink on a transparent canvas onto white paper', () => {
    // opaque black ink, fully transparent, half-transparent black
    const g = rgbaToGray(3, 1, [0, 0, 0, 255, 0, 0, 0, 0, 0, 0, 0, 51]);
    expect(g.data[0]).toBeCloseTo(0, 6);
    expect(g.data[1]).toBeCloseTo(1, 6);
    expect(g.data[2]).toBeCloseTo(0.8, 6); // 0.2·0 + 0.8·1
  });

  it('composites light ink onto black paper', () => {
    const g = rgbaToGray(2, 1, [255, 255, 255, 255, 10, 10, 10, 0]);
    expect(g.data[0]).toBeCloseTo(1, 6);
    expect(g.data[1]).toBeCloseTo(0, 6);
  });

  it('rejects a buffer too short for the size', () => {
    expect(() => rgbaToGray(2, 2, new Uint8Array(12))).toThrow('12 bytes for 2×2 RGBA (needs 16)');
    expect(() => rgbaToGray(0, 5, [])).toThrow('no pixels');
  });
});
