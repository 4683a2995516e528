/**
 * Jump-ahead for the xoshiro128** generator of {@link Random}: its state transition is linear over
 * GF(2), so L steps are one 128×128 bit matrix, the one-step matrix to the power L (repeated squaring).
 * The wasm backend starts each thread's share of a Bernoulli mask at the state the sequential draws
 * reach there, so the mask is the sequential one at any thread count.
 */

/** A 128×128 bit matrix: 128 columns of 4 words; column j is the image of state bit j (word j >> 5). */
type BitMatrix = Uint32Array;

/** One xoshiro128** state transition in place on [s0, s1, s2, s3] (as in `Random.nextUint32`). */
function step(s: Uint32Array): void {
  const t = s[1] << 9;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = (s[3] << 11) | (s[3] >>> 21);
}

/** out ← m·v (v: 4 words; out must not be v). */
function apply(m: BitMatrix, v: ArrayLike<number>, out: Uint32Array, at = 0): void {
  let o0 = 0;
  let o1 = 0;
  let o2 = 0;
  let o3 = 0;
  for (let j = 0; j < 128; j++) {
    if (((v[j >>> 5] >>> (j & 31)) & 1) === 0) continue;
    const c = j * 4;
    o0 ^= m[c];
    o1 ^= m[c + 1];
    o2 ^= m[c + 2];
    o3 ^= m[c + 3];
  }
  out[at] = o0;
  out[at + 1] = o1;
  out[at + 2] = o2;
  out[at + 3] = o3;
}

/** a·b: b's transform, then a's. */
function multiply(a: BitMatrix, b: BitMatrix): BitMatrix {
  const out = new Uint32Array(512);
  for (let j = 0; j < 128; j++) apply(a, b.subarray(j * 4, j * 4 + 4), out, j * 4);
  return out;
}

function oneStep(): BitMatrix {
  const m = new Uint32Array(512);
  const s = new Uint32Array(4);
  for (let j = 0; j < 128; j++) {
    s.fill(0);
    s[j >>> 5] = 1 << (j & 31);
    step(s);
    m.set(s, j * 4);
  }
  return m;
}

const cache = new Map<number, BitMatrix>();

/** The matrix of `steps` transitions (cached: a layer asks for the same few sizes every step). */
export function jumpMatrix(steps: number): BitMatrix {
  let m = cache.get(steps);
  if (m !== undefined) return m;
  let power = oneStep();
  let result: BitMatrix | undefined;
  for (let k = steps; k > 0; k = Math.floor(k / 2)) {
    if (k % 2 === 1) result = result === undefined ? power : multiply(power, result);
    if (k > 1) power = multiply(power, power);
  }
  m = result ?? identity();
  if (cache.size >= 16) cache.clear();
  cache.set(steps, m);
  return m;
}

function identity(): BitMatrix {
  const m = new Uint32Array(512);
  for (let j = 0; j < 128; j++) m[j * 4 + (j >>> 5)] = 1 << (j & 31);
  return m;
}

/** state ← jump·state for the 4 words at `at` of `words`, written to `out` at `outAt`. */
export function jump(m: BitMatrix, words: Uint32Array, at: number, outAt: number): void {
  apply(m, words.subarray(at, at + 4), words, outAt);
}
