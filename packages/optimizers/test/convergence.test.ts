import { describe, expect, it } from 'vitest';
import { type OptimizerSpec, createOptimizer } from '../src/index.js';
import { onEachBackend, param } from './helpers.js';

// Each optimizer with settings a user would pick; the same list runs on both problems.
const SPECS: [OptimizerSpec, { quadratic: number; rosenbrock: number }][] = [
  [
    { type: 'sgd', lr: 0.05 },
    { quadratic: 1e-4, rosenbrock: Number.NaN },
  ],
  [
    { type: 'sgd', lr: 1e-3, momentum: 0.9 },
    { quadratic: 1e-4, rosenbrock: 1e-3 },
  ],
  [
    { type: 'sgd', lr: 1e-3, momentum: 0.9, nesterov: true },
    { quadratic: 1e-4, rosenbrock: 1e-3 },
  ],
  [
    { type: 'adam', lr: 0.01 },
    { quadratic: 1e-3, rosenbrock: 1e-3 },
  ],
  [
    { type: 'adam', lr: 0.02, amsgrad: true },
    { quadratic: 1e-3, rosenbrock: 1e-3 },
  ],
  [
    { type: 'adamw', lr: 0.01, weightDecay: 0 },
    { quadratic: 1e-3, rosenbrock: 1e-3 },
  ],
  [
    { type: 'rmsprop', lr: 1e-3 },
    { quadratic: 2e-3, rosenbrock: 2e-3 },
  ],
  [
    { type: 'rmsprop', lr: 1e-4, momentum: 0.9, centered: true },
    { quadratic: 1e-3, rosenbrock: 1e-3 },
  ],
  [
    { type: 'adagrad', lr: 0.5 },
    { quadratic: 1e-3, rosenbrock: 2e-3 },
  ],
];

/** Runs `steps` steps from `start` with `grad(x, out)` writing ∇f(x); returns the end point. */
function minimise(
  spec: OptimizerSpec,
  start: number[],
  steps: number,
  grad: (x: Float32Array, g: Float32Array) => void,
): number[] {
  const p = param('x', start);
  const opt = createOptimizer(spec, [p]);
  for (let t = 0; t < steps; t++) {
    grad(p.value.data, p.grad.data);
    opt.step();
  }
  return Array.from(p.value.data);
}

onEachBackend(() => {
  describe('convergence', () => {
    // f(x) = ½·(x0 − 3)² + 5·(x1 + 2)²: an ill-conditioned bowl with its minimum at (3, −2).
    it.each(SPECS)('quadratic: %j', (spec, tol) => {
      const x = minimise(spec, [0, 0], 10000, (x, g) => {
        g[0] = x[0] - 3;
        g[1] = 10 * (x[1] + 2);
      });
      expect(Math.hypot(x[0] - 3, x[1] + 2)).toBeLessThan(tol.quadratic);
    });

    // Rosenbrock's banana f(x, y) = (1 − x)² + 100·(y − x²)² from (−1.2, 1); minimum at (1, 1).
    it.each(SPECS.filter(([, tol]) => !Number.isNaN(tol.rosenbrock)))('Rosenbrock: %j', (spec, tol) => {
      const [x, y] = minimise(spec, [-1.2, 1], 10000, (p, g) => {
        g[0] = -2 * (1 - p[0]) - 400 * p[0] * (p[1] - p[0] * p[0]);
        g[1] = 200 * (p[1] - p[0] * p[0]);
      });
      expect(Math.hypot(x - 1, y - 1)).toBeLessThan(tol.rosenbrock);
    });
  });
});
