// Optimizer step throughput on the `simple-cnn` preset's parameter shapes (804,554 parameters), on every
// available backend. Not part of `vitest run`; run with `vitest bench --run` in this package.
import { Random, Tensor, listBackends, setBackend } from '@scratchnet/tensor';
import { bench, describe } from 'vitest';
import { type OptimizerSpec, clipGradNorm, createOptimizer } from '../src/index.js';

const SHAPES: [string, number[]][] = [
  ['0.weight', [32, 1, 3, 3]],
  ['0.bias', [32]],
  ['4.weight', [128, 6272]],
  ['4.bias', [128]],
  ['6.weight', [10, 128]],
  ['6.bias', [10]],
];
const SPECS: OptimizerSpec[] = [
  { type: 'sgd', lr: 0.01 },
  { type: 'sgd', lr: 0.01, momentum: 0.9, decay: 1e-3 },
  { type: 'adam' },
  { type: 'adamw', amsgrad: true },
  { type: 'rmsprop', momentum: 0.9, centered: true },
  { type: 'adagrad' },
];

function seedParams() {
  const rng = new Random(1);
  return SHAPES.map(([name, shape]) => {
    const value = new Tensor(shape);
    rng.fillNormal(value.data, 0, 0.05);
    const grad = new Tensor(shape);
    rng.fillNormal(grad.data, 0, 0.01);
    return { name, value, grad };
  });
}

for (const backend of listBackends()) {
  describe(`${backend} backend`, () => {
    setBackend(backend);
    const params = seedParams();
    // Benches run after every suite is collected: each one selects its backend again.
    const setup = () => {
      setBackend(backend);
    };
    for (const spec of SPECS) {
      const opt = createOptimizer(spec, params);
      bench(`step ${JSON.stringify(spec)}`, () => opt.step(), { setup });
    }
    bench('clipGradNorm (norm only)', () => void clipGradNorm(params, 1e30), { setup });
  });
}
