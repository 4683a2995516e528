/** Dropout's mask: the model generator's uniform draws, bit for bit, on every backend. */
import { Random, Tensor, listBackends, setBackend } from '@scratchnet/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { Dropout } from '../src/index.js';
import { rand } from './gradcheck.js';

describe.each(listBackends())('Dropout (%s backend)', (backend) => {
  beforeAll(() => {
    setBackend(backend);
  });

  // [64, 64, 7, 7] is past the wasm backend's parallel threshold, [65, 63, 7, 7] too with a tail
  // after the SIMD lanes; [3, 7] and [3, 23] have such a tail, [2, 5] is shorter than one SIMD step.
  for (const shape of [
    [64, 64, 7, 7],
    [65, 63, 7, 7],
    [64, 128],
    [3, 7],
    [3, 23],
    [2, 5],
  ]) {
    it(`masks [${shape}] with the generator's draws in element order and resumes it exactly`, () => {
      const p = 0.25;
      const d = new Dropout(p);
      const rng = new Random(123);
      d.build(shape.slice(1), rng);
      rng.uniform(); // a generator already in use
      const twin = Random.fromState(rng.getState());
      const x = rand(shape, 2);
      const y = d.forward(x, { training: true });
      // The same stream drawn one by one: 0 where uniform() < p, else x/(1 − p).
      const keep = Math.fround(1 / (1 - p));
      const dropped = Array.from(x.data, () => twin.uniform() < p);
      for (let i = 0; i < x.size; i++) {
        const want = dropped[i] ? 0 : Math.fround(x.data[i] * keep);
        if (y.data[i] !== want) expect.fail(`element ${i}: got ${y.data[i]}, expected ${want}`);
      }
      expect(rng.getState()).toEqual(twin.getState());
      const dy = rand(shape, 3);
      const dx = d.backward(dy);
      for (let i = 0; i < x.size; i++) {
        const want = dropped[i] ? 0 : Math.fround(dy.data[i] * keep);
        if (dx.data[i] !== want) expect.fail(`dx element ${i}: got ${dx.data[i]}, expected ${want}`);
      }
    });
  }

  it('p = 0 draws nothing and keeps every element', () => {
    const d = new Dropout(0);
    const rng = new Random(9);
    d.build([5], rng);
    const before = rng.getState();
    const x = Tensor.fromArray([[1, -2, 3, -4, 5]]);
    expect(Array.from(d.forward(x, { training: true }).data)).toEqual([1, -2, 3, -4, 5]);
    expect(rng.getState()).toEqual(before);
  });
});
