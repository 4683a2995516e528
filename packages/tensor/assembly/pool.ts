// Max pooling over planes [lo, hi) of x [N·C, H, W]. The 2×2 stride-2 unpadded window (every preset's)
// has a SIMD path: four outputs per step from two rows of eight inputs, even/odd columns split by
// shuffles, the maximum by pmax (exact: it returns one of its inputs) and its index as the first input
// equal to it. Rows end with a step that overlaps the one before (it rewrites the same values), so no
// scalar tail; a plane holding a NaN is redone by the exact general loop.

// biome-ignore lint/style/useImportType: AssemblyScript has no type-only imports.
import { PoolGeom } from './generated/records';

/** v replaces the running max m: v is larger, or v is NaN and m is not (NaN propagates, as in PyTorch). */
function beats(v: f32, m: f32): bool {
  return v > m || (Number.isNaN(v) && !Number.isNaN(m));
}

/** a where the lanes of mask m are set, else b (m's lanes are all ones or all zeros). */
function select(a: v128, b: v128, m: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return i32x4.relaxed_laneselect(a, b, m);
  return v128.bitselect(a, b, m);
}

/** The 2×2 stride-2 unpadded window, with at least four outputs a row (the SIMD paths). */
function isFast2x2(g: PoolGeom): bool {
  return g.kh === 2 && g.kw === 2 && g.sh === 2 && g.sw === 2 && g.ph === 0 && g.pw === 0 && g.ow >= 4;
}

/**
 * y, argmax [planes, oh, ow] ← max over each window (first maximum wins; padding never wins); with
 * `relu` ≠ 0, y ← relu(y) (= the max pooling of relu(x): the two commute). `arg` 0: y alone (a
 * forward that no backward follows).
 */
export function maxPool2d(
  _tid: i32,
  _chunk: i32,
  lo: i32,
  hi: i32,
  x: usize,
  y: usize,
  arg: usize,
  geom: usize,
  relu: i32,
): void {
  maxPoolPlanes(lo, hi, x, y, arg, changetype<PoolGeom>(geom), relu !== 0);
}

/** Planes [lo, hi) of {@link maxPool2d}. */
export function maxPoolPlanes(
  lo: i32,
  hi: i32,
  x: usize,
  y: usize,
  arg: usize,
  g: PoolGeom,
  relu: bool,
): void {
  if (isFast2x2(g)) {
    maxPool2x2(lo, hi, x, y, arg, g, relu);
    return;
  }
  const hw = g.H * g.W;
  const ohw = g.oh * g.ow;
  for (let pl = lo; pl < hi; pl++) {
    maxPoolPlane(
      x + <usize>(pl * hw) * 4,
      y + <usize>(pl * ohw) * 4,
      arg !== 0 ? arg + <usize>(pl * ohw) * 4 : 0,
      g,
      relu,
    );
  }
}

/** relu on four lanes as the activation kernel computes it: NaN stays, −0 and negatives become +0. */
function relu4(v: v128): v128 {
  return v128.and(v, v128.or(f32x4.gt(v, f32x4.splat(0)), f32x4.ne(v, v)));
}

/**
 * Planes [lo, hi) of 2×2 stride-2 max pooling (ow ≥ 4). A plane where an input may be NaN (the four
 * inputs of a window sum to NaN; ∞ − ∞ trips it too) is redone by the exact loop: pmax drops a NaN
 * that comes after a number.
 */
function maxPool2x2(lo: i32, hi: i32, x: usize, y: usize, arg: usize, g: PoolGeom, relu: bool): void {
  const W = g.W,
    oh = g.oh,
    ow = g.ow;
  const hw = g.H * W;
  const ohw = oh * ow;
  // index of a window's inputs relative to its top-left one, per output lane q..q+3 of a step
  const step = i32x4(0, 2, 4, 6);
  const offB = i32x4.add(step, i32x4.splat(1));
  const offC = i32x4.add(step, i32x4.splat(W));
  const offD = i32x4.add(step, i32x4.splat(W + 1));
  const last = ow - 4;
  const indices = arg !== 0;
  for (let pl = lo; pl < hi; pl++) {
    const xp = x + <usize>(pl * hw) * 4;
    const yp = y + <usize>(pl * ohw) * 4;
    const ap = arg !== 0 ? arg + <usize>(pl * ohw) * 4 : 0;
    let nan = i32x4.splat(0);
    for (let r = 0; r < oh; r++) {
      const top = xp + <usize>(2 * r * W) * 4;
      const bot = top + <usize>W * 4;
      const yr = yp + <usize>(r * ow) * 4;
      const ar = ap + <usize>(r * ow) * 4;
      const base = 2 * r * W;
      let q = 0;
      while (true) {
        const o = <usize>(2 * q) * 4;
        const t0 = v128.load(top + o),
          t1 = v128.load(top + o, 16);
        const b0 = v128.load(bot + o),
          b1 = v128.load(bot + o, 16);
        // the window's inputs in row-major order: a (top left), b (top right), c, d (bottom)
        const a = v128.shuffle<f32>(t0, t1, 0, 2, 4, 6),
          b = v128.shuffle<f32>(t0, t1, 1, 3, 5, 7);
        const c = v128.shuffle<f32>(b0, b1, 0, 2, 4, 6),
          d = v128.shuffle<f32>(b0, b1, 1, 3, 5, 7);
        const s = f32x4.add(f32x4.add(a, b), f32x4.add(c, d));
        nan = v128.or(nan, f32x4.ne(s, s));
        // pmax(m, v) = m < v ? v : m: the first maximum stays, as in the reference
        const m = f32x4.pmax(f32x4.pmax(f32x4.pmax(a, b), c), d);
        v128.store(yr + <usize>q * 4, relu ? relu4(m) : m);
        // the first input equal to the maximum is the one pmax kept (an earlier equal one would have stayed)
        if (indices) {
          let ix = select(offC, offD, f32x4.eq(c, m));
          ix = select(offB, ix, f32x4.eq(b, m));
          ix = select(step, ix, f32x4.eq(a, m));
          v128.store(ar + <usize>q * 4, i32x4.add(ix, i32x4.splat(base + 2 * q)));
        }
        if (q === last) break;
        q = min(q + 4, last);
      }
    }
    if (v128.any_true(nan)) maxPoolPlane(xp, yp, ap, g, relu);
  }
}

/** One plane of any window, clipped to the image: the exact scalar loop (NaN wins and stays). */
function maxPoolPlane(xp: usize, yp: usize, ap: usize, g: PoolGeom, relu: bool): void {
  const H = g.H,
    W = g.W;
  for (let r = 0; r < g.oh; r++) {
    for (let q = 0; q < g.ow; q++) {
      let best: f32 = -Infinity;
      let bi = -1;
      for (let i = 0; i < g.kh; i++) {
        const ih = r * g.sh - g.ph + i;
        if (ih < 0 || ih >= H) continue;
        for (let j = 0; j < g.kw; j++) {
          const iw = q * g.sw - g.pw + j;
          if (iw < 0 || iw >= W) continue;
          const v = load<f32>(xp + <usize>(ih * W + iw) * 4);
          if (bi < 0 || beats(v, best)) {
            best = v;
            bi = ih * W + iw;
          }
        }
      }
      store<f32>(yp + <usize>(r * g.ow + q) * 4, relu && !(best > 0) && !Number.isNaN(best) ? 0 : best);
      if (ap !== 0) store<i32>(ap + <usize>(r * g.ow + q) * 4, bi);
    }
  }
}

/**
 * dx [planes, H, W] ← dy routed to each window's argmax (summed over overlaps). Writes. With a mask
 * (≠ 0, [planes, oh, ow]), only the dy whose mask is > 0 (the others count as +0): the gradient
 * through a ReLU that ran before the pooling, the mask being the pooled, ReLU'd output. A plane
 * with an argmax outside [0, H·W) is left as it is and 1 stored at `status` (the caller then
 * throws); the 2×2 path writes only its own windows, so only the exact scatter needs the check.
 */
export function maxPool2dBackward(
  _tid: i32,
  _chunk: i32,
  lo: i32,
  hi: i32,
  dy: usize,
  arg: usize,
  dx: usize,
  geom: usize,
  mask: usize,
  status: usize,
): void {
  const g = changetype<PoolGeom>(geom);
  if (isFast2x2(g)) {
    maxPool2x2Backward(lo, hi, dy, arg, dx, g, mask, status);
    return;
  }
  const hw = g.H * g.W;
  const ohw = g.oh * g.ow;
  for (let pl = lo; pl < hi; pl++) {
    const mp: usize = mask === 0 ? 0 : mask + <usize>(pl * ohw) * 4;
    scatterPlane(
      dy + <usize>(pl * ohw) * 4,
      arg + <usize>(pl * ohw) * 4,
      dx + <usize>(pl * hw) * 4,
      hw,
      ohw,
      mp,
      status,
    );
  }
}

/**
 * One plane: dx [hw] ← 0, then dy [ohw] (masked by mp unless 0) added at each argmax; when an argmax
 * lies outside [0, hw), nothing is written and 1 is stored at `status`.
 */
function scatterPlane(dyp: usize, ap: usize, dxp: usize, hw: i32, ohw: i32, mp: usize, status: usize): void {
  for (let i = 0; i < ohw; i++) {
    if (<u32>load<i32>(ap + <usize>i * 4) >= <u32>hw) {
      store<i32>(status, 1);
      return;
    }
  }
  memory.fill(dxp, 0, <usize>hw * 4);
  for (let i = 0; i < ohw; i++) {
    const t = dxp + <usize>load<i32>(ap + <usize>i * 4) * 4;
    const d = mp === 0 || load<f32>(mp + <usize>i * 4) > 0 ? load<f32>(dyp + <usize>i * 4) : 0;
    store<f32>(t, load<f32>(t) + d);
  }
}

/**
 * Planes [lo, hi) of the 2×2 stride-2 backward (ow ≥ 4): the windows do not overlap, so each 2×2 block
 * of dx is written once, dy at the argmax and 0 elsewhere, with no fill first. A plane with an argmax
 * outside its window (a hand-made one) is redone by the exact scatter, which checks the plane's bounds.
 */
function maxPool2x2Backward(
  lo: i32,
  hi: i32,
  dy: usize,
  arg: usize,
  dx: usize,
  g: PoolGeom,
  mask: usize,
  status: usize,
): void {
  const W = g.W,
    oh = g.oh,
    ow = g.ow;
  const hw = g.H * W;
  const ohw = oh * ow;
  // An odd row or column lies in no window: zero it first (this path writes only the windows).
  const partial = (g.H & 1) !== 0 || (W & 1) !== 0;
  const step = i32x4(0, 2, 4, 6);
  const eight = i32x4.splat(8);
  const one = i32x4.splat(1);
  const wv = i32x4.splat(W);
  const wv1 = i32x4.splat(W + 1);
  // One output past whole steps is cheaper as a scalar than as an overlapping step.
  const single = (ow & 3) === 1;
  const last = single ? ow - 5 : ow - 4;
  for (let pl = lo; pl < hi; pl++) {
    const dxp = dx + <usize>(pl * hw) * 4;
    const dyp = dy + <usize>(pl * ohw) * 4;
    const ap = arg !== 0 ? arg + <usize>(pl * ohw) * 4 : 0;
    const mp: usize = mask === 0 ? 0 : mask + <usize>(pl * ohw) * 4;
    if (partial) memory.fill(dxp, 0, <usize>hw * 4);
    let inside = i32x4.splat(-1);
    let ok = true;
    for (let r = 0; r < oh; r++) {
      const top = dxp + <usize>(2 * r * W) * 4;
      const bot = top + <usize>W * 4;
      const dr = dyp + <usize>(r * ow) * 4;
      const ar = ap + <usize>(r * ow) * 4;
      const mr: usize = mp + <usize>(r * ow) * 4;
      const base = 2 * r * W;
      // index of the top-left input of each lane's window
      let corner = i32x4.add(step, i32x4.splat(base));
      let q = 0;
      while (true) {
        let d = v128.load(dr + <usize>q * 4);
        if (mp !== 0) d = v128.and(d, f32x4.gt(v128.load(mr + <usize>q * 4), f32x4.splat(0)));
        const rel = i32x4.sub(v128.load(ar + <usize>q * 4), corner);
        const ma = i32x4.eq(rel, i32x4.splat(0)),
          mb = i32x4.eq(rel, one);
        const mc = i32x4.eq(rel, wv),
          md = i32x4.eq(rel, wv1);
        inside = v128.and(inside, v128.or(v128.or(ma, mb), v128.or(mc, md)));
        const a = v128.and(d, ma),
          b = v128.and(d, mb);
        const c = v128.and(d, mc),
          e = v128.and(d, md);
        const o = <usize>(2 * q) * 4;
        v128.store(top + o, v128.shuffle<f32>(a, b, 0, 4, 1, 5));
        v128.store(top + o, v128.shuffle<f32>(a, b, 2, 6, 3, 7), 16);
        v128.store(bot + o, v128.shuffle<f32>(c, e, 0, 4, 1, 5));
        v128.store(bot + o, v128.shuffle<f32>(c, e, 2, 6, 3, 7), 16);
        if (q === last) break;
        if (q + 4 <= last) {
          q += 4;
          corner = i32x4.add(corner, eight);
        } else {
          q = last;
          corner = i32x4.add(step, i32x4.splat(base + 2 * q));
        }
      }
      if (single) {
        const qe = ow - 1;
        const dv = mp === 0 || load<f32>(mr + <usize>qe * 4) > 0 ? load<f32>(dr + <usize>qe * 4) : 0;
        const rel = load<i32>(ar + <usize>qe * 4) - (base + 2 * qe);
        const o = <usize>(2 * qe) * 4;
        store<f32>(top + o, rel === 0 ? dv : 0);
        store<f32>(top + o, rel === 1 ? dv : 0, 4);
        store<f32>(bot + o, rel === W ? dv : 0);
        store<f32>(bot + o, rel === W + 1 ? dv : 0, 4);
        ok = ok && (rel === 0 || rel === 1 || rel === W || rel === W + 1);
      }
    }
    if (!ok || !i32x4.all_true(inside)) scatterPlane(dyp, ap, dxp, hw, ohw, mp, status);
  }
}
