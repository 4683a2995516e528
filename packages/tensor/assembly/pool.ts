// Max pooling over planes [lo, hi) of x [N·C, H, W]. The 2×2 stride-2 unpadded window (the
// simple-cnn preset's) has a SIMD path: four outputs per step, even/odd columns split by shuffles.

// biome-ignore lint/style/useImportType: AssemblyScript has no type-only imports.
import { PoolGeom } from './generated/records';

/** v replaces the running max m: v is larger, or v is NaN and m is not (NaN propagates, as in PyTorch). */
function beats(v: f32, m: f32): bool {
  return v > m || (Number.isNaN(v) && !Number.isNaN(m));
}

function wins(v: v128, m: v128): v128 {
  return v128.or(f32x4.gt(v, m), v128.and(f32x4.ne(v, v), f32x4.eq(m, m)));
}

/** y, argmax [planes, oh, ow] ← max over each window (first maximum wins; padding never wins). */
export function maxPool2d(
  _tid: i32,
  _chunk: i32,
  lo: i32,
  hi: i32,
  x: usize,
  y: usize,
  arg: usize,
  geom: usize,
): void {
  const g = changetype<PoolGeom>(geom);
  const H = g.H,
    W = g.W,
    oh = g.oh,
    ow = g.ow;
  const fast = g.kh === 2 && g.kw === 2 && g.sh === 2 && g.sw === 2 && g.ph === 0 && g.pw === 0;
  for (let pl = lo; pl < hi; pl++) {
    const xp = x + <usize>(pl * H * W) * 4;
    const yp = y + <usize>(pl * oh * ow) * 4;
    const ap = arg + <usize>(pl * oh * ow) * 4;
    if (fast) {
      for (let r = 0; r < oh; r++) {
        const top = xp + <usize>(2 * r * W) * 4;
        const bot = top + <usize>W * 4;
        const yr = yp + <usize>(r * ow) * 4;
        const ar = ap + <usize>(r * ow) * 4;
        const base = 2 * r * W;
        let q = 0;
        // index of (top, even column) for outputs q..q+3: base + 2q + {0, 2, 4, 6}
        let idx = i32x4.add(i32x4.splat(base), i32x4(0, 2, 4, 6));
        const one = i32x4.splat(1);
        const wv = i32x4.splat(W);
        for (; q + 4 <= ow; q += 4) {
          const o = <usize>(2 * q) * 4;
          const t0 = v128.load(top + o),
            t1 = v128.load(top + o, 16);
          const b0 = v128.load(bot + o),
            b1 = v128.load(bot + o, 16);
          const te = v128.shuffle<f32>(t0, t1, 0, 2, 4, 6),
            to = v128.shuffle<f32>(t0, t1, 1, 3, 5, 7);
          const be = v128.shuffle<f32>(b0, b1, 0, 2, 4, 6),
            bo = v128.shuffle<f32>(b0, b1, 1, 3, 5, 7);
          let m = te;
          let ix = idx;
          let mask = wins(to, m);
          m = v128.bitselect(to, m, mask);
          ix = v128.bitselect(i32x4.add(idx, one), ix, mask);
          mask = wins(be, m);
          m = v128.bitselect(be, m, mask);
          ix = v128.bitselect(i32x4.add(idx, wv), ix, mask);
          mask = wins(bo, m);
          m = v128.bitselect(bo, m, mask);
          ix = v128.bitselect(i32x4.add(i32x4.add(idx, wv), one), ix, mask);
          v128.store(yr + <usize>q * 4, m);
          v128.store(ar + <usize>q * 4, ix);
          idx = i32x4.add(idx, i32x4.splat(8));
        }
        for (; q < ow; q++) {
          const i0 = base + 2 * q;
          let best = load<f32>(xp + <usize>i0 * 4);
          let bi = i0;
          const cand1 = load<f32>(xp + <usize>(i0 + 1) * 4);
          if (beats(cand1, best)) {
            best = cand1;
            bi = i0 + 1;
          }
          const cand2 = load<f32>(xp + <usize>(i0 + W) * 4);
          if (beats(cand2, best)) {
            best = cand2;
            bi = i0 + W;
          }
          const cand3 = load<f32>(xp + <usize>(i0 + W + 1) * 4);
          if (beats(cand3, best)) {
            best = cand3;
            bi = i0 + W + 1;
          }
          store<f32>(yr + <usize>q * 4, best);
          store<i32>(ar + <usize>q * 4, bi);
        }
      }
      continue;
    }
    for (let r = 0; r < oh; r++) {
      for (let q = 0; q < ow; q++) {
        let best: f32 = -Infinity;
        let bi = -1;
        for (let i = 0; i < g.kh; i++) {
          const ih = r * g.sh - g.ph + i;
          if (ih < 0 || ih >= H) continue;
          for (let j = 0; j < g.kw; j++) {
            const iw = q * g.sw - g.pw + j;
            if (iw < 0 || iw >= W) continue;
            const v = load<f32>(xp + <usize>(ih * W + iw) * 4);
            // NaN propagates (as in PyTorch): a NaN wins and keeps winning.
            if (bi < 0 || beats(v, best)) {
              best = v;
              bi = ih * W + iw;
            }
          }
        }
        store<f32>(yp + <usize>(r * ow + q) * 4, best);
        store<i32>(ap + <usize>(r * ow + q) * 4, bi);
      }
    }
  }
}

/** dx [planes, H, W] ← dy routed to each window's argmax (summed over overlaps). Writes. */
export function maxPool2dBackward(
  _tid: i32,
  _chunk: i32,
  lo: i32,
  hi: i32,
  dy: usize,
  arg: usize,
  dx: usize,
  geom: usize,
): void {
  const g = changetype<PoolGeom>(geom);
  const H = g.H,
    W = g.W,
    oh = g.oh,
    ow = g.ow;
  const hw = H * W;
  const ohw = oh * ow;
  // 2×2 stride 2: windows do not overlap, so every input gets dy or 0 and is written once.
  const fast = g.kh === 2 && g.kw === 2 && g.sh === 2 && g.sw === 2 && g.ph === 0 && g.pw === 0;
  for (let pl = lo; pl < hi; pl++) {
    const dxp = dx + <usize>(pl * hw) * 4;
    const dyp = dy + <usize>(pl * ohw) * 4;
    const ap = arg + <usize>(pl * ohw) * 4;
    if (!fast || (H & 1) !== 0 || (W & 1) !== 0) memory.fill(dxp, 0, <usize>hw * 4);
    if (!fast) {
      for (let i = 0; i < ohw; i++) {
        const t = dxp + <usize>load<i32>(ap + <usize>i * 4) * 4;
        store<f32>(t, load<f32>(t) + load<f32>(dyp + <usize>i * 4));
      }
      continue;
    }
    const one = i32x4.splat(1);
    const wv = i32x4.splat(W);
    for (let r = 0; r < oh; r++) {
      const top = dxp + <usize>(2 * r * W) * 4;
      const bot = top + <usize>W * 4;
      const dr = dyp + <usize>(r * ow) * 4;
      const ar = ap + <usize>(r * ow) * 4;
      const base = 2 * r * W;
      let idx = i32x4.add(i32x4.splat(base), i32x4(0, 2, 4, 6));
      let q = 0;
      for (; q + 4 <= ow; q += 4) {
        const d = v128.load(dr + <usize>q * 4);
        const a = v128.load(ar + <usize>q * 4);
        const tl = v128.and(d, i32x4.eq(a, idx));
        const tr = v128.and(d, i32x4.eq(a, i32x4.add(idx, one)));
        const bl = v128.and(d, i32x4.eq(a, i32x4.add(idx, wv)));
        const br = v128.and(d, i32x4.eq(a, i32x4.add(i32x4.add(idx, wv), one)));
        const o = <usize>(2 * q) * 4;
        v128.store(top + o, v128.shuffle<f32>(tl, tr, 0, 4, 1, 5));
        v128.store(top + o, v128.shuffle<f32>(tl, tr, 2, 6, 3, 7), 16);
        v128.store(bot + o, v128.shuffle<f32>(bl, br, 0, 4, 1, 5));
        v128.store(bot + o, v128.shuffle<f32>(bl, br, 2, 6, 3, 7), 16);
        idx = i32x4.add(idx, i32x4.splat(8));
      }
      for (; q < ow; q++) {
        const d = load<f32>(dr + <usize>q * 4);
        const a = load<i32>(ar + <usize>q * 4);
        const i0 = base + 2 * q;
        const o = <usize>(2 * q) * 4;
        store<f32>(top + o, a === i0 ? d : 0);
        store<f32>(top + o, a === i0 + 1 ? d : 0, 4);
        store<f32>(bot + o, a === i0 + W ? d : 0);
        store<f32>(bot + o, a === i0 + W + 1 ? d : 0, 4);
      }
    }
  }
}
