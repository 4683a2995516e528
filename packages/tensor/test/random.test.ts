import { describe, expect, it } from 'vitest';
import { Random } from '../src/random.js';

// Reference values from an independent Python implementation of SplitMix32 seeding + xoshiro128** 1.1
// (arbitrary-precision integers masked to 32 bits), written from Blackman & Vigna's reference code.
const reference: [number[], number[]][] = [
  [[0], [3809008728, 1133695204, 53579671, 2891528803, 139681546, 2203266335]],
  [[42], [2837322924, 544945897, 479756282, 3500138142, 339756180, 113173290]],
  [[-1], [835879718, 1921286648, 2356205009, 1885780724, 980451116, 1053911718]],
  [
    [7, 3],
    [4240382633, 1328398268, 1629831006, 1000933930, 2173752018, 2930224456],
  ],
];

describe('Random (xoshiro128**)', () => {
  for (const [seed, values] of reference) {
    it(`matches the reference stream for seed ${seed.join(', ')}`, () => {
      const [s, ...streams] = seed;
      const r = new Random(s, ...streams);
      expect(Array.from({ length: values.length }, () => r.nextUint32())).toEqual(values);
    });
  }

  it('uniform is the raw output / 2^32, and normal is Marsaglia polar on uniform(-1, 1)', () => {
    const r = new Random(42);
    expect(r.uniform()).toBe(0.6606157226487994);
    expect(r.uniform()).toBe(0.12688010395504534);
    expect(r.uniform(10, 20)).toBeCloseTo(10 + 10 * 0.11170196393504739, 12);
    const n = new Random(1);
    const draws = [n.normal(), n.normal(), n.normal(), n.normal()];
    const expected = [0.4180795028522185, 1.547422279778393, 0.9990483183766538, -0.025604013363050217];
    for (let i = 0; i < 4; i++) expect(draws[i]).toBeCloseTo(expected[i], 12);
    expect(new Random(1).normal(5, 2)).toBeCloseTo(5 + 2 * expected[0], 12);
  });

  it('saves and restores its complete state, including the spare normal', () => {
    const r = new Random(123);
    r.normal(); // leaves a spare
    const state = r.getState();
    expect(state[4]).toBe(1);
    const a = [r.normal(), r.uniform(), r.nextUint32(), r.int(1000)];
    const restored = Random.fromState(JSON.parse(JSON.stringify(state)));
    expect([restored.normal(), restored.uniform(), restored.nextUint32(), restored.int(1000)]).toEqual(a);
    expect(() =>
      r.setState([1, 2, 3] as unknown as [number, number, number, number, number, number]),
    ).toThrow(/expected \[s0, s1, s2, s3, hasSpare, spare\]/);
  });

  it('seeds differently for different seeds and streams', () => {
    expect(new Random(1).nextUint32()).not.toBe(new Random(2).nextUint32());
    expect(new Random(1, 0).nextUint32()).not.toBe(new Random(1, 1).nextUint32());
  });

  it('int(n) is in range and unbiased (chi-squared over 6 and 7 buckets)', () => {
    const r = new Random(2024);
    for (const n of [6, 7]) {
      const counts = new Array<number>(n).fill(0);
      const draws = 60_000;
      let outside = 0;
      for (let i = 0; i < draws; i++) {
        const v = r.int(n);
        if (Number.isInteger(v) && v >= 0 && v < n) counts[v]++;
        else outside++;
      }
      expect(outside).toBe(0);
      const e = draws / n;
      const chi2 = counts.reduce((s, c) => s + (c - e) ** 2 / e, 0);
      // 99.9th percentile of chi-squared with 5 / 6 degrees of freedom is 20.5 / 22.5.
      expect(chi2).toBeLessThan(22.5);
    }
    // A huge n, where naive modulo would be visibly biased: 3·2^30 makes x % n favour the low third.
    const n = 3 * 2 ** 30;
    let low = 0;
    for (let i = 0; i < 30_000; i++) if (r.int(n) < 2 ** 30) low++;
    expect(low / 30_000).toBeGreaterThan(0.31);
    expect(low / 30_000).toBeLessThan(0.357);
    expect(() => r.int(0)).toThrow(RangeError);
    expect(() => r.int(1.5)).toThrow(/n must be an integer/);
    expect(r.int(1)).toBe(0);
  });

  it('shuffles as a permutation, reproducibly', () => {
    const a = new Random(5).shuffle([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const b = new Random(5).shuffle([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(a).toEqual(b);
    expect([...a].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(a).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('normal draws have mean 0 and variance 1', () => {
    const r = new Random(9);
    let s = 0;
    let ss = 0;
    const n = 50_000;
    for (let i = 0; i < n; i++) {
      const v = r.normal();
      s += v;
      ss += v * v;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.02);
    expect(Math.abs(ss / n - 1)).toBeLessThan(0.03);
  });
});
