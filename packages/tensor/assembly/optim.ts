// Optimizer updates over element ranges [lo, hi), in place, PyTorch semantics (see the reference
// backend's optimizers.ts for the formulas).

/**
 * SGD. flags: bit 0 momentum buffer in use, bit 1 first step, bit 2 Nesterov.
 * g = grad + wd·p; b = g (first) or μ·b + (1 − d)·g; g = g + μ·b (Nesterov) or b; p −= lr·g.
 */
export function sgdUpdate(
  _tid: i32,
  _chunk: i32,
  lo: i32,
  hi: i32,
  p: usize,
  grad: usize,
  buf: usize,
  lr: f32,
  mu: f32,
  dampening: f32,
  wd: f32,
  flags: i32,
): void {
  const vlr = f32x4.splat(lr),
    vwd = f32x4.splat(wd),
    vmu = f32x4.splat(mu),
    vd = f32x4.splat(1 - dampening);
  const useBuf = (flags & 1) !== 0,
    first = (flags & 2) !== 0,
    nesterov = (flags & 4) !== 0;
  let i = lo;
  if (!useBuf) {
    for (; i + 4 <= hi; i += 4) {
      const o = <usize>i * 4;
      const pv = v128.load(p + o);
      v128.store(p + o, f32x4.sub(pv, f32x4.mul(vlr, f32x4.add(v128.load(grad + o), f32x4.mul(vwd, pv)))));
    }
    for (; i < hi; i++) {
      const o = <usize>i * 4;
      const pv = load<f32>(p + o);
      store<f32>(p + o, pv - lr * (load<f32>(grad + o) + wd * pv));
    }
    return;
  }
  for (; i + 4 <= hi; i += 4) {
    const o = <usize>i * 4;
    const pv = v128.load(p + o);
    let g = f32x4.add(v128.load(grad + o), f32x4.mul(vwd, pv));
    const b = first ? g : f32x4.add(f32x4.mul(vmu, v128.load(buf + o)), f32x4.mul(vd, g));
    v128.store(buf + o, b);
    g = nesterov ? f32x4.add(g, f32x4.mul(vmu, b)) : b;
    v128.store(p + o, f32x4.sub(pv, f32x4.mul(vlr, g)));
  }
  for (; i < hi; i++) {
    const o = <usize>i * 4;
    const pv = load<f32>(p + o);
    let g = load<f32>(grad + o) + wd * pv;
    const b = first ? g : mu * load<f32>(buf + o) + (1 - dampening) * g;
    store<f32>(buf + o, b);
    g = nesterov ? g + mu * b : b;
    store<f32>(p + o, pv - lr * g);
  }
}

/**
 * Adam / AdamW, two elements at a time in f64 (as the reference computes them, so both agree to the
 * last float32 bit in nearly every element; the update is memory-bound either way). decay = 1 − lr·wd
 * (AdamW) or 1; l2 = wd (Adam) or 0; vmax = 0 unless amsgrad.
 * m = β1·m + (1 − β1)·g; v = β2·v + (1 − β2)·g²; p −= stepSize·m / (√v̂ / bc2Sqrt + eps).
 */
export function adamUpdate(
  _tid: i32,
  _chunk: i32,
  lo: i32,
  hi: i32,
  p: usize,
  grad: usize,
  m: usize,
  v: usize,
  vmax: usize,
  beta1: f64,
  beta2: f64,
  eps: f64,
  stepSize: f64,
  bc2Sqrt: f64,
  decay: f64,
  l2: f64,
): void {
  const vb1 = f64x2.splat(beta1),
    vb1c = f64x2.splat(1 - beta1);
  const vb2 = f64x2.splat(beta2),
    vb2c = f64x2.splat(1 - beta2);
  const veps = f64x2.splat(eps),
    vstep = f64x2.splat(stepSize),
    vbc2 = f64x2.splat(bc2Sqrt);
  const vdecay = f64x2.splat(decay),
    vl2 = f64x2.splat(l2);
  let i = lo;
  for (; i + 2 <= hi; i += 2) {
    const o = <usize>i * 4;
    let pv = f64x2.promote_low_f32x4(v128.load64_zero(p + o));
    if (decay !== 1) pv = f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(f64x2.mul(pv, vdecay)));
    const g = f64x2.add(f64x2.promote_low_f32x4(v128.load64_zero(grad + o)), f64x2.mul(vl2, pv));
    const mv = f32x4.demote_f64x2_zero(
      f64x2.add(f64x2.mul(vb1, f64x2.promote_low_f32x4(v128.load64_zero(m + o))), f64x2.mul(vb1c, g)),
    );
    const vv = f32x4.demote_f64x2_zero(
      f64x2.add(
        f64x2.mul(vb2, f64x2.promote_low_f32x4(v128.load64_zero(v + o))),
        f64x2.mul(f64x2.mul(vb2c, g), g),
      ),
    );
    v128.store64_lane(m + o, mv, 0);
    v128.store64_lane(v + o, vv, 0);
    let second = vv;
    if (vmax !== 0) {
      second = f32x4.max(v128.load64_zero(vmax + o), vv);
      v128.store64_lane(vmax + o, second, 0);
    }
    const denom = f64x2.add(f64x2.div(f64x2.sqrt(f64x2.promote_low_f32x4(second)), vbc2), veps);
    const upd = f64x2.div(f64x2.mul(vstep, f64x2.promote_low_f32x4(mv)), denom);
    v128.store64_lane(p + o, f32x4.demote_f64x2_zero(f64x2.sub(pv, upd)), 0);
  }
  for (; i < hi; i++) {
    const o = <usize>i * 4;
    let pv = <f64>load<f32>(p + o);
    if (decay !== 1) pv = <f64>(<f32>(pv * decay));
    const g = <f64>load<f32>(grad + o) + l2 * pv;
    const mv = <f32>(beta1 * <f64>load<f32>(m + o) + (1 - beta1) * g);
    const vv = <f32>(beta2 * <f64>load<f32>(v + o) + (1 - beta2) * g * g);
    store<f32>(m + o, mv);
    store<f32>(v + o, vv);
    let second = vv;
    if (vmax !== 0) {
      second = max(load<f32>(vmax + o), vv);
      store<f32>(vmax + o, second);
    }
    store<f32>(p + o, <f32>(pv - (stepSize * <f64>mv) / (Math.sqrt(<f64>second) / bc2Sqrt + eps)));
  }
}
