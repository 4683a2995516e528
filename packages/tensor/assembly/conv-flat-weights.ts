// Weight gradient of stride-1 "same"-width 3×3 layers with few input channels (the first convolution
// of an image model: 1 → 32 3×3 pad 1), as flat dot products over whole planes:
// dW[o, c, i, j] = Σ_q dy[o, q] · x_j[c, q + i·W + j − pw] for q = y·W + x running over the output plane
// in one loop. That works because the output row is as wide as the input row (ow = W): tap column j
// reads input column x + j − pw, which in a plane of row stride W lands, for the x where it falls
// outside the image, on a neighbouring row's edge column; x_j is a copy of x[c] (with ph zero rows
// above and below) in which exactly those columns — never read legitimately by tap column j — are
// zero. One pass then reads dy and x_j once, 196 vectors a 28×28 plane, with no row ends to handle;
// pixels run along the SIMD lanes and each output is one horizontal sum per sample (1.07× the
// row-by-row direct kernel of conv-direct.ts, the same sums in the same order when ow is a multiple of 4;
// for LeNet's 5×5 first
// layer the outer product of conv-outer-weights.ts stays faster).

// biome-ignore lint/style/useImportType: AssemblyScript has no type-only imports.
import { Geom } from './generated/records';
import { hsum, madd } from './simd';

/** Floats of one masked plane's region: 4 zero floats either side of the (H + 2ph) × W plane. */
function regionFloats(g: Geom): i32 {
  return ((g.H + 2 * g.ph) * g.W + 8 + 3) & ~3;
}

/** Most input channels (the masked planes of one channel are rebuilt per sample and channel). */
const MAX_FLAT_CHANNELS: i32 = 3;

/**
 * Whether {@link flatWeightsChunk} computes this layer's weight gradient: stride 1, output rows as wide
 * as the input's (pw = 1), 3-wide filters, at most {@link MAX_FLAT_CHANNELS} input
 * channels, whole vectors per output plane, and its kW masked planes fit `room` floats of scratch.
 */
export function flatWeightsFits(g: Geom, room: i32): bool {
  return (
    g.sh === 1 &&
    g.sw === 1 &&
    g.ow === g.W &&
    g.kw === 3 &&
    g.C <= MAX_FLAT_CHANNELS &&
    ((g.oh * g.ow) & 3) === 0 &&
    g.kw * regionFloats(g) <= room
  );
}

function put(at: usize, acc: v128, first: bool): void {
  const s = hsum(acc);
  store<f32>(at, first ? s : load<f32>(at) + s);
}

/**
 * Three taps (one filter row, kW = 3) for three output channels over P pixels: dy planes d0, d1, d2;
 * shifted planes x0, x1, x2; dw rows w0, w1, w2, of which the first `m` are stored.
 */
function pass3(
  P: i32,
  d0: usize,
  d1: usize,
  d2: usize,
  x0: usize,
  x1: usize,
  x2: usize,
  w0: usize,
  w1: usize,
  w2: usize,
  m: i32,
  first: bool,
): void {
  let a0 = f32x4.splat(0),
    a1 = a0,
    a2 = a0;
  let b0 = a0,
    b1 = a0,
    b2 = a0;
  let c0 = a0,
    c1 = a0,
    c2 = a0;
  const end = <usize>P * 4;
  for (let q: usize = 0; q < end; q += 16) {
    const e = v128.load(d0 + q),
      f = v128.load(d1 + q),
      h = v128.load(d2 + q);
    let v = v128.load(x0 + q);
    a0 = madd(e, v, a0);
    b0 = madd(f, v, b0);
    c0 = madd(h, v, c0);
    v = v128.load(x1 + q);
    a1 = madd(e, v, a1);
    b1 = madd(f, v, b1);
    c1 = madd(h, v, c1);
    v = v128.load(x2 + q);
    a2 = madd(e, v, a2);
    b2 = madd(f, v, b2);
    c2 = madd(h, v, c2);
  }
  put(w0, a0, first);
  put(w0 + 4, a1, first);
  put(w0 + 8, a2, first);
  if (m < 2) return;
  put(w1, b0, first);
  put(w1 + 4, b1, first);
  put(w1 + 8, b2, first);
  if (m < 3) return;
  put(w2, c0, first);
  put(w2 + 4, c1, first);
  put(w2 + 8, c2, first);
}

/**
 * dw [O, C·kH·kW] (a chunk's partial, not transposed; overwritten) ← Σ over the samples [lo, hi) of
 * x [N, C, H, W] and dy [N, O, oh, ow] (see the file comment); `scratch` holds kW masked planes.
 */
export function flatWeightsChunk(
  x: usize,
  dy: usize,
  g: Geom,
  lo: i32,
  hi: i32,
  dw: usize,
  scratch: usize,
): void {
  const W = g.W,
    H = g.H;
  const P = g.oh * g.ow;
  const R = <usize>regionFloats(g) * 4;
  const kk = g.kh * g.kw;
  const ckk = g.C * kk;
  const planeBytes = <usize>P * 4;
  // Zeros everywhere but the copied columns of the image rows, which every sample rewrites.
  memory.fill(scratch, 0, <usize>g.kw * R);
  // plane j's element (r, col) of the padded plane is at scratch + j·R + 16 + (r·W + col)·4
  const inSize = <usize>(g.C * H * W) * 4;
  const outSize = <usize>g.O * planeBytes;
  for (let n = lo; n < hi; n++) {
    const first = n === lo;
    const dyn = dy + <usize>n * outSize;
    for (let c = 0; c < g.C; c++) {
      const xc = x + <usize>n * inSize + <usize>(c * H * W) * 4;
      for (let j = 0; j < g.kw; j++) {
        const dj = j - g.pw;
        const c0 = max(0, dj);
        const c1 = min(W, W + dj);
        const base = scratch + <usize>j * R + 16 + <usize>(g.ph * W + c0) * 4;
        for (let r = 0; r < H; r++) {
          const src = xc + <usize>(r * W + c0) * 4;
          const dst = base + <usize>(r * W) * 4;
          let q = 0;
          for (; q + 4 <= c1 - c0; q += 4) v128.store(dst + <usize>q * 4, v128.load(src + <usize>q * 4));
          for (; q < c1 - c0; q++) store<f32>(dst + <usize>q * 4, load<f32>(src + <usize>q * 4));
        }
      }
      // a channel triple's dy planes (3 × P floats) stay in L1 over the kH filter rows
      const xi = scratch + 16 - <usize>g.pw * 4;
      const step = R + 4;
      for (let o = 0; o < g.O; o += 3) {
        const o1 = min(o + 1, g.O - 1);
        const o2 = min(o + 2, g.O - 1);
        const d0 = dyn + <usize>o * planeBytes;
        const d1 = dyn + <usize>o1 * planeBytes;
        const d2 = dyn + <usize>o2 * planeBytes;
        for (let i = 0; i < g.kh; i++) {
          const at = xi + <usize>(i * W) * 4;
          pass3(
            P,
            d0,
            d1,
            d2,
            at,
            at + step,
            at + 2 * step,
            dw + <usize>(o * ckk + c * kk + i * 3) * 4,
            dw + <usize>(o1 * ckk + c * kk + i * 3) * 4,
            dw + <usize>(o2 * ckk + c * kk + i * 3) * 4,
            min(3, g.O - o),
            first,
          );
        }
      }
    }
  }
}
