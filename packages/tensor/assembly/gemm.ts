// Single-precision GEMM in the BLIS style: C ← α·op(A)·op(B) + β·C, row-major.
//
//   for jc in N by NC:            B block KC×NC packed into NR-wide slivers (stays in L2)
//     for pc in K by KC:
//       for ic in M by MC:        A block MC×KC packed into MR-tall slivers (stays in L2)
//         for jr, ir:             MR×NR micro-kernel: 8 f32x4 accumulators, one rank-1 update per k
//
// Packed slivers are zero-padded to MR/NR, so the micro-kernel never branches on edges; edge tiles
// go through a small tile buffer. Every C element is summed over k in the same order whatever the
// blocking of M and N, so splitting M or N across threads never changes a result bit.

import { hsum, madd } from './simd';

// The micro-tile is 4×8: 8 accumulators + 2 B vectors + 1 A splat stay in registers. V8 gives wasm
// SIMD at most 15 xmm registers on x86-64, and from 10 accumulators on (4×16, 6×8, 5×8) it spills in
// the k loop and runs at about half the speed; 4×8 keeps M and N tiles at powers of two.
export const MR: i32 = 4;
export const NR: i32 = 8;
export const KC: i32 = 512;
export const MC: i32 = 128;
export const NC: i32 = 1024;

/** Deepest K block whose B is read in place rather than packed (see gemmBlock's directB). */
const DIRECT_B_MAX_KC: i32 = 256;

/** Bytes of per-thread scratch one GEMM call needs: packed A, packed B and an edge tile. */
export const GEMM_SCRATCH_BYTES: i32 = (MC * KC + KC * NC + MR * NR) * 4 + 64;

/** Packs op(A)[i0 .. i0+mc, p0 .. p0+kc] into MR-row slivers: sliver s holds, for each p, MR values. */
function packA(transA: bool, a: usize, lda: i32, i0: i32, p0: i32, mc: i32, kc: i32, dst: usize): void {
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = min(MR, mc - ir);
    const out = dst + <usize>(ir * kc) * 4;
    if (transA) {
      // A stored [k, m]: the MR values of one k are adjacent.
      let src = a + (<usize>p0 * lda + i0 + ir) * 4;
      if (rows === MR) {
        for (let p = 0; p < kc; p++) {
          v128.store(out + <usize>p * 16, v128.load(src));
          src += <usize>lda * 4;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          for (let r = 0; r < MR; r++)
            store<f32>(out + <usize>(p * MR + r) * 4, r < rows ? load<f32>(src + <usize>r * 4) : 0);
          src += <usize>lda * 4;
        }
      }
    } else {
      // A stored [m, k]: transpose 4×4 blocks.
      const r0 = a + (<usize>(i0 + ir) * lda + p0) * 4;
      if (rows === MR) {
        const r1 = r0 + <usize>lda * 4;
        const r2 = r1 + <usize>lda * 4;
        const r3 = r2 + <usize>lda * 4;
        let p = 0;
        for (; p + 4 <= kc; p += 4) {
          const o = <usize>p * 4;
          const x0 = v128.load(r0 + o),
            x1 = v128.load(r1 + o),
            x2 = v128.load(r2 + o),
            x3 = v128.load(r3 + o);
          const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5);
          const t1 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
          const t2 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7);
          const t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
          const d = out + <usize>p * 16;
          v128.store(d, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
          v128.store(d, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7), 16);
          v128.store(d, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), 32);
          v128.store(d, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7), 48);
        }
        for (; p < kc; p++) {
          const o = <usize>p * 4;
          const d = out + <usize>p * 16;
          store<f32>(d, load<f32>(r0 + o));
          store<f32>(d, load<f32>(r1 + o), 4);
          store<f32>(d, load<f32>(r2 + o), 8);
          store<f32>(d, load<f32>(r3 + o), 12);
        }
      } else {
        for (let p = 0; p < kc; p++) {
          for (let r = 0; r < MR; r++) {
            store<f32>(
              out + <usize>(p * MR + r) * 4,
              r < rows ? load<f32>(r0 + (<usize>r * lda + p) * 4) : 0,
            );
          }
        }
      }
    }
  }
}

/** Packs op(B)[p0 .. p0+kc, j0 .. j0+nc] into NR-column slivers: sliver s holds, for each p, NR values. */
function packB(transB: bool, b: usize, ldb: i32, p0: i32, j0: i32, kc: i32, nc: i32, dst: usize): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = min(NR, nc - jr);
    const out = dst + <usize>(jr * kc) * 4;
    if (!transB) {
      // B stored [k, n]: NR adjacent values per k.
      let src = b + (<usize>p0 * ldb + j0 + jr) * 4;
      if (cols === NR) {
        for (let p = 0; p < kc; p++) {
          const d = out + <usize>p * NR * 4;
          v128.store(d, v128.load(src));
          v128.store(d, v128.load(src, 16), 16);
          src += <usize>ldb * 4;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          const d = out + <usize>p * NR * 4;
          for (let j = 0; j < NR; j++)
            store<f32>(d + <usize>j * 4, j < cols ? load<f32>(src + <usize>j * 4) : 0);
          src += <usize>ldb * 4;
        }
      }
    } else {
      // B stored [n, k]: transpose 4×4 blocks (4 columns j × 4 depths p at a time).
      const base = b + (<usize>(j0 + jr) * ldb + p0) * 4;
      let j = 0;
      for (; j + 4 <= cols; j += 4) {
        const r0 = base + <usize>j * ldb * 4;
        const r1 = r0 + <usize>ldb * 4;
        const r2 = r1 + <usize>ldb * 4;
        const r3 = r2 + <usize>ldb * 4;
        let p = 0;
        for (; p + 4 <= kc; p += 4) {
          const o = <usize>p * 4;
          const x0 = v128.load(r0 + o),
            x1 = v128.load(r1 + o),
            x2 = v128.load(r2 + o),
            x3 = v128.load(r3 + o);
          const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5);
          const t1 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
          const t2 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7);
          const t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
          const d = out + (<usize>p * NR + j) * 4;
          // rows p … p + 3 of the sliver, NR floats (32 bytes) apart
          v128.store(d, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
          v128.store(d, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7), 32);
          v128.store(d, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), 64);
          v128.store(d, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7), 96);
        }
        for (; p < kc; p++) {
          const o = <usize>p * 4;
          const d = out + (<usize>p * NR + j) * 4;
          store<f32>(d, load<f32>(r0 + o));
          store<f32>(d, load<f32>(r1 + o), 4);
          store<f32>(d, load<f32>(r2 + o), 8);
          store<f32>(d, load<f32>(r3 + o), 12);
        }
      }
      for (; j < NR; j++) {
        const d = out + <usize>j * 4;
        if (j < cols) {
          const r = base + <usize>j * ldb * 4;
          for (let p = 0; p < kc; p++) store<f32>(d + <usize>p * NR * 4, load<f32>(r + <usize>p * 4));
        } else {
          for (let p = 0; p < kc; p++) store<f32>(d + <usize>p * NR * 4, 0);
        }
      }
    }
  }
}

/**
 * C ← α·T + β·C on the mr×nr corner of the tile at c, T the tile buffer (rows NR floats apart).
 * Full rows and ragged ones compute alike (a product, then a sum, each rounded; with α = 1 and
 * β ∈ {0, 1} that is acc or acc + C, as microColumn's direct stores), so an element's value does
 * not depend on where the tile edges fall; β = 0 never reads C.
 */
function mergeTile(c: usize, ldc: i32, tile: usize, mr: i32, nr: i32, alpha: f32, beta: f32): void {
  const va = f32x4.splat(alpha);
  const vb = f32x4.splat(beta);
  for (let r = 0; r < mr; r++) {
    const crow = c + <usize>r * ldc * 4;
    const trow = tile + <usize>r * NR * 4;
    if (nr === NR) {
      for (let q: usize = 0; q < <usize>NR * 4; q += 16) {
        const t = f32x4.mul(v128.load(trow + q), va);
        v128.store(crow + q, beta === 0 ? t : f32x4.add(t, f32x4.mul(v128.load(crow + q), vb)));
      }
    } else {
      for (let j = 0; j < nr; j++) {
        const t = alpha * load<f32>(trow + <usize>j * 4);
        const p = crow + <usize>j * 4;
        store<f32>(p, beta === 0 ? t : t + beta * load<f32>(p));
      }
    }
  }
}

/**
 * The 4×8 micro-kernel, down one NR-column sliver of packed B (nr valid columns) and every MR-row
 * sliver of a packed A block (mc rows): per tile, acc = Σ_p Ā[p]·B̄[p] over kc depths, then
 * C ← α·acc + β·C. The A slivers are looped over here rather than in the caller because a call
 * per tile costs about as much as the tile itself when kc is small (the convolutions' 3×3×1 = 9
 * depths); the kernel calls nothing while accumulators are live, as a call clobbers every xmm
 * register (V8's wasm calls save none).
 */
function microColumn(
  kc: i32,
  pa: usize,
  pb: usize,
  c: usize,
  ldc: i32,
  mc: i32,
  nr: i32,
  alpha: f32,
  beta: f32,
  tile: usize,
  bstep: usize = <usize>NR * 4,
): void {
  const ld = <usize>ldc * 4;
  for (let ir = 0; ir < mc; ir += MR) {
    let c00 = f32x4.splat(0),
      c01 = f32x4.splat(0);
    let c10 = f32x4.splat(0),
      c11 = f32x4.splat(0);
    let c20 = f32x4.splat(0),
      c21 = f32x4.splat(0);
    let c30 = f32x4.splat(0),
      c31 = f32x4.splat(0);
    let a = pa + <usize>(ir * kc) * 4;
    let b = pb;
    for (let p = 0; p < kc; p++) {
      const b0 = v128.load(b),
        b1 = v128.load(b, 16);
      let av = v128.load32_splat(a);
      c00 = madd(av, b0, c00);
      c01 = madd(av, b1, c01);
      av = v128.load32_splat(a, 4);
      c10 = madd(av, b0, c10);
      c11 = madd(av, b1, c11);
      av = v128.load32_splat(a, 8);
      c20 = madd(av, b0, c20);
      c21 = madd(av, b1, c21);
      av = v128.load32_splat(a, 12);
      c30 = madd(av, b0, c30);
      c31 = madd(av, b1, c31);
      a += 16;
      b += bstep;
    }
    const ct = c + <usize>ir * ld;
    const full = mc - ir >= MR && nr === NR;
    if (full && alpha === 1 && beta === 1) {
      // C += acc (every K block after the first)
      v128.store(ct, f32x4.add(v128.load(ct), c00));
      v128.store(ct, f32x4.add(v128.load(ct, 16), c01), 16);
      v128.store(ct + ld, f32x4.add(v128.load(ct + ld), c10));
      v128.store(ct + ld, f32x4.add(v128.load(ct + ld, 16), c11), 16);
      v128.store(ct + 2 * ld, f32x4.add(v128.load(ct + 2 * ld), c20));
      v128.store(ct + 2 * ld, f32x4.add(v128.load(ct + 2 * ld, 16), c21), 16);
      v128.store(ct + 3 * ld, f32x4.add(v128.load(ct + 3 * ld), c30));
      v128.store(ct + 3 * ld, f32x4.add(v128.load(ct + 3 * ld, 16), c31), 16);
      continue;
    }
    // C ← acc stores directly; the other cases go through the tile buffer.
    const direct = full && alpha === 1 && beta === 0;
    const dst = direct ? ct : tile;
    const dld = direct ? ld : <usize>NR * 4;
    v128.store(dst, c00);
    v128.store(dst, c01, 16);
    v128.store(dst + dld, c10);
    v128.store(dst + dld, c11, 16);
    v128.store(dst + 2 * dld, c20);
    v128.store(dst + 2 * dld, c21, 16);
    v128.store(dst + 3 * dld, c30);
    v128.store(dst + 3 * dld, c31, 16);
    if (!direct) mergeTile(ct, ldc, tile, min(MR, mc - ir), nr, alpha, beta);
  }
}

/**
 * C[i0..i1, j0..j1] ← α·op(A)·op(B) + β·C for that block of C, on one thread. `scratch` holds
 * {@link GEMM_SCRATCH_BYTES} bytes. `preA` (or `preB`), when not 0, is the whole of op(A) (op(B))
 * already packed by {@link packAFull} ({@link packBFull}), shared by the threads splitting the other
 * dimension; the block then reads its slivers there instead of packing them again.
 */
export function gemmBlock(
  transA: bool,
  transB: bool,
  i0: i32,
  i1: i32,
  j0: i32,
  j1: i32,
  k: i32,
  alpha: f32,
  a: usize,
  lda: i32,
  b: usize,
  ldb: i32,
  beta: f32,
  c: usize,
  ldc: i32,
  scratch: usize,
  preA: usize = 0,
  mPad: i32 = 0,
  preB: usize = 0,
  nPad: i32 = 0,
  directB: bool = false,
): void {
  if (i1 <= i0 || j1 <= j0) return;
  if (k === 0 || alpha === 0) {
    for (let i = i0; i < i1; i++) {
      const row = c + <usize>i * ldc * 4;
      for (let j = j0; j < j1; j++) {
        const p = row + <usize>j * 4;
        store<f32>(p, beta === 0 ? 0 : beta * load<f32>(p));
      }
    }
    return;
  }
  const sA = (scratch + 15) & ~(<usize>15);
  const sB = sA + <usize>(MC * KC) * 4;
  const tile = sB + <usize>(KC * NC) * 4;
  for (let jc = j0; jc < j1; jc += NC) {
    const nc = min(NC, j1 - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const bEff: f32 = pc === 0 ? beta : 1;
      let pB = sB;
      // B stored [k, n] is read in place (rows ldb apart) when directB and the block is shallow enough
      // for a sliver's kc cache lines to stay in L1 (deeper, packing pays): only a ragged last sliver is packed.
      const inPlace = directB && !transB && preB === 0 && kc <= DIRECT_B_MAX_KC;
      const ncFull = inPlace ? nc & ~(NR - 1) : 0;
      if (preB !== 0) pB = preB + (<usize>pc * nPad + <usize>jc * kc) * 4;
      else if (inPlace) {
        if (ncFull < nc) packB(transB, b, ldb, pc, jc + ncFull, kc, nc - ncFull, sB);
      } else packB(transB, b, ldb, pc, jc, kc, nc, sB);
      for (let ic = i0; ic < i1; ic += MC) {
        const mc = min(MC, i1 - ic);
        let pA = sA;
        if (preA !== 0) pA = preA + (<usize>pc * mPad + <usize>ic * kc) * 4;
        else packA(transA, a, lda, ic, pc, mc, kc, sA);
        for (let jr = 0; jr < nc; jr += NR) {
          const cp = c + (<usize>ic * ldc + jc + jr) * 4;
          if (jr < ncFull) {
            const src = b + (<usize>pc * ldb + jc + jr) * 4;
            microColumn(kc, pA, src, cp, ldc, mc, NR, alpha, bEff, tile, <usize>ldb * 4);
          } else {
            const sl = inPlace ? sB + <usize>((jr - ncFull) * kc) * 4 : pB + <usize>(jr * kc) * 4;
            microColumn(kc, pA, sl, cp, ldc, mc, min(NR, nc - jr), alpha, bEff, tile);
          }
        }
      }
    }
  }
}

/**
 * Packs MR-row slivers [lo, hi) of the whole op(A) [m, k] into dst, laid out K block by K block:
 * block pc (depths pc … pc + KC) starts at float pc·mPad, sliver s at pc·mPad + s·MR·kc
 * (mPad = m rounded up to MR). Threads pack disjoint slivers.
 */
export function packAFull(
  _tid: i32,
  _chunk: i32,
  lo: i32,
  hi: i32,
  transA: bool,
  m: i32,
  k: i32,
  a: usize,
  lda: i32,
  dst: usize,
): void {
  const mPad = ((m + MR - 1) / MR) * MR;
  const i0 = lo * MR;
  const i1 = min(hi * MR, m);
  if (i1 <= i0) return;
  for (let pc = 0; pc < k; pc += KC) {
    const kc = min(KC, k - pc);
    packA(transA, a, lda, i0, pc, i1 - i0, kc, dst + (<usize>pc * mPad + <usize>i0 * kc) * 4);
  }
}

/** Packs NR-column slivers [lo, hi) of the whole op(B) [k, n], like {@link packAFull} (nPad = n rounded up to NR). */
export function packBFull(
  _tid: i32,
  _chunk: i32,
  lo: i32,
  hi: i32,
  transB: bool,
  n: i32,
  k: i32,
  b: usize,
  ldb: i32,
  dst: usize,
): void {
  const nPad = ((n + NR - 1) / NR) * NR;
  const j0 = lo * NR;
  const j1 = min(hi * NR, n);
  if (j1 <= j0) return;
  for (let pc = 0; pc < k; pc += KC) {
    const kc = min(KC, k - pc);
    packB(transB, b, ldb, pc, j0, kc, j1 - j0, dst + (<usize>pc * nPad + <usize>j0 * kc) * 4);
  }
}

// ---- C ← α·A·Bᵀ + β·C in dot-product form, nothing packed ---------------------------------------
//
// With A stored [m, k] and B stored [n, k] (a Dense layer's forward: x·Wᵀ) both operands run along k
// in memory, so a C element is a dot product of two contiguous rows. The kernel keeps four k lanes
// per C element and reduces them at the end of each depth block, which spares the transposing pack
// of both operands (3.2 MB of weights for a 6272→128 layer) that the micro-tile kernel needs.

/** Depths per block of {@link gemmDot}: the 4 B rows of a tile (16 KB) stay in L1, the A block in L2. */
const KD: i32 = 1024;

/** Rows per block of {@link gemmDot} (even): a KD-deep block of them (512 KB) stays in L2 while the B rows pass. */
const MD: i32 = 128;

/** Each of four vectors summed as {@link hsum} does ((l0 + l2) + (l1 + l3)), as one vector. */
function hsum4(c0: v128, c1: v128, c2: v128, c3: v128): v128 {
  const s01 = f32x4.add(v128.shuffle<f32>(c0, c1, 0, 1, 4, 5), v128.shuffle<f32>(c0, c1, 2, 3, 6, 7));
  const s23 = f32x4.add(v128.shuffle<f32>(c2, c3, 0, 1, 4, 5), v128.shuffle<f32>(c2, c3, 2, 3, 6, 7));
  return f32x4.add(v128.shuffle<f32>(s01, s23, 0, 2, 4, 6), v128.shuffle<f32>(s01, s23, 1, 3, 5, 7));
}

/**
 * Σ_p a[p]·b[p] over kd floats in the one order every element of {@link gemmDot} follows: lane
 * p mod 4 accumulates depth p of the whole groups of four, the kd mod 4 last depths go to lane 0,
 * then {@link hsum}.
 */
function dot1(a: usize, b: usize, kd: i32): f32 {
  let acc = f32x4.splat(0);
  const end = <usize>(kd & ~3) * 4;
  let o: usize = 0;
  for (; o < end; o += 16) acc = madd(v128.load(a + o), v128.load(b + o), acc);
  for (; o < <usize>kd * 4; o += 4) acc = madd(v128.load32_zero(a + o), v128.load32_zero(b + o), acc);
  return hsum(acc);
}

/** C ← α·s + β·C on one element; β = 0 never reads C. */
function merge1(p: usize, s: f32, alpha: f32, beta: f32): void {
  const t = alpha * s;
  store<f32>(p, beta === 0 ? t : t + beta * load<f32>(p));
}

/**
 * Columns [j0, j1) of C (j0 a multiple of 4) for the kd depths at a and b (already offset to the
 * block): 2×4 tiles, two A rows against four B rows, eight 4-lane accumulators; an odd last row and
 * the columns past whole tiles take narrower tiles, every element summed in {@link dot1}'s order.
 */
function dotBlock(
  m: i32,
  j0: i32,
  j1: i32,
  kd: i32,
  alpha: f32,
  a: usize,
  lda: i32,
  b: usize,
  ldb: i32,
  beta: f32,
  c: usize,
  ldc: i32,
): void {
  const la = <usize>lda * 4;
  const lb = <usize>ldb * 4;
  const end = <usize>(kd & ~3) * 4;
  const kEnd = <usize>kd * 4;
  const va = f32x4.splat(alpha);
  const vb = f32x4.splat(beta);
  const m2 = m & ~1;
  let j = j0;
  for (; j + 4 <= j1; j += 4) {
    const b0 = b + <usize>j * lb;
    const b1 = b0 + lb;
    const b2 = b1 + lb;
    const b3 = b2 + lb;
    for (let i = 0; i < m2; i += 2) {
      const a0 = a + <usize>i * la;
      const a1 = a0 + la;
      let c00 = f32x4.splat(0),
        c01 = f32x4.splat(0),
        c02 = f32x4.splat(0),
        c03 = f32x4.splat(0);
      let c10 = f32x4.splat(0),
        c11 = f32x4.splat(0),
        c12 = f32x4.splat(0),
        c13 = f32x4.splat(0);
      let o: usize = 0;
      for (; o < end; o += 16) {
        const x0 = v128.load(a0 + o);
        const x1 = v128.load(a1 + o);
        let w = v128.load(b0 + o);
        c00 = madd(x0, w, c00);
        c10 = madd(x1, w, c10);
        w = v128.load(b1 + o);
        c01 = madd(x0, w, c01);
        c11 = madd(x1, w, c11);
        w = v128.load(b2 + o);
        c02 = madd(x0, w, c02);
        c12 = madd(x1, w, c12);
        w = v128.load(b3 + o);
        c03 = madd(x0, w, c03);
        c13 = madd(x1, w, c13);
      }
      for (; o < kEnd; o += 4) {
        const x0 = v128.load32_zero(a0 + o);
        const x1 = v128.load32_zero(a1 + o);
        let w = v128.load32_zero(b0 + o);
        c00 = madd(x0, w, c00);
        c10 = madd(x1, w, c10);
        w = v128.load32_zero(b1 + o);
        c01 = madd(x0, w, c01);
        c11 = madd(x1, w, c11);
        w = v128.load32_zero(b2 + o);
        c02 = madd(x0, w, c02);
        c12 = madd(x1, w, c12);
        w = v128.load32_zero(b3 + o);
        c03 = madd(x0, w, c03);
        c13 = madd(x1, w, c13);
      }
      const p0 = c + (<usize>i * ldc + j) * 4;
      const p1 = p0 + <usize>ldc * 4;
      const t0 = f32x4.mul(hsum4(c00, c01, c02, c03), va);
      const t1 = f32x4.mul(hsum4(c10, c11, c12, c13), va);
      if (beta === 0) {
        v128.store(p0, t0);
        v128.store(p1, t1);
      } else {
        v128.store(p0, f32x4.add(t0, f32x4.mul(v128.load(p0), vb)));
        v128.store(p1, f32x4.add(t1, f32x4.mul(v128.load(p1), vb)));
      }
    }
    if (m2 < m) {
      // the odd last row against the four B rows: four accumulators
      const a0 = a + <usize>m2 * la;
      let s0 = f32x4.splat(0),
        s1 = f32x4.splat(0),
        s2 = f32x4.splat(0),
        s3 = f32x4.splat(0);
      let o: usize = 0;
      for (; o < end; o += 16) {
        const x = v128.load(a0 + o);
        s0 = madd(x, v128.load(b0 + o), s0);
        s1 = madd(x, v128.load(b1 + o), s1);
        s2 = madd(x, v128.load(b2 + o), s2);
        s3 = madd(x, v128.load(b3 + o), s3);
      }
      for (; o < kEnd; o += 4) {
        const x = v128.load32_zero(a0 + o);
        s0 = madd(x, v128.load32_zero(b0 + o), s0);
        s1 = madd(x, v128.load32_zero(b1 + o), s1);
        s2 = madd(x, v128.load32_zero(b2 + o), s2);
        s3 = madd(x, v128.load32_zero(b3 + o), s3);
      }
      const p = c + (<usize>m2 * ldc + j) * 4;
      const t = f32x4.mul(hsum4(s0, s1, s2, s3), va);
      v128.store(p, beta === 0 ? t : f32x4.add(t, f32x4.mul(v128.load(p), vb)));
    }
  }
  for (; j < j1; j++) dotColumn(m, j, kd, alpha, a, la, b + <usize>j * lb, beta, c, ldc);
}

/**
 * Column j of C past the whole 4-column tiles: eight rows at a time against the one B row (eight
 * independent accumulators, where {@link dot1}'s single one would wait on each add), the rows past
 * those through dot1; every element summed in dot1's order.
 */
function dotColumn(
  m: i32,
  j: i32,
  kd: i32,
  alpha: f32,
  a: usize,
  la: usize,
  bj: usize,
  beta: f32,
  c: usize,
  ldc: i32,
): void {
  const end = <usize>(kd & ~3) * 4;
  const kEnd = <usize>kd * 4;
  const m8 = m & ~7;
  for (let i = 0; i < m8; i += 8) {
    const a0 = a + <usize>i * la;
    let s0 = f32x4.splat(0),
      s1 = f32x4.splat(0),
      s2 = f32x4.splat(0),
      s3 = f32x4.splat(0),
      s4 = f32x4.splat(0),
      s5 = f32x4.splat(0),
      s6 = f32x4.splat(0),
      s7 = f32x4.splat(0);
    let o: usize = 0;
    for (; o < end; o += 16) {
      const w = v128.load(bj + o);
      let r = a0 + o;
      s0 = madd(v128.load(r), w, s0);
      r += la;
      s1 = madd(v128.load(r), w, s1);
      r += la;
      s2 = madd(v128.load(r), w, s2);
      r += la;
      s3 = madd(v128.load(r), w, s3);
      r += la;
      s4 = madd(v128.load(r), w, s4);
      r += la;
      s5 = madd(v128.load(r), w, s5);
      r += la;
      s6 = madd(v128.load(r), w, s6);
      r += la;
      s7 = madd(v128.load(r), w, s7);
    }
    for (; o < kEnd; o += 4) {
      const w = v128.load32_zero(bj + o);
      let r = a0 + o;
      s0 = madd(v128.load32_zero(r), w, s0);
      r += la;
      s1 = madd(v128.load32_zero(r), w, s1);
      r += la;
      s2 = madd(v128.load32_zero(r), w, s2);
      r += la;
      s3 = madd(v128.load32_zero(r), w, s3);
      r += la;
      s4 = madd(v128.load32_zero(r), w, s4);
      r += la;
      s5 = madd(v128.load32_zero(r), w, s5);
      r += la;
      s6 = madd(v128.load32_zero(r), w, s6);
      r += la;
      s7 = madd(v128.load32_zero(r), w, s7);
    }
    // rows i … i + 7 of column j, ldc apart
    const lo = hsum4(s0, s1, s2, s3);
    const hi = hsum4(s4, s5, s6, s7);
    const p = c + (<usize>i * ldc + j) * 4;
    const ld = <usize>ldc * 4;
    merge1(p, f32x4.extract_lane(lo, 0), alpha, beta);
    merge1(p + ld, f32x4.extract_lane(lo, 1), alpha, beta);
    merge1(p + 2 * ld, f32x4.extract_lane(lo, 2), alpha, beta);
    merge1(p + 3 * ld, f32x4.extract_lane(lo, 3), alpha, beta);
    merge1(p + 4 * ld, f32x4.extract_lane(hi, 0), alpha, beta);
    merge1(p + 5 * ld, f32x4.extract_lane(hi, 1), alpha, beta);
    merge1(p + 6 * ld, f32x4.extract_lane(hi, 2), alpha, beta);
    merge1(p + 7 * ld, f32x4.extract_lane(hi, 3), alpha, beta);
  }
  for (let i = m8; i < m; i++)
    merge1(c + (<usize>i * ldc + j) * 4, dot1(a + <usize>i * la, bj, kd), alpha, beta);
}

/**
 * Parallel C ← α·A·Bᵀ + β·C for A stored [m, k] and B stored [n, k], nothing packed: columns
 * [lo·4, hi·4) of C. An element's value depends only on m, n, k and the operands (its depth blocks of
 * {@link KD} are added to C in order), never on the chunking.
 */
export function gemmDot(
  _tid: i32,
  _chunk: i32,
  lo: i32,
  hi: i32,
  m: i32,
  n: i32,
  k: i32,
  alpha: f32,
  a: usize,
  lda: i32,
  b: usize,
  ldb: i32,
  beta: f32,
  c: usize,
  ldc: i32,
): void {
  const j0 = lo * 4;
  const j1 = min(hi * 4, n);
  if (j1 <= j0 || m <= 0) return;
  if (k === 0 || alpha === 0) {
    // no product: C ← β·C (gemmBlock's path, which needs no scratch then)
    gemmBlock(false, true, 0, m, j0, j1, k, alpha, a, lda, b, ldb, beta, c, ldc, 0);
    return;
  }
  for (let pc = 0; pc < k; pc += KD) {
    const kd = min(KD, k - pc);
    const o = <usize>pc * 4;
    for (let i0 = 0; i0 < m; i0 += MD) {
      const ai = a + <usize>i0 * lda * 4 + o;
      const ci = c + <usize>i0 * ldc * 4;
      dotBlock(min(MD, m - i0), j0, j1, kd, alpha, ai, lda, b + o, ldb, pc === 0 ? beta : 1, ci, ldc);
    }
  }
}

/**
 * {@link gemmDot} split by depth (a small C and a deep K, when threads reading all of A for a share
 * of the columns would read it twice): depths [lo, hi). Chunk 0 updates C (with β); chunk c > 0
 * writes its own product to partialBase + (c − 1)·partialStride ([m, n], ldc = n), which
 * gemmDotReduce then adds to C in chunk order.
 */
export function gemmDotDepth(
  _tid: i32,
  chunk: i32,
  lo: i32,
  hi: i32,
  m: i32,
  n: i32,
  k: i32,
  alpha: f32,
  a: usize,
  lda: i32,
  b: usize,
  ldb: i32,
  beta: f32,
  c: usize,
  ldc: i32,
  partialBase: usize,
  partialStride: usize,
): void {
  const k0 = min(lo, k);
  const k1 = min(hi, k);
  const units = (n + 3) / 4;
  const a0 = a + <usize>k0 * 4;
  const b0 = b + <usize>k0 * 4;
  if (chunk === 0) gemmDot(0, 0, 0, units, m, n, k1 - k0, alpha, a0, lda, b0, ldb, beta, c, ldc);
  else {
    const dst = partialBase + <usize>(chunk - 1) * partialStride;
    gemmDot(0, 0, 0, units, m, n, k1 - k0, alpha, a0, lda, b0, ldb, 0, dst, n);
  }
}

/**
 * C ← C + P₀ + P₁ + … + P_{parts−1} over elements [lo·4, hi·4) of the flat [m, n] C (ldc = n), the
 * depth-split partial products of {@link gemmDotDepth} or of index.ts `gemm` (mode 2): four lanes at
 * a time, each element summed in chunk order (so the result does not depend on this kernel's own
 * chunking). `size` = m·n bounds the last unit.
 */
export function gemmDotReduce(
  _tid: i32,
  _chunk: i32,
  lo: i32,
  hi: i32,
  dst: usize,
  partialBase: usize,
  partialStride: usize,
  parts: i32,
  size: i32,
): void {
  const i0 = lo * 4;
  const i1 = min(hi * 4, size);
  const whole = i0 + ((i1 - i0) & ~3);
  for (let i = i0; i < whole; i += 4) {
    const p = dst + <usize>i * 4;
    let s = v128.load(p);
    let q = partialBase + <usize>i * 4;
    for (let c = 0; c < parts; c++) {
      s = f32x4.add(s, v128.load(q));
      q += partialStride;
    }
    v128.store(p, s);
  }
  for (let i = whole; i < i1; i++) {
    const p = dst + <usize>i * 4;
    let s = load<f32>(p);
    for (let c = 0; c < parts; c++) s += load<f32>(partialBase + <usize>c * partialStride + <usize>i * 4);
    store<f32>(p, s);
  }
}
