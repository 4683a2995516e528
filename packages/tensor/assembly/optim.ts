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
 * Adam / AdamW. decay = 1 − lr·wd (AdamW) or 1; l2 = wd (Adam) or 0; vmax = 0 unless amsgrad.
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
  beta1: f32,
  beta2: f32,
  eps: f32,
  stepSize: f32,
  bc2Sqrt: f32,
  decay: f32,
  l2: f32,
): void {
  const vb1 = f32x4.splat(beta1),
    vb1c = f32x4.splat(1 - beta1);
  const vb2 = f32x4.splat(beta2),
    vb2c = f32x4.splat(1 - beta2);
  const veps = f32x4.splat(eps),
    vstep = f32x4.splat(stepSize),
    vbc2 = f32x4.splat(bc2Sqrt);
  const vdecay = f32x4.splat(decay),
    vl2 = f32x4.splat(l2);
  let i = lo;
  for (; i + 4 <= hi; i += 4) {
    const o = <usize>i * 4;
    let pv = v128.load(p + o);
    if (decay !== 1) pv = f32x4.mul(pv, vdecay);
    const g = f32x4.add(v128.load(grad + o), f32x4.mul(vl2, pv));
    const mv = f32x4.add(f32x4.mul(vb1, v128.load(m + o)), f32x4.mul(vb1c, g));
    const vv = f32x4.add(f32x4.mul(vb2, v128.load(v + o)), f32x4.mul(f32x4.mul(vb2c, g), g));
    v128.store(m + o, mv);
    v128.store(v + o, vv);
    let second = vv;
    if (vmax !== 0) {
      second = f32x4.max(v128.load(vmax + o), vv);
      v128.store(vmax + o, second);
    }
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(second), vbc2), veps);
    v128.store(p + o, f32x4.sub(pv, f32x4.div(f32x4.mul(vstep, mv), denom)));
  }
  for (; i < hi; i++) {
    const o = <usize>i * 4;
    let pv = load<f32>(p + o);
    if (decay !== 1) pv *= decay;
    const g = load<f32>(grad + o) + l2 * pv;
    const mv = beta1 * load<f32>(m + o) + (1 - beta1) * g;
    const vv = beta2 * load<f32>(v + o) + (1 - beta2) * g * g;
    store<f32>(m + o, mv);
    store<f32>(v + o, vv);
    let second = vv;
    if (vmax !== 0) {
      second = max(load<f32>(vmax + o), vv);
      store<f32>(vmax + o, second);
    }
    store<f32>(p + o, pv - (stepSize * mv) / (sqrt<f32>(second) / bc2Sqrt + eps));
  }
}
