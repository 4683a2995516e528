import { Random, type Shape, Tensor } from '@scratchnet/tensor';
import { expect } from 'vitest';
import type { Layer } from '../src/index.js';

/** Uniform floats in [low, high), from a seeded stream. */
export function rand(shape: Shape, seed: number, low = -1, high = 1): Tensor {
  const t = new Tensor(shape);
  new Random(seed).fillUniform(t.data, low, high);
  return t;
}

/** Distinct values (a shuffled grid with spacing ≥ `gap`), so maxima and kinks are never near a tie. */
export function distinct(shape: Shape, seed: number, gap = 0.02): Tensor {
  const t = new Tensor(shape);
  const d = t.data;
  for (let i = 0; i < d.length; i++) d[i] = (i - d.length / 2) * gap;
  new Random(seed).shuffle(d);
  return t;
}

/** Moves values within `margin` of 0 away from it (ReLU's kink). */
export function awayFromZero(t: Tensor, margin = 0.05): Tensor {
  const d = t.data;
  for (let i = 0; i < d.length; i++) if (Math.abs(d[i]) < margin) d[i] = d[i] < 0 ? -margin : margin;
  return t;
}

interface GradCheckOptions {
  training?: boolean;
  /** Central-difference step. */
  eps?: number;
  rtol?: number;
  atol?: number;
  /** Called before every forward (e.g. to replay the same dropout mask). */
  beforeForward?: () => void;
}

/**
 * Finite-difference check of a built layer: objective L = Σ r ⊙ layer(x) with a fixed random r
 * (summed in float64); compares dL/dx and dL/dθ from backward against central differences
 * (L(v + ε) − L(v − ε)) / 2ε for every element of x and of every parameter.
 */
export function gradCheck(layer: Layer, x: Tensor, options: GradCheckOptions = {}): void {
  const { training = false, eps = 1e-2, rtol = 1e-2, atol = 1e-3, beforeForward = () => {} } = options;
  const run = (): Tensor => {
    beforeForward();
    return layer.forward(x, { training });
  };
  const y0 = run();
  const r = new Tensor(y0.shape);
  new Random(99).fillUniform(r.data, -1, 1);
  const rd = r.data;
  const objective = (): number => {
    const y = run().data;
    let s = 0;
    for (let i = 0; i < y.length; i++) s += rd[i] * y[i];
    return s;
  };

  for (const p of layer.parameters()) p.grad.fill(0);
  run();
  const dx = Float64Array.from(layer.backward(r).data);
  const analytic: [string, Tensor, Float64Array][] = [['x', x, dx]];
  for (const p of layer.parameters()) analytic.push([p.name, p.value, Float64Array.from(p.grad.data)]);

  for (const [name, t, grad] of analytic) {
    let worst = { i: -1, a: 0, n: 0, err: 0 };
    for (let i = 0; i < t.size; i++) {
      const v = t.data[i];
      t.data[i] = v + eps;
      const lp = objective();
      t.data[i] = v - eps;
      const lm = objective();
      t.data[i] = v;
      const n = (lp - lm) / (2 * eps);
      const a = grad[i];
      const err = Math.abs(a - n) / (atol + rtol * Math.max(Math.abs(a), Math.abs(n)));
      if (err > worst.err) worst = { i, a, n, err };
    }
    // err ≤ 1 means |a − n| ≤ atol + rtol·max(|a|, |n|)
    expect(
      worst.err,
      `${layer.type} d/d${name}[${worst.i}]: analytic ${worst.a}, numeric ${worst.n}`,
    ).toBeLessThanOrEqual(1);
  }
}
