// Weight gradient of a convolution followed by max pooling (and a ReLU between them), straight from the
// pooled gradient and the pooling's argmax: each window adds dy · (the input patch under the convolution
// output it chose) to dW, so the sum runs over a quarter of the outputs after a 2×2 pool and the
// convolution's output gradient is never written. For 3-row filters at most 4 wide (simple-cnn's 3×3)
// a patch row is one 4-lane load from a zero-padded copy of the input plane (the lanes past kW are
// summed and dropped), three fused multiply-adds a window; for 5-row filters 5 to 8 wide (LeNet-5's
// 5×5), two loads a row, ten multiply-adds. A table maps an argmax (an index in the outH×outW
// plane) to its patch's offset in the padded plane, so any index in the plane works, not only one
// inside its window. Chunks own output channels: each dW row is summed on one thread, samples and
// windows in order, the same sums whatever the thread count.

// biome-ignore lint/style/useImportType: AssemblyScript has no type-only imports.
import { Geom } from './generated/records';
import { hsum, madd } from './simd';

/** Floats a padded row holds: the image row, pW zeros either side, and room for an 8-wide load. */
function paddedWidth(g: Geom): i32 {
  return (g.W + 2 * g.pw + 8 + 3) & ~3;
}

/** Bytes of one (output, input channel)'s sums: kH rows of one or two vectors. */
function sumBytes(g: Geom): i32 {
  return g.kh * (g.kw <= 4 ? 16 : 32);
}

function paddedPlaneBytes(g: Geom): i32 {
  return (g.H + 2 * g.ph) * paddedWidth(g) * 4;
}

/** Bytes of the argmax → patch offset table (one i32 per convolution output), 16-byte aligned. */
function tableBytes(g: Geom): i32 {
  return (g.oh * g.ow * 4 + 15) & ~15;
}

/**
 * Whether {@link conv2dPoolWeights} computes this layer's weight gradient: 3-row filters at most 4
 * wide, or 5-row ones 5 to 8 wide.
 */
export function poolWeightsFits(geom: usize): bool {
  const g = changetype<Geom>(geom);
  return (g.kh === 3 && g.kw >= 1 && g.kw <= 4) || (g.kh === 5 && g.kw >= 5 && g.kw <= 8);
}

/** Scratch bytes a thread needs: the table, C padded planes and the sums of every output channel. */
export function poolWeightsScratchBytes(geom: usize): i32 {
  const g = changetype<Geom>(geom);
  return tableBytes(g) + g.C * paddedPlaneBytes(g) + g.O * (g.C * sumBytes(g) + 16);
}

/**
 * One (sample, output channel, input channel): `pooled` windows of dy (masked by mp > 0 unless mp is 0)
 * at the indices of `ap` (clamped to [0, hw)), each times its patch's three rows in the padded plane
 * `xp` (rows `rb` bytes apart), added to the three row sums at `acc` and, unless `dbAt` is 0, dy's
 * sum to the vector at `dbAt`. Returns the lanes of the indices found outside [0, hw) (all-ones lanes).
 */
function plane(
  pooled: i32,
  dyp: usize,
  ap: usize,
  mp: usize,
  xp: usize,
  rb: usize,
  table: usize,
  hw: i32,
  acc: usize,
  dbAt: usize,
): v128 {
  // two sets of sums, for windows of even and odd lanes: twice the independent chains
  let a0 = v128.load(acc),
    a1 = v128.load(acc, 16),
    a2 = v128.load(acc, 32);
  let b0 = f32x4.splat(0),
    b1 = b0,
    b2 = b0;
  let dbs = b0;
  let bad = b0;
  const bound = i32x4.splat(hw);
  const top = i32x4.splat(hw - 1);
  const zero = f32x4.splat(0);
  const whole = pooled & ~3;
  for (let q = 0; q < whole; q += 4) {
    const at = <usize>q * 4;
    let d = v128.load(dyp + at);
    if (mp !== 0) d = v128.and(d, f32x4.gt(v128.load(mp + at), zero));
    const raw = v128.load(ap + at);
    bad = v128.or(bad, i32x4.ge_u(raw, bound));
    const idx = i32x4.min_u(raw, top);
    dbs = f32x4.add(dbs, d);
    let p = xp + <usize>load<i32>(table + ((<usize>i32x4.extract_lane(idx, 0)) << 2));
    let s = v128.shuffle<f32>(d, d, 0, 0, 0, 0);
    a0 = madd(s, v128.load(p), a0);
    a1 = madd(s, v128.load(p + rb), a1);
    a2 = madd(s, v128.load(p + 2 * rb), a2);
    p = xp + <usize>load<i32>(table + ((<usize>i32x4.extract_lane(idx, 1)) << 2));
    s = v128.shuffle<f32>(d, d, 1, 1, 1, 1);
    b0 = madd(s, v128.load(p), b0);
    b1 = madd(s, v128.load(p + rb), b1);
    b2 = madd(s, v128.load(p + 2 * rb), b2);
    p = xp + <usize>load<i32>(table + ((<usize>i32x4.extract_lane(idx, 2)) << 2));
    s = v128.shuffle<f32>(d, d, 2, 2, 2, 2);
    a0 = madd(s, v128.load(p), a0);
    a1 = madd(s, v128.load(p + rb), a1);
    a2 = madd(s, v128.load(p + 2 * rb), a2);
    p = xp + <usize>load<i32>(table + ((<usize>i32x4.extract_lane(idx, 3)) << 2));
    s = v128.shuffle<f32>(d, d, 3, 3, 3, 3);
    b0 = madd(s, v128.load(p), b0);
    b1 = madd(s, v128.load(p + rb), b1);
    b2 = madd(s, v128.load(p + 2 * rb), b2);
  }
  for (let q = whole; q < pooled; q++) {
    const at = <usize>q * 4;
    const dv: f32 = mp === 0 || load<f32>(mp + at) > 0 ? load<f32>(dyp + at) : 0;
    const raw = load<i32>(ap + at);
    if (<u32>raw >= <u32>hw) bad = i32x4.splat(-1);
    const idx = <u32>raw >= <u32>hw ? hw - 1 : raw;
    dbs = f32x4.replace_lane(dbs, 0, f32x4.extract_lane(dbs, 0) + dv);
    const p = xp + <usize>load<i32>(table + ((<usize>idx) << 2));
    const s = f32x4.splat(dv);
    a0 = madd(s, v128.load(p), a0);
    a1 = madd(s, v128.load(p + rb), a1);
    a2 = madd(s, v128.load(p + 2 * rb), a2);
  }
  v128.store(acc, f32x4.add(a0, b0));
  v128.store(acc, f32x4.add(a1, b1), 16);
  v128.store(acc, f32x4.add(a2, b2), 32);
  if (dbAt !== 0) v128.store(dbAt, f32x4.add(v128.load(dbAt), dbs));
  return bad;
}

/**
 * {@link plane} for 5-row filters 5 to 8 wide: each patch row two 4-lane loads, ten sums at `acc`
 * (row i's at acc + 32·i); a window at a time.
 */
function plane5(
  pooled: i32,
  dyp: usize,
  ap: usize,
  mp: usize,
  xp: usize,
  rb: usize,
  table: usize,
  hw: i32,
  acc: usize,
  dbAt: usize,
): v128 {
  let a0 = v128.load(acc),
    b0 = v128.load(acc, 16),
    a1 = v128.load(acc, 32),
    b1 = v128.load(acc, 48),
    a2 = v128.load(acc, 64),
    b2 = v128.load(acc, 80),
    a3 = v128.load(acc, 96),
    b3 = v128.load(acc, 112),
    a4 = v128.load(acc, 128),
    b4 = v128.load(acc, 144);
  let dbs: f32 = 0;
  let bad = false;
  for (let q = 0; q < pooled; q++) {
    const at = <usize>q * 4;
    const dv: f32 = mp === 0 || load<f32>(mp + at) > 0 ? load<f32>(dyp + at) : 0;
    const raw = load<i32>(ap + at);
    const out = <u32>raw >= <u32>hw;
    bad = bad || out;
    dbs += dv;
    const p = xp + <usize>load<i32>(table + ((<usize>(out ? hw - 1 : raw)) << 2));
    const s = f32x4.splat(dv);
    a0 = madd(s, v128.load(p), a0);
    b0 = madd(s, v128.load(p, 16), b0);
    a1 = madd(s, v128.load(p + rb), a1);
    b1 = madd(s, v128.load(p + rb, 16), b1);
    a2 = madd(s, v128.load(p + 2 * rb), a2);
    b2 = madd(s, v128.load(p + 2 * rb, 16), b2);
    a3 = madd(s, v128.load(p + 3 * rb), a3);
    b3 = madd(s, v128.load(p + 3 * rb, 16), b3);
    a4 = madd(s, v128.load(p + 4 * rb), a4);
    b4 = madd(s, v128.load(p + 4 * rb, 16), b4);
  }
  v128.store(acc, a0);
  v128.store(acc, b0, 16);
  v128.store(acc, a1, 32);
  v128.store(acc, b1, 48);
  v128.store(acc, a2, 64);
  v128.store(acc, b2, 80);
  v128.store(acc, a3, 96);
  v128.store(acc, b3, 112);
  v128.store(acc, a4, 128);
  v128.store(acc, b4, 144);
  if (dbAt !== 0) store<f32>(dbAt, load<f32>(dbAt) + dbs);
  return bad ? i32x4.splat(-1) : i32x4.splat(0);
}

/**
 * Output channels [lo, hi) of dW [O, C, 3, kW] and db [O] (db may be 0) from x [N, C, H, W], the pooled
 * gradient dy and argmax [N, O, pooled] and mask (0 for none; see the file comment); overwritten, or
 * added to with `accumulate`. An argmax outside the outH×outW plane stores 1 at `status` (the sums
 * are then unspecified; the caller throws).
 */
export function conv2dPoolWeights(
  tid: i32,
  _chunk: i32,
  lo: i32,
  hi: i32,
  x: usize,
  dy: usize,
  arg: usize,
  mask: usize,
  dw: usize,
  db: usize,
  geom: usize,
  batch: i32,
  pooled: i32,
  accumulate: i32,
  scratchBase: usize,
  scratchStride: usize,
  status: usize,
): void {
  const g = changetype<Geom>(geom);
  const C = g.C,
    H = g.H,
    W = g.W,
    O = g.O;
  const hw = g.oh * g.ow;
  const Wp = paddedWidth(g);
  const rb = <usize>Wp * 4;
  const pb = <usize>paddedPlaneBytes(g);
  const table = scratchBase + <usize>tid * scratchStride;
  const planes = table + <usize>tableBytes(g);
  const sums = planes + <usize>C * pb;
  const sb = <usize>sumBytes(g);
  const per = <usize>C * sb + 16;
  const five = g.kh === 5;
  for (let r = 0; r < g.oh; r++)
    for (let c = 0; c < g.ow; c++)
      store<i32>(table + <usize>(r * g.ow + c) * 4, (r * g.sh * Wp + c * g.sw) * 4);
  // the padding stays zero; every sample rewrites the image rows
  memory.fill(planes, 0, <usize>C * pb);
  memory.fill(sums, 0, <usize>(hi - lo) * per);
  let bad = i32x4.splat(0);
  const planeIn = <usize>(H * W) * 4;
  const planeOut = <usize>pooled * 4;
  for (let n = 0; n < batch; n++) {
    for (let c = 0; c < C; c++) {
      const src = x + <usize>(n * C + c) * planeIn;
      const dst = planes + <usize>c * pb + <usize>(g.ph * Wp + g.pw) * 4;
      // rows a vector at a time: a memory.copy per 28-float row costs a call into the engine
      for (let r = 0; r < H; r++) {
        const d = dst + <usize>r * rb;
        const s = src + <usize>(r * W) * 4;
        let q = 0;
        for (; q + 4 <= W; q += 4) v128.store(d + <usize>q * 4, v128.load(s + <usize>q * 4));
        for (; q < W; q++) store<f32>(d + <usize>q * 4, load<f32>(s + <usize>q * 4));
      }
    }
    for (let o = lo; o < hi; o++) {
      const off = <usize>(n * O + o) * planeOut;
      const mp: usize = mask === 0 ? 0 : mask + off;
      const acc = sums + <usize>(o - lo) * per;
      const dbAt: usize = db === 0 ? 0 : acc + <usize>C * sb;
      for (let c = 0; c < C; c++) {
        const xp = planes + <usize>c * pb;
        const ac = acc + <usize>c * sb;
        const dc: usize = c === 0 ? dbAt : 0;
        const b = five
          ? plane5(pooled, dy + off, arg + off, mp, xp, rb, table, hw, ac, dc)
          : plane(pooled, dy + off, arg + off, mp, xp, rb, table, hw, ac, dc);
        bad = v128.or(bad, b);
      }
    }
  }
  if (v128.any_true(bad)) store<i32>(status, 1);
  const kk = g.kh * g.kw;
  const rowBytes = sb / <usize>g.kh;
  for (let o = lo; o < hi; o++) {
    const acc = sums + <usize>(o - lo) * per;
    for (let c = 0; c < C; c++) {
      for (let i = 0; i < g.kh; i++) {
        const row = acc + <usize>c * sb + <usize>i * rowBytes;
        const out = dw + <usize>(o * C * kk + c * kk + i * g.kw) * 4;
        for (let j = 0; j < g.kw; j++) {
          const v = load<f32>(row + <usize>j * 4);
          store<f32>(out + <usize>j * 4, accumulate !== 0 ? load<f32>(out + <usize>j * 4) + v : v);
        }
      }
    }
    if (db !== 0) {
      // plane5 sums dy in lane 0 alone
      const s = hsum(v128.load(acc + <usize>C * sb));
      const at = db + <usize>o * 4;
      store<f32>(at, accumulate !== 0 ? load<f32>(at) + s : s);
    }
  }
}
