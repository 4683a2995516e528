/**
 * Seeded random numbers whose stream is identical on every platform, so a training run is
 * reproducible from its seed.
 *
 * Generator: xoshiro128** 1.1 (Blackman & Vigna, 2018): 128 bits of state, period 2^128 − 1, all
 * arithmetic in 32-bit integers (`Math.imul`, shifts), which JavaScript defines exactly. The state is
 * seeded from a 32-bit seed with SplitMix32. Normal draws use Marsaglia's polar method, which needs
 * only `Math.log` and `Math.sqrt`; the second value of each pair is kept, and is part of the state.
 */

/** The complete state of a {@link Random}: `[s0, s1, s2, s3, hasSpare (0|1), spare]`. JSON-safe. */
export type RandomState = readonly [number, number, number, number, number, number];

const TWO_POW_32 = 4294967296;

function splitmix32(state: { x: number }): number {
  state.x = (state.x + 0x9e3779b9) | 0;
  let z = state.x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * A seeded xoshiro128** generator with uniform, normal and integer draws.
 *
 * @example
 * ```ts
 * const rng = new Random(42);
 * rng.uniform();      // in [0, 1)
 * rng.normal(0, 1);   // standard normal
 * rng.int(10);        // integer in [0, 10)
 * ```
 */
export class Random {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private hasSpare = 0;
  private spare = 0;

  /** Seeds the generator from one or more integers (mixed with SplitMix32). */
  constructor(seed = 0, ...streams: number[]) {
    const mix = { x: seed | 0 };
    for (const s of streams) mix.x = (splitmix32(mix) ^ (s | 0)) | 0;
    this.s0 = splitmix32(mix);
    this.s1 = splitmix32(mix);
    this.s2 = splitmix32(mix);
    this.s3 = splitmix32(mix);
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // the all-zero state is a fixed point
  }

  /** A generator restored from {@link Random.getState}. */
  static fromState(state: RandomState): Random {
    const r = new Random(0);
    r.setState(state);
    return r;
  }

  /** Next raw 32-bit output, as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9);
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result >>> 0;
  }

  /** Uniform in `[low, high)`; 32 bits of resolution. */
  uniform(low = 0, high = 1): number {
    return low + (high - low) * (this.nextUint32() / TWO_POW_32);
  }

  /** Normal with the given mean and standard deviation (Marsaglia polar method). */
  normal(mean = 0, std = 1): number {
    if (this.hasSpare) {
      this.hasSpare = 0;
      return mean + std * this.spare;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = this.uniform(-1, 1);
      v = this.uniform(-1, 1);
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * f;
    this.hasSpare = 1;
    return mean + std * u * f;
  }

  /** Uniform integer in `[0, n)`, unbiased (rejection sampling), for 1 ≤ n ≤ 2^32. */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32)
      throw new RangeError(`Random.int: n must be an integer in [1, 2^32], got ${n}`);
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    let x: number;
    do x = this.nextUint32();
    while (x >= limit);
    return x % n;
  }

  /** Shuffles `array` in place (Fisher–Yates) and returns it. */
  shuffle<T extends { length: number; [i: number]: unknown }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }

  /** Fills `out` with uniform draws in `[low, high)`. */
  fillUniform(out: Float32Array, low = 0, high = 1): Float32Array {
    for (let i = 0; i < out.length; i++) out[i] = this.uniform(low, high);
    return out;
  }

  /** Fills `out` with normal draws. */
  fillNormal(out: Float32Array, mean = 0, std = 1): Float32Array {
    for (let i = 0; i < out.length; i++) out[i] = this.normal(mean, std);
    return out;
  }

  /** The full state, to save in a checkpoint. */
  getState(): RandomState {
    return [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0, this.hasSpare, this.spare];
  }

  /** Restores a state from {@link Random.getState}; the stream continues exactly. */
  setState(state: RandomState): void {
    if (
      !Array.isArray(state) ||
      state.length !== 6 ||
      !state.every((v) => typeof v === 'number' && Number.isFinite(v))
    ) {
      throw new TypeError('Random.setState: expected [s0, s1, s2, s3, hasSpare, spare]');
    }
    [this.s0, this.s1, this.s2, this.s3] = [state[0] | 0, state[1] | 0, state[2] | 0, state[3] | 0];
    this.hasSpare = state[4] ? 1 : 0;
    this.spare = state[5];
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
