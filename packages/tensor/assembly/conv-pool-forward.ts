// Inference forward of a stride-1 convolution followed by 2×2 stride-2 max pooling (and optionally a
// ReLU, which commutes with the max): y[o, r, q] = relu(max over the window of conv(x)[o, 2r + a,
// 2q + b]) + bias). The convolution's output (4× the pooled one) is never written: each pooled pixel's
// four convolution outputs are computed in registers and pooled at once.
//
// Filters run along the lanes: two groups of four filters, the four window positions each, are eight
// accumulators; the input pixels are splats read from zero-padded planes, and each splat of a patch
// row serves two taps (window columns b = 0 and 1). Every convolution output is summed as the
// im2col GEMM sums it (taps in (c, i, j) order from zero, each a multiply-add), and the bias is added
// after the max, which equals adding it before (rounding is monotone), so the result is the unfused
// forward's to the bit.

// biome-ignore lint/style/useImportType: AssemblyScript has no type-only imports.
import { Geom } from './generated/records';
import { checkRange } from './check';
import { madd } from './simd';

/** Filters per pass: two groups of four lanes. */
const GROUP: i32 = 8;

/** Whether {@link conv2dMaxPool} computes this convolution: stride 1 and at least one pooled pixel. */
export function convPoolFits(g: Geom): bool {
  return g.sh === 1 && g.sw === 1 && g.oh >= 2 && g.ow >= 2;
}

function taps(g: Geom): i32 {
  return g.C * g.kh * g.kw;
}

/** Floats of the packed filters: per group of eight, the taps' eight values, then the eight biases. */
function packedFloats(g: Geom): i32 {
  return ((g.O + GROUP - 1) / GROUP) * GROUP * (taps(g) + 1);
}

/** Floats of the zero-padded input planes. */
function planeFloats(g: Geom): i32 {
  return g.C * (g.H + 2 * g.ph) * (g.W + 2 * g.pw);
}

/** Bytes of per-thread scratch {@link conv2dMaxPool} needs. */
export function convPoolScratchBytes(geom: usize): i32 {
  const g = changetype<Geom>(geom);
  return (packedFloats(g) + planeFloats(g)) * 4 + 64;
}

/** Packs w [O, C·kH·kW] and bias (0: none) in groups of eight filters, zero past O. */
function packFilters(w: usize, bias: usize, g: Geom, dst: usize): void {
  const t = taps(g);
  const groups = (g.O + GROUP - 1) / GROUP;
  for (let gp = 0; gp < groups; gp++) {
    const base = dst + <usize>(gp * GROUP * (t + 1)) * 4;
    for (let l = 0; l < GROUP; l++) {
      const o = gp * GROUP + l;
      for (let p = 0; p < t; p++) {
        const v: f32 = o < g.O ? load<f32>(w + <usize>(o * t + p) * 4) : 0;
        store<f32>(base + <usize>(p * GROUP + l) * 4, v);
      }
      const b: f32 = o < g.O && bias !== 0 ? load<f32>(bias + <usize>o * 4) : 0;
      store<f32>(base + <usize>(t * GROUP + l) * 4, b);
    }
  }
}

/** relu on four lanes as the activation kernel computes it: NaN stays, −0 and negatives become +0. */
function relu4(v: v128): v128 {
  return v128.and(v, v128.or(f32x4.gt(v, f32x4.splat(0)), f32x4.ne(v, v)));
}

/** Stores lanes [0, n) of v at dst, dst + step, … (one pooled pixel of consecutive filters' planes). */
function scatter(dst: usize, step: usize, v: v128, n: i32): void {
  store<f32>(dst, f32x4.extract_lane(v, 0));
  if (n > 1) store<f32>(dst + step, f32x4.extract_lane(v, 1));
  if (n > 2) store<f32>(dst + 2 * step, f32x4.extract_lane(v, 2));
  if (n > 3) store<f32>(dst + 3 * step, f32x4.extract_lane(v, 3));
}

/**
 * Pooled row r of the eight filters whose packed taps start at wp, into y planes of `plane` bytes
 * from yo (the first filter's row); `valid` of the eight are stored. `exact`: the max and the ReLU
 * keep NaN (f32x4.max); otherwise they are pmax, exact only where no NaN arises, which
 * {@link conv2dMaxPool} makes sure of beforehand. One call a row: a call per pixel cost as much as
 * a 3×3 pixel's arithmetic.
 */
function row8(
  g: Geom,
  planes: usize,
  r: i32,
  wp: usize,
  yo: usize,
  plane: usize,
  valid: i32,
  relu: bool,
  exact: bool,
): void {
  const wpad = g.W + 2 * g.pw;
  const rowBytes = <usize>wpad * 4;
  const planeBytes = <usize>((g.H + 2 * g.ph) * wpad) * 4;
  const kh = g.kh,
    kw = g.kw,
    C = g.C;
  const pow = g.ow / 2;
  const zero = f32x4.splat(0);
  const rowStart = planes + <usize>(2 * r * wpad) * 4;
  for (let q = 0; q < pow; q++) {
    let a0 = zero,
      a1 = zero,
      a2 = zero,
      a3 = zero,
      b0 = zero,
      b1 = zero,
      b2 = zero,
      b3 = zero;
    let wt = wp;
    let p = rowStart + <usize>(2 * q) * 4;
    for (let c = 0; c < C; c++) {
      for (let i = 0; i < kh; i++) {
        const r0 = p + <usize>i * rowBytes;
        const r1 = r0 + rowBytes;
        // x0, x1: input (i, j) and (i + 1, j) of the top-left window position; y0, y1: one column on
        let x0 = v128.load32_splat(r0),
          x1 = v128.load32_splat(r1);
        for (let j = 0; j < kw; j++) {
          const o = <usize>(j + 1) * 4;
          const y0 = v128.load32_splat(r0 + o),
            y1 = v128.load32_splat(r1 + o);
          let e = v128.load(wt);
          a0 = madd(e, x0, a0);
          a1 = madd(e, y0, a1);
          a2 = madd(e, x1, a2);
          a3 = madd(e, y1, a3);
          e = v128.load(wt, 16);
          b0 = madd(e, x0, b0);
          b1 = madd(e, y0, b1);
          b2 = madd(e, x1, b2);
          b3 = madd(e, y1, b3);
          x0 = y0;
          x1 = y1;
          wt += 32;
        }
      }
      p += planeBytes;
    }
    // wt now points at the eight biases
    let ma: v128, mb: v128;
    if (exact) {
      ma = f32x4.add(f32x4.max(f32x4.max(a0, a1), f32x4.max(a2, a3)), v128.load(wt));
      mb = f32x4.add(f32x4.max(f32x4.max(b0, b1), f32x4.max(b2, b3)), v128.load(wt, 16));
      if (relu) {
        ma = relu4(ma);
        mb = relu4(mb);
      }
    } else {
      // in the pooling kernel's order (which of two equal zeros stays decides the sign without ReLU)
      ma = f32x4.add(f32x4.pmax(f32x4.pmax(f32x4.pmax(a0, a1), a2), a3), v128.load(wt));
      mb = f32x4.add(f32x4.pmax(f32x4.pmax(f32x4.pmax(b0, b1), b2), b3), v128.load(wt, 16));
      if (relu) {
        // pmax(0, m) = 0 < m ? m : +0: relu, −0 included, for numbers
        ma = f32x4.pmax(zero, ma);
        mb = f32x4.pmax(zero, mb);
      }
    }
    const at = yo + <usize>q * 4;
    if (valid === GROUP) {
      store<f32>(at, f32x4.extract_lane(ma, 0));
      store<f32>(at + plane, f32x4.extract_lane(ma, 1));
      store<f32>(at + 2 * plane, f32x4.extract_lane(ma, 2));
      store<f32>(at + 3 * plane, f32x4.extract_lane(ma, 3));
      store<f32>(at + 4 * plane, f32x4.extract_lane(mb, 0));
      store<f32>(at + 5 * plane, f32x4.extract_lane(mb, 1));
      store<f32>(at + 6 * plane, f32x4.extract_lane(mb, 2));
      store<f32>(at + 7 * plane, f32x4.extract_lane(mb, 3));
    } else {
      scatter(at, plane, ma, valid);
      if (valid > 4) scatter(at + 4 * plane, plane, mb, valid - 4);
    }
  }
}

/** Pooled pixels of one sample from its padded planes (see {@link row8} for `exact`). */
function sample(
  g: Geom,
  planes: usize,
  packed: usize,
  yn: usize,
  plane: usize,
  relu: bool,
  exact: bool,
): void {
  const t = taps(g);
  const groups = (g.O + GROUP - 1) / GROUP;
  const poh = g.oh / 2,
    pow = g.ow / 2;
  for (let gp = 0; gp < groups; gp++) {
    const wp = packed + <usize>(gp * GROUP * (t + 1)) * 4;
    const valid = min(GROUP, g.O - gp * GROUP);
    const yg = yn + <usize>(gp * GROUP) * plane;
    for (let r = 0; r < poh; r++)
      row8(g, planes, r, wp, yg + <usize>(r * pow) * 4, plane, valid, relu, exact);
  }
}

/**
 * A bound on |conv(x) + bias| over every output from the packed filters: max over filters of
 * Σ|w|, and max |bias|, as [Σ|w| bound, bias bound] in f64 (NaN or ∞ weights give NaN or ∞).
 */
function filterSum(packed: usize, g: Geom): f64 {
  const t = taps(g);
  const groups = (g.O + GROUP - 1) / GROUP;
  let worst: f64 = 0;
  for (let gp = 0; gp < groups; gp++) {
    const base = packed + <usize>(gp * GROUP * (t + 1)) * 4;
    for (let l = 0; l < GROUP; l++) {
      let sum: f64 = 0;
      for (let p = 0; p < t; p++) sum += Math.abs(<f64>load<f32>(base + <usize>(p * GROUP + l) * 4));
      // NaN never compares greater: keep it
      if (!(sum <= worst)) worst = sum;
    }
  }
  return worst;
}

function biasMax(packed: usize, g: Geom): f64 {
  const t = taps(g);
  const groups = (g.O + GROUP - 1) / GROUP;
  let worst: f64 = 0;
  for (let gp = 0; gp < groups; gp++) {
    const base = packed + <usize>(gp * GROUP * (t + 1) + t * GROUP) * 4;
    for (let l = 0; l < GROUP; l++) {
      const b = Math.abs(<f64>load<f32>(base + <usize>l * 4));
      if (!(b <= worst)) worst = b;
    }
  }
  return worst;
}

/** max |x| over n floats at x (NaN when one is NaN). */
function absMax(x: usize, n: i32): f64 {
  let m = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) m = f32x4.max(m, f32x4.abs(v128.load(x + <usize>i * 4)));
  let s = <f64>f32x4.extract_lane(f32x4.max(m, v128.shuffle<f32>(m, m, 2, 3, 0, 1)), 0);
  const s1 = <f64>f32x4.extract_lane(f32x4.max(m, v128.shuffle<f32>(m, m, 2, 3, 0, 1)), 1);
  s = Number.isNaN(s) || Number.isNaN(s1) ? NaN : max(s, s1);
  for (; i < n; i++) {
    const v = Math.abs(<f64>load<f32>(x + <usize>i * 4));
    s = Number.isNaN(v) || Number.isNaN(s) ? NaN : max(s, v);
  }
  return s;
}

/** Below this bound on |conv(x) + bias| no sum overflows, so none is NaN (float32's largest is 3.4e38). */
const FINITE_BOUND: f64 = 1e38;

/**
 * y [N, O, oh / 2, ow / 2] ← maxpool2×2(conv(x, w) + bias), relu'd when `relu` ≠ 0, for samples
 * [lo, hi) ({@link convPoolFits}); x [N, C, H, W], w [O, C, kH, kW], bias [O] or 0 for none.
 * Each chunk packs the filters into its thread's scratch ({@link convPoolScratchBytes}).
 */
export function conv2dMaxPool(
  tid: i32,
  _chunk: i32,
  lo: i32,
  hi: i32,
  x: usize,
  w: usize,
  bias: usize,
  y: usize,
  geom: usize,
  relu: i32,
  scratchBase: usize,
  scratchStride: usize,
): void {
  checkRange(lo, hi);
  const g = changetype<Geom>(geom);
  assert(convPoolFits(g), 'geometry');
  const scratch = (scratchBase + <usize>tid * scratchStride + 15) & ~(<usize>15);
  const packed = scratch;
  const planes = packed + <usize>packedFloats(g) * 4;
  packFilters(w, bias, g, packed);
  const wSum = filterSum(packed, g);
  const bMax = biasMax(packed, g);
  const H = g.H,
    W = g.W,
    wpad = W + 2 * g.pw;
  const poh = g.oh / 2,
    pow = g.ow / 2;
  const plane = <usize>(poh * pow) * 4;
  const inSize = <usize>(g.C * H * W) * 4;
  const outSize = <usize>g.O * plane;
  memory.fill(planes, 0, <usize>planeFloats(g) * 4);
  for (let n = lo; n < hi; n++) {
    // the input into the zero-padded planes (the borders stay zero)
    const xn = x + <usize>n * inSize;
    for (let c = 0; c < g.C; c++) {
      for (let r = 0; r < H; r++) {
        const src = xn + <usize>((c * H + r) * W) * 4;
        const dst = planes + <usize>((c * (H + 2 * g.ph) + r + g.ph) * wpad + g.pw) * 4;
        memory.copy(dst, src, <usize>W * 4);
      }
    }
    const yn = y + <usize>n * outSize;
    // every sum finite (no NaN in x or w, nothing that can overflow): pmax is exact
    const bound = absMax(xn, g.C * H * W) * wSum + bMax;
    sample(g, planes, packed, yn, plane, relu !== 0, !(bound < FINITE_BOUND));
  }
}
