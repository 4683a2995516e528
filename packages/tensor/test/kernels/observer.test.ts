import { afterEach, describe, expect, it } from 'vitest';
import { JsBackend } from '../../src/backends/js/index.js';
import { fill } from '../../src/kernels/index.js';
import { type Kernel, defineKernel, runKernel, setKernelObserver } from '../../src/kernels/kernel.js';
import { Tensor } from '../../src/tensor.js';

const js = new JsBackend();
const seen: { name: string; args: unknown; ms: number }[] = [];
const record = (kernel: Kernel<unknown, unknown>, args: unknown, ms: number) =>
  seen.push({ name: kernel.name, args, ms });

// A kernel that runs another through the registry, and one that throws.
const outer = defineKernel<{ x: Tensor }>('test.observer.outer', {
  validate() {},
  reference({ x }) {
    runKernel(fill, { x, value: 2 }, js);
    x.data[0] = 5;
  },
});
const failing = defineKernel<{ x: Tensor }>('test.observer.failing', {
  validate() {},
  reference() {
    throw new Error('failing: bad record');
  },
});

afterEach(() => {
  setKernelObserver(undefined);
  seen.length = 0;
});

describe('setKernelObserver', () => {
  it('reports each kernel run with its record and a time, the inner one first', () => {
    setKernelObserver(record);
    const x = new Tensor([3], js.allocate(3));
    const args = { x };
    runKernel(outer, args, js);
    expect(Array.from(x.data)).toEqual([5, 2, 2]);
    expect(seen.map((s) => s.name)).toEqual(['fill', 'test.observer.outer']);
    expect(seen[1].args).toBe(args);
    expect(seen[0].args).toEqual({ x, value: 2 });
    for (const s of seen) expect(s.ms).toBeGreaterThanOrEqual(0);
  });

  it('reports a kernel that throws, and passes its error on', () => {
    setKernelObserver(record);
    const x = new Tensor([1], js.allocate(1));
    expect(() => runKernel(failing, { x }, js)).toThrow('failing: bad record');
    expect(seen.map((s) => s.name)).toEqual(['test.observer.failing']);
  });

  it('reports nothing once removed', () => {
    setKernelObserver(record);
    setKernelObserver(undefined);
    const x = new Tensor([2], js.allocate(2));
    runKernel(fill, { x, value: 1 }, js);
    expect(Array.from(x.data)).toEqual([1, 1]);
    expect(seen).toEqual([]);
  });
});
