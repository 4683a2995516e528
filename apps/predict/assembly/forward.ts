// The forward pass of one picture through the layers a digit classifier is made of (src/forward.ts
// chains them): compiled, where the tensor package's js backend runs cold on a one-shot start. The
// float32 sums run in another order than the js backend's, so results agree within float32
// rounding, not bit for bit. NaN propagates as in the tensor package's kernels. Pointers are byte
// offsets into this module's memory; the caller lays the arrays out.

/**
 * 2-D convolution of one sample: x [c, h, w] with weights [f, c, kh, kw] (and bias [f], or `bias`
 * 0 for none) into y [f, oh, ow], stride (sh, sw), zero padding (ph, pw). `scratch` holds
 * (c·(h + 2ph) + 4·oh)·(w + 2pw) + 32 + f·c·kh·kw floats for the stride-1 path.
 */
export function conv2d(
  x: usize,
  wt: usize,
  bias: usize,
  y: usize,
  c: i32,
  h: i32,
  w: i32,
  f: i32,
  kh: i32,
  kw: i32,
  sh: i32,
  sw: i32,
  ph: i32,
  pw: i32,
  oh: i32,
  ow: i32,
  scratch: usize,
): void {
  const wp = w + 2 * pw;
  const hp = h + 2 * ph;
  if (sh === 1 && sw === 1 && oh === hp - kh + 1 && ow === wp - kw + 1) {
    conv2dStride1(x, wt, bias, y, c, h, w, f, kh, kw, ph, pw, oh, ow, scratch);
    return;
  }
  const plane = oh * ow;
  for (let o = 0; o < f; o++) {
    const yo = y + ((<usize>(o * plane)) << 2);
    const b: f32 = bias !== 0 ? load<f32>(bias + ((<usize>o) << 2)) : 0;
    for (let i = 0; i < plane; i++) store<f32>(yo + ((<usize>i) << 2), b);
    for (let ci = 0; ci < c; ci++) {
      const xc = x + ((<usize>(ci * h * w)) << 2);
      for (let ky = 0; ky < kh; ky++) {
        for (let kx = 0; kx < kw; kx++) {
          const wv = load<f32>(wt + ((<usize>(((o * c + ci) * kh + ky) * kw + kx)) << 2));
          // The outputs whose input column ix = ox·sw − pw + kx lies inside the row.
          let ox0 = 0;
          while (ox0 < ow && ox0 * sw - pw + kx < 0) ox0++;
          let ox1 = ow;
          while (ox1 > ox0 && (ox1 - 1) * sw - pw + kx >= w) ox1--;
          const n = ox1 - ox0;
          if (n <= 0) continue;
          for (let oy = 0; oy < oh; oy++) {
            const iy = oy * sh - ph + ky;
            if (iy < 0 || iy >= h) continue;
            const xr = xc + ((<usize>(iy * w + ox0 * sw - pw + kx)) << 2);
            const yr = yo + ((<usize>(oy * ow + ox0)) << 2);
            if (sw === 1) axpy(yr, xr, wv, n);
            else {
              for (let i = 0; i < n; i++) {
                const at = yr + ((<usize>i) << 2);
                store<f32>(at, load<f32>(at) + wv * load<f32>(xr + ((<usize>(i * sw)) << 2)));
              }
            }
          }
        }
      }
    }
  }
}

/**
 * {@link conv2d} at stride 1: the input zero-padded once, then each output plane computed at the
 * padded width, so that every (input channel, tap) is one long multiply-add over the whole plane
 * (the columns past the output's width are dropped at the end).
 */
function conv2dStride1(
  x: usize,
  wt: usize,
  bias: usize,
  y: usize,
  c: i32,
  h: i32,
  w: i32,
  f: i32,
  kh: i32,
  kw: i32,
  ph: i32,
  pw: i32,
  oh: i32,
  ow: i32,
  scratch: usize,
): void {
  const wp = w + 2 * pw;
  const hp = h + 2 * ph;
  const xp = scratch;
  const full = scratch + ((<usize>(c * hp * wp)) << 2);
  pad(x, xp, c, h, w, ph, pw);
  // The outputs that matter end at (oh − 1)·wp + ow: the last row's tail is never read.
  const n = (oh - 1) * wp + ow;
  if (f % 4 === 0) {
    conv2dFour(xp, wt, bias, y, full, c, hp * wp, wp, f, kh, kw, oh, ow, n);
    return;
  }
  for (let o = 0; o < f; o++) {
    const b: f32 = bias !== 0 ? load<f32>(bias + ((<usize>o) << 2)) : 0;
    for (let i = 0; i < n; i++) store<f32>(full + ((<usize>i) << 2), b);
    for (let ci = 0; ci < c; ci++) {
      const xc = xp + ((<usize>(ci * hp * wp)) << 2);
      for (let ky = 0; ky < kh; ky++) {
        for (let kx = 0; kx < kw; kx++) {
          const wv = load<f32>(wt + ((<usize>(((o * c + ci) * kh + ky) * kw + kx)) << 2));
          axpy(full, xc + ((<usize>(ky * wp + kx)) << 2), wv, n);
        }
      }
    }
    const yo = y + ((<usize>(o * oh * ow)) << 2);
    for (let oy = 0; oy < oh; oy++) {
      memory.copy(yo + ((<usize>(oy * ow)) << 2), full + ((<usize>(oy * wp)) << 2), (<usize>ow) << 2);
    }
  }
}

/**
 * The stride-1 outputs of four channels at a time, eight positions of the padded plane at a time:
 * the 8 sums stay in registers over every (input channel, tap), each input vector loaded once for
 * four channels, instead of a pass over the whole output plane per tap. Positions past `n` (up to
 * the next multiple of 8) read past the plane into scratch and are dropped; `full` holds 4 planes of
 * `n` rounded up to 8 floats.
 */
function conv2dFour(
  xp: usize,
  wt: usize,
  bias: usize,
  y: usize,
  full: usize,
  c: i32,
  plane: i32,
  wp: i32,
  f: i32,
  kh: i32,
  kw: i32,
  oh: i32,
  ow: i32,
  n: i32,
): void {
  const taps = kh * kw;
  const n8 = (n + 7) & ~7;
  const channelBytes = (<usize>(c * taps)) << 2;
  const fullBytes = (<usize>n8) << 2;
  for (let o = 0; o < f; o += 4) {
    const w0 = wt + <usize>o * channelBytes;
    let bv0 = f32x4.splat(0);
    let bv1 = bv0;
    let bv2 = bv0;
    let bv3 = bv0;
    if (bias !== 0) {
      const bo = bias + ((<usize>o) << 2);
      bv0 = f32x4.splat(load<f32>(bo));
      bv1 = f32x4.splat(load<f32>(bo, 4));
      bv2 = f32x4.splat(load<f32>(bo, 8));
      bv3 = f32x4.splat(load<f32>(bo, 12));
    }
    for (let i = 0; i < n8; i += 8) {
      let a0 = bv0;
      let a1 = bv1;
      let a2 = bv2;
      let a3 = bv3;
      let e0 = bv0;
      let e1 = bv1;
      let e2 = bv2;
      let e3 = bv3;
      for (let ci = 0; ci < c; ci++) {
        const xc = xp + ((<usize>(ci * plane + i)) << 2);
        const wc = w0 + ((<usize>(ci * taps)) << 2);
        for (let ky = 0; ky < kh; ky++) {
          for (let kx = 0; kx < kw; kx++) {
            const at = xc + ((<usize>(ky * wp + kx)) << 2);
            const x0 = v128.load(at);
            const x1 = v128.load(at, 16);
            const t = wc + ((<usize>(ky * kw + kx)) << 2);
            const v0 = f32x4.splat(load<f32>(t));
            const v1 = f32x4.splat(load<f32>(t + channelBytes));
            const v2 = f32x4.splat(load<f32>(t + 2 * channelBytes));
            const v3 = f32x4.splat(load<f32>(t + 3 * channelBytes));
            a0 = f32x4.add(a0, f32x4.mul(v0, x0));
            e0 = f32x4.add(e0, f32x4.mul(v0, x1));
            a1 = f32x4.add(a1, f32x4.mul(v1, x0));
            e1 = f32x4.add(e1, f32x4.mul(v1, x1));
            a2 = f32x4.add(a2, f32x4.mul(v2, x0));
            e2 = f32x4.add(e2, f32x4.mul(v2, x1));
            a3 = f32x4.add(a3, f32x4.mul(v3, x0));
            e3 = f32x4.add(e3, f32x4.mul(v3, x1));
          }
        }
      }
      const out = full + ((<usize>i) << 2);
      v128.store(out, a0);
      v128.store(out, e0, 16);
      v128.store(out + fullBytes, a1);
      v128.store(out + fullBytes, e1, 16);
      v128.store(out + 2 * fullBytes, a2);
      v128.store(out + 2 * fullBytes, e2, 16);
      v128.store(out + 3 * fullBytes, a3);
      v128.store(out + 3 * fullBytes, e3, 16);
    }
    for (let k = 0; k < 4; k++) {
      const yo = y + ((<usize>((o + k) * oh * ow)) << 2);
      const src = full + <usize>k * fullBytes;
      for (let oy = 0; oy < oh; oy++) {
        memory.copy(yo + ((<usize>(oy * ow)) << 2), src + ((<usize>(oy * wp)) << 2), (<usize>ow) << 2);
      }
    }
  }
}

/** x [c, h, w] zero-padded by (ph, pw) into xp [c, h + 2ph, w + 2pw]. */
function pad(x: usize, xp: usize, c: i32, h: i32, w: i32, ph: i32, pw: i32): void {
  const wp = w + 2 * pw;
  const hp = h + 2 * ph;
  memory.fill(xp, 0, (<usize>(c * hp * wp)) << 2);
  for (let ci = 0; ci < c; ci++) {
    for (let iy = 0; iy < h; iy++) {
      memory.copy(
        xp + ((<usize>((ci * hp + iy + ph) * wp + pw)) << 2),
        x + ((<usize>((ci * h + iy) * w)) << 2),
        (<usize>w) << 2,
      );
    }
  }
}

/**
 * {@link conv2d} for 3×3 kernels at stride 1 and `f` a multiple of 4 (oh = h + 2ph − 2,
 * ow = w + 2pw − 2), called for them instead (one function for V8 to compile, not three). As
 * conv2dFour does, but shaped for V8's baseline compiler (Liftoff), which keeps few vectors in
 * registers and spills every local at a loop's head: four sums (four channels at four positions)
 * instead of eight, and the nine taps of an input channel in one loop step (measured: the second
 * convolution of the pretrained model 0.73 → 0.47 ms). The weights are first packed, after the four
 * output planes, as [f/4, c, 9, 4] so that each tap's four channels lie together. The sums run in
 * the same order as conv2dFour's: bias, then (input channel, tap) in order. `scratch` holds
 * (c·(h + 2ph) + 4·oh)·(w + 2pw) + 32 + 9·f·c floats.
 */
export function conv3x3(
  x: usize,
  wt: usize,
  bias: usize,
  y: usize,
  c: i32,
  h: i32,
  w: i32,
  f: i32,
  ph: i32,
  pw: i32,
  scratch: usize,
): void {
  const wp = w + 2 * pw;
  const hp = h + 2 * ph;
  const oh = hp - 2;
  const ow = wp - 2;
  const xp = scratch;
  pad(x, xp, c, h, w, ph, pw);
  const full = scratch + ((<usize>(c * hp * wp)) << 2);
  // The outputs that matter end at (oh − 1)·wp + ow: the last row's tail is never read.
  const n4 = ((oh - 1) * wp + ow + 3) & ~3;
  const fullBytes = (<usize>n4) << 2;
  const packed = full + 4 * fullBytes;
  const taps = c * 9;
  for (let o = 0; o < f; o++) {
    const to = packed + ((<usize>(((o >> 2) * taps) << 2) + (o & 3)) << 2);
    const from = wt + ((<usize>(o * taps)) << 2);
    for (let q = 0; q < taps; q++) store<f32>(to + ((<usize>q) << 4), load<f32>(from + ((<usize>q) << 2)));
  }
  const rowBytes = (<usize>wp) << 2;
  const planeBytes = (<usize>(hp * wp)) << 2;
  for (let o = 0; o < f; o += 4) {
    const w0 = packed + ((<usize>(o * taps)) << 2);
    let b0 = f32x4.splat(0);
    let b1 = b0;
    let b2 = b0;
    let b3 = b0;
    if (bias !== 0) {
      const bo = bias + ((<usize>o) << 2);
      b0 = v128.load32_splat(bo);
      b1 = v128.load32_splat(bo, 4);
      b2 = v128.load32_splat(bo, 8);
      b3 = v128.load32_splat(bo, 12);
    }
    for (let i = 0; i < n4; i += 4) {
      let a0 = b0;
      let a1 = b1;
      let a2 = b2;
      let a3 = b3;
      let r = xp + ((<usize>i) << 2);
      let wc = w0;
      const end = w0 + ((<usize>taps) << 4);
      // Each step: the nine taps of one input channel, a kernel row at a time.
      for (; wc < end; wc += 144) {
        let x = v128.load(r);
        a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(wc), x));
        a1 = f32x4.add(a1, f32x4.mul(v128.load32_splat(wc, 4), x));
        a2 = f32x4.add(a2, f32x4.mul(v128.load32_splat(wc, 8), x));
        a3 = f32x4.add(a3, f32x4.mul(v128.load32_splat(wc, 12), x));
        x = v128.load(r, 4);
        a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(wc, 16), x));
        a1 = f32x4.add(a1, f32x4.mul(v128.load32_splat(wc, 20), x));
        a2 = f32x4.add(a2, f32x4.mul(v128.load32_splat(wc, 24), x));
        a3 = f32x4.add(a3, f32x4.mul(v128.load32_splat(wc, 28), x));
        x = v128.load(r, 8);
        a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(wc, 32), x));
        a1 = f32x4.add(a1, f32x4.mul(v128.load32_splat(wc, 36), x));
        a2 = f32x4.add(a2, f32x4.mul(v128.load32_splat(wc, 40), x));
        a3 = f32x4.add(a3, f32x4.mul(v128.load32_splat(wc, 44), x));
        let q = r + rowBytes;
        x = v128.load(q);
        a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(wc, 48), x));
        a1 = f32x4.add(a1, f32x4.mul(v128.load32_splat(wc, 52), x));
        a2 = f32x4.add(a2, f32x4.mul(v128.load32_splat(wc, 56), x));
        a3 = f32x4.add(a3, f32x4.mul(v128.load32_splat(wc, 60), x));
        x = v128.load(q, 4);
        a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(wc, 64), x));
        a1 = f32x4.add(a1, f32x4.mul(v128.load32_splat(wc, 68), x));
        a2 = f32x4.add(a2, f32x4.mul(v128.load32_splat(wc, 72), x));
        a3 = f32x4.add(a3, f32x4.mul(v128.load32_splat(wc, 76), x));
        x = v128.load(q, 8);
        a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(wc, 80), x));
        a1 = f32x4.add(a1, f32x4.mul(v128.load32_splat(wc, 84), x));
        a2 = f32x4.add(a2, f32x4.mul(v128.load32_splat(wc, 88), x));
        a3 = f32x4.add(a3, f32x4.mul(v128.load32_splat(wc, 92), x));
        q += rowBytes;
        x = v128.load(q);
        a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(wc, 96), x));
        a1 = f32x4.add(a1, f32x4.mul(v128.load32_splat(wc, 100), x));
        a2 = f32x4.add(a2, f32x4.mul(v128.load32_splat(wc, 104), x));
        a3 = f32x4.add(a3, f32x4.mul(v128.load32_splat(wc, 108), x));
        x = v128.load(q, 4);
        a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(wc, 112), x));
        a1 = f32x4.add(a1, f32x4.mul(v128.load32_splat(wc, 116), x));
        a2 = f32x4.add(a2, f32x4.mul(v128.load32_splat(wc, 120), x));
        a3 = f32x4.add(a3, f32x4.mul(v128.load32_splat(wc, 124), x));
        x = v128.load(q, 8);
        a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(wc, 128), x));
        a1 = f32x4.add(a1, f32x4.mul(v128.load32_splat(wc, 132), x));
        a2 = f32x4.add(a2, f32x4.mul(v128.load32_splat(wc, 136), x));
        a3 = f32x4.add(a3, f32x4.mul(v128.load32_splat(wc, 140), x));
        r += planeBytes;
      }
      const out = full + ((<usize>i) << 2);
      v128.store(out, a0);
      v128.store(out + fullBytes, a1);
      v128.store(out + 2 * fullBytes, a2);
      v128.store(out + 3 * fullBytes, a3);
    }
    for (let k = 0; k < 4; k++) {
      const yo = y + ((<usize>((o + k) * oh * ow)) << 2);
      const src = full + <usize>k * fullBytes;
      for (let oy = 0; oy < oh; oy++) {
        memory.copy(yo + ((<usize>(oy * ow)) << 2), src + ((<usize>(oy * wp)) << 2), (<usize>ow) << 2);
      }
    }
  }
}

/** y[i] += a·x[i], i < n, four lanes at a time. */
function axpy(y: usize, x: usize, a: f32, n: i32): void {
  const av = f32x4.splat(a);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = y + ((<usize>i) << 2);
    v128.store(at, f32x4.add(v128.load(at), f32x4.mul(av, v128.load(x + ((<usize>i) << 2)))));
  }
  for (; i < n; i++) {
    const at = y + ((<usize>i) << 2);
    store<f32>(at, load<f32>(at) + a * load<f32>(x + ((<usize>i) << 2)));
  }
}

/**
 * An inference batch norm of x [c, plane], in place: per channel, scale = γ·invStd and
 * shift = β − μ·scale with invStd = 1/√(σ² + eps), worked out as the layer's JavaScript does (in
 * float64, rounded to float32 where it stores them), then x ← x·scale + shift in float32.
 */
export function batchNorm(
  x: usize,
  gamma: usize,
  beta: usize,
  mean: usize,
  variance: usize,
  eps: f64,
  c: i32,
  plane: i32,
): void {
  for (let ch = 0; ch < c; ch++) {
    const s = normScale(gamma, variance, eps, ch);
    const t = normShift(beta, mean, s, ch);
    const base = x + ((<usize>(ch * plane)) << 2);
    for (let i = 0; i < plane; i++) {
      const p = base + ((<usize>i) << 2);
      store<f32>(p, load<f32>(p) * s + t);
    }
  }
}

/** Channel `ch`'s batch-norm scale γ·invStd, invStd = 1/√(σ² + eps), in float64 rounded to float32. */
function normScale(gamma: usize, variance: usize, eps: f64, ch: i32): f32 {
  const at = (<usize>ch) << 2;
  const invStd = <f32>(1.0 / Math.sqrt(<f64>load<f32>(variance + at) + eps));
  return <f32>(<f64>load<f32>(gamma + at) * <f64>invStd);
}

/** Channel `ch`'s batch-norm shift β − μ·scale, in float64 rounded to float32. */
function normShift(beta: usize, mean: usize, s: f32, ch: i32): f32 {
  const at = (<usize>ch) << 2;
  return <f32>(<f64>load<f32>(beta + at) - <f64>load<f32>(mean + at) * <f64>s);
}

/**
 * {@link batchNorm} and {@link relu} of x [c, h, w], then, when `pool` is 2, a 2×2, stride-2,
 * unpadded {@link maxPool2d}, into y [c, h/pool, w/pool] (rounded down; y may be x when `pool` is
 * 1), in one pass over x instead of two or three, and one function for V8 to compile instead of
 * three: the same bits. Each value is x·scale + shift in float32 as batchNorm makes it; ReLU then
 * pooling is the largest of the window's values and 0 (f32.max: NaN when one is NaN, and +0 over
 * −0, as relu's 0 is +0).
 */
export function batchNormReluPool(
  x: usize,
  y: usize,
  gamma: usize,
  beta: usize,
  mean: usize,
  variance: usize,
  eps: f64,
  c: i32,
  h: i32,
  w: i32,
  pool: i32,
): void {
  const plane = h * w;
  const oh = pool === 2 ? h >> 1 : h;
  const ow = pool === 2 ? w >> 1 : w;
  const rowBytes = (<usize>w) << 2;
  for (let ch = 0; ch < c; ch++) {
    const s = normScale(gamma, variance, eps, ch);
    const t = normShift(beta, mean, s, ch);
    const xc = x + ((<usize>(ch * plane)) << 2);
    let out = y + ((<usize>(ch * oh * ow)) << 2);
    if (pool !== 2) {
      for (let i = 0; i < plane; i++) {
        store<f32>(out + ((<usize>i) << 2), max<f32>(load<f32>(xc + ((<usize>i) << 2)) * s + t, 0));
      }
      continue;
    }
    for (let oy = 0; oy < oh; oy++) {
      const r0 = xc + <usize>(2 * oy) * rowBytes;
      const r1 = r0 + rowBytes;
      for (let ox = 0; ox < ow; ox++) {
        const at = (<usize>ox) << 3;
        const top = max<f32>(load<f32>(r0 + at) * s + t, load<f32>(r0 + at, 4) * s + t);
        const bottom = max<f32>(load<f32>(r1 + at) * s + t, load<f32>(r1 + at, 4) * s + t);
        store<f32>(out, max<f32>(max<f32>(top, bottom), 0));
        out += 4;
      }
    }
  }
}

/** x[i] ← max(x[i], 0), i < n; NaN stays NaN. */
export function relu(x: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const at = x + ((<usize>i) << 2);
    const v = load<f32>(at);
    if (!(v > 0) && !Number.isNaN(v)) store<f32>(at, 0);
  }
}

/**
 * Max pooling of one sample: x [c, h, w] into y [c, oh, ow], window (kh, kw), stride (sh, sw),
 * padding (ph, pw) that never wins; a NaN in the window gives NaN.
 */
export function maxPool2d(
  x: usize,
  y: usize,
  c: i32,
  h: i32,
  w: i32,
  kh: i32,
  kw: i32,
  sh: i32,
  sw: i32,
  ph: i32,
  pw: i32,
  oh: i32,
  ow: i32,
): void {
  for (let ch = 0; ch < c; ch++) {
    const xc = x + ((<usize>(ch * h * w)) << 2);
    const yc = y + ((<usize>(ch * oh * ow)) << 2);
    for (let oy = 0; oy < oh; oy++) {
      const y0 = max(oy * sh - ph, 0);
      const y1 = min(oy * sh - ph + kh, h);
      for (let ox = 0; ox < ow; ox++) {
        const x0 = max(ox * sw - pw, 0);
        const x1 = min(ox * sw - pw + kw, w);
        let m: f32 = -Infinity;
        for (let iy = y0; iy < y1; iy++) {
          for (let ix = x0; ix < x1; ix++) {
            const v = load<f32>(xc + ((<usize>(iy * w + ix)) << 2));
            if (v > m || Number.isNaN(v)) m = v;
            if (Number.isNaN(m)) break;
          }
        }
        store<f32>(yc + ((<usize>(oy * ow + ox)) << 2), m);
      }
    }
  }
}

/**
 * y [units] = W [units, n] · x [n] (+ bias [units] unless `bias` is 0). Four rows at a time, each
 * input vector loaded once for the four; every row's sum runs in the same order as alone. Returns
 * whether every output is finite (the streamed weights' check, src/forward.ts, without a view of y).
 */
export function dense(x: usize, wt: usize, bias: usize, y: usize, n: i32, units: i32): bool {
  const stride = (<usize>n) << 2;
  let u = 0;
  for (; u + 4 <= units; u += 4) {
    const r0 = wt + <usize>u * stride;
    const r1 = r0 + stride;
    const r2 = r1 + stride;
    const r3 = r2 + stride;
    let a0 = f32x4.splat(0);
    let a1 = a0;
    let a2 = a0;
    let a3 = a0;
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const at = (<usize>i) << 2;
      const xv = v128.load(x + at);
      a0 = f32x4.add(a0, f32x4.mul(v128.load(r0 + at), xv));
      a1 = f32x4.add(a1, f32x4.mul(v128.load(r1 + at), xv));
      a2 = f32x4.add(a2, f32x4.mul(v128.load(r2 + at), xv));
      a3 = f32x4.add(a3, f32x4.mul(v128.load(r3 + at), xv));
    }
    storeRow(a0, r0, x, i, n, bias, y, u);
    storeRow(a1, r1, x, i, n, bias, y, u + 1);
    storeRow(a2, r2, x, i, n, bias, y, u + 2);
    storeRow(a3, r3, x, i, n, bias, y, u + 3);
  }
  for (; u < units; u++) {
    const row = wt + <usize>u * stride;
    let acc = f32x4.splat(0);
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      acc = f32x4.add(acc, f32x4.mul(v128.load(row + ((<usize>i) << 2)), v128.load(x + ((<usize>i) << 2))));
    }
    storeRow(acc, row, x, i, n, bias, y, u);
  }
  // A NaN or ±∞ output makes the sum NaN; anything else finite.
  let sum: f32 = 0;
  for (let i = 0; i < units; i++) sum += load<f32>(y + ((<usize>i) << 2)) * 0;
  return sum === 0;
}

/** y[u] = the lanes of `acc` summed, plus the row's tail from `i` on, plus bias[u] (unless 0). */
function storeRow(acc: v128, row: usize, x: usize, i: i32, n: i32, bias: usize, y: usize, u: i32): void {
  let s: f32 =
    f32x4.extract_lane(acc, 0) +
    f32x4.extract_lane(acc, 1) +
    (f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
  for (; i < n; i++) s += load<f32>(row + ((<usize>i) << 2)) * load<f32>(x + ((<usize>i) << 2));
  if (bias !== 0) s += load<f32>(bias + ((<usize>u) << 2));
  store<f32>(y + ((<usize>u) << 2), s);
}
