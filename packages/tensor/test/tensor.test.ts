import { describe, expect, it } from 'vitest';
import { full, intZeros, ones, randomNormal, randomUniform, zeros } from '../src/creation.js';
import { Random } from '../src/random.js';
import { ShapeError } from '../src/shape.js';
import { HeapStorage } from '../src/storage.js';
import { IntTensor, Tensor } from '../src/tensor.js';
import { Workspace } from '../src/workspace.js';

describe('Tensor', () => {
  it('builds from nested arrays, flat arrays and scalars', () => {
    const t = Tensor.fromArray([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.size).toBe(6);
    expect(t.rank).toBe(2);
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Tensor.fromArray([1, 2, 3, 4], [2, 2]).toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    const s = Tensor.fromArray(7);
    expect(s.shape).toEqual([]);
    expect(s.item()).toBe(7);
    expect(s.toArray()).toBe(7);
    expect(Tensor.fromArray(new Float32Array([0.5, 1.5])).toArray()).toEqual([0.5, 1.5]);
  });

  it('rejects ragged or mis-sized input with the op name and shape', () => {
    expect(() => Tensor.fromArray([[1, 2], [3]])).toThrow(/fromArray: nested arrays are ragged/);
    expect(() => Tensor.fromArray([1, 2, 3], [2, 2])).toThrow(
      /fromArray: 3 values do not fill shape \[2, 2\]/,
    );
    expect(() => new Tensor([2, -1])).toThrow(/invalid shape \[2, -1\]/);
    expect(() => Tensor.fromArray([1, 2]).item()).toThrow(
      /item: tensor of shape \[2\] has 2 elements, not 1/,
    );
  });

  it('reshape is a view sharing storage, with one inferred axis', () => {
    const t = Tensor.fromArray([1, 2, 3, 4, 5, 6]);
    const r = t.reshape([3, -1]);
    expect(r.shape).toEqual([3, 2]);
    expect(r.storage).toBe(t.storage);
    r.data[5] = 60;
    expect(t.data[5]).toBe(60);
    expect(() => t.reshape([4, 2])).toThrow(ShapeError);
    expect(() => t.reshape([4, 2])).toThrow(
      /reshape: cannot reshape \[6\] \(6 elements\) to \[4, 2\] \(8 elements\)/,
    );
    expect(() => t.reshape([-1, -1])).toThrow(/at most one axis may be -1/);
    expect(() => t.reshape([4, -1])).toThrow(/cannot reshape \[6\] to \[4, -1\]/);
  });

  it('narrow views rows along axis 0 (offset into the same storage)', () => {
    const t = Tensor.fromArray([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const n = t.narrow(1, 2);
    expect(n.shape).toEqual([2, 2]);
    expect(n.offset).toBe(2);
    expect(n.byteAddress).toBe(t.byteAddress + 8);
    expect(Array.from(n.data)).toEqual([3, 4, 5, 6]);
    n.data[0] = 30;
    expect(t.data[2]).toBe(30);
    expect(n.narrow(1, 1).toArray()).toEqual([[5, 6]]);
    expect(t.narrow(3, 0).shape).toEqual([0, 2]);
    expect(() => t.narrow(2, 2)).toThrow(/narrow: rows \[2, 4\) are outside axis 0 of \[3, 2\]/);
    expect(() => Tensor.fromArray(1).narrow(0, 1)).toThrow(/a scalar has no axis 0/);
  });

  it('clone copies into storage of its own', () => {
    const t = Tensor.fromArray([1, 2]);
    const c = t.clone();
    c.data[0] = 9;
    expect(t.data[0]).toBe(1);
    expect(c.storage).not.toBe(t.storage);
  });

  it('assertShape names the op, the operand and both shapes', () => {
    expect(() => zeros([2, 3]).assertShape('dense', 'input', [2, 4])).toThrow(
      'dense: input has shape [2, 3], expected [2, 4]',
    );
  });

  it('creation helpers fill as promised', () => {
    expect(Array.from(zeros([2, 2]).data)).toEqual([0, 0, 0, 0]);
    expect(Array.from(ones([3]).data)).toEqual([1, 1, 1]);
    expect(Array.from(full([2], -2.5).data)).toEqual([-2.5, -2.5]);
    const iz = intZeros([2]);
    expect(iz).toBeInstanceOf(IntTensor);
    expect(Array.from(iz.data)).toEqual([0, 0]);
    const u = randomUniform([1000], new Random(3), 2, 3);
    expect(Math.min(...u.data)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...u.data)).toBeLessThan(3);
    const r = new Random(4);
    expect(randomNormal([2], new Random(4)).data[0]).toBe(Math.fround(r.normal()));
    expect(IntTensor.fromArray([1.9, -2.5]).toArray()).toEqual([1, -2]);
  });
});

describe('Workspace', () => {
  it('returns the same tensor for the same name and shape', () => {
    const ws = new Workspace();
    const a = ws.tensor('y', [4, 8]);
    expect(ws.tensor('y', [4, 8])).toBe(a);
    expect(ws.tensor('z', [4, 8])).not.toBe(a);
  });

  it('a smaller shape shares storage; a larger one allocates', () => {
    const ws = new Workspace();
    const a = ws.tensor('y', [4, 8]);
    const small = ws.tensor('y', [3, 8]);
    expect(small.shape).toEqual([3, 8]);
    expect(small.storage).toBe(a.storage);
    expect(ws.tensor('y', [3, 8])).toBe(small);
    const big = ws.tensor('y', [5, 8]);
    expect(big.storage).not.toBe(a.storage);
    const idx = ws.intTensor('argmax', [2, 2]);
    expect(idx).toBeInstanceOf(IntTensor);
    expect(ws.intTensor('argmax', [2, 2])).toBe(idx);
    ws.clear();
    expect(ws.tensor('y', [5, 8])).not.toBe(big);
  });
});

describe('HeapStorage', () => {
  it('makes its zeroed buffer on first use, once', () => {
    const s = new HeapStorage(3);
    const b = s.buffer();
    expect(b.byteLength).toBe(12);
    expect(Array.from(new Float32Array(b))).toEqual([0, 0, 0]);
    new Float32Array(b)[1] = 5;
    expect(s.buffer()).toBe(b);
    expect(new Float32Array(s.buffer())[1]).toBe(5);
  });

  it('costs nothing until then: storage no runtime could hold is refused only when used', () => {
    const huge = new HeapStorage(2 ** 40);
    expect(huge.length).toBe(2 ** 40);
    expect(() => huge.buffer()).toThrow(RangeError);
  });
});
