// The finiteness checks of a model file's tensors (src/wasm-finite.ts) against the serialization
// library's checkFinite: the same verdict and the same error, tensor and element, for NaN and ±∞
// anywhere (for the compiled scan: in the four-float steps, in the tail, on either side of a chunk's
// end), nothing for large, tiny or -0, and nothing looked at in the tensors left unread.
import { encodeSafetensors, decodeSafetensors } from '@scratchnet/serialization';
import { describe, expect, it } from 'vitest';
import { checkFinite as checkFiniteJs } from '../../../packages/serialization/src/model/finite.js';
import { allFinite, checkFinite, leaveUnchecked } from '../src/wasm-finite.js';

/** A safetensors file of three F32 tensors (the last of `tail` floats), decoded. */
function fileInKernels(tail: number, set?: [number, number, number]) {
  const tensors = [
    { name: 'a.weight', shape: [3, 5], data: new Float32Array(15) },
    { name: 'b.bias', shape: [8], data: new Float32Array(8) },
    { name: 'c.weight', shape: [tail], data: new Float32Array(tail) },
  ];
  for (const t of tensors) {
    for (let i = 0; i < t.data.length; i++) t.data[i] = [3.4e38, -1e-45, -0, 1.5, -2e-38][i % 5];
  }
  if (set !== undefined) tensors[set[0]].data[set[1]] = set[2];
  const bytes = encodeSafetensors(
    tensors.map(
      (t) => [t.name, { dtype: 'F32', shape: t.shape, data: new Uint8Array(t.data.buffer) }] as const,
    ),
  );
  return decodeSafetensors(bytes, 'm.safetensors');
}

function outcome(f: () => void): string {
  try {
    f();
    return 'ok';
  } catch (e) {
    return (e as Error).message;
  }
}

describe('finiteness checks', () => {
  it("gives the library's verdict and error wherever a NaN or infinity lies", () => {
    const clean = fileInKernels(13);
    expect(outcome(() => checkFinite(clean, 'm.safetensors'))).toBe('ok');
    let errors = 0;
    // 16384 floats fill one chunk of the scan exactly; 16389 run 5 into a second.
    for (const tail of [1, 4, 13, 16384, 16389]) {
      for (const [tensor, length] of [
        [0, 15],
        [1, 8],
        [2, tail],
      ]) {
        for (const at of new Set([0, 1, 3, 4, length - 5, length - 1, 16383, 16384])) {
          if (at < 0) continue;
          for (const value of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
            if (at >= length) continue;
            const file = fileInKernels(tail, [tensor, at, value]);
            const got = outcome(() => checkFinite(file, 'm.safetensors'));
            expect(got).toBe(outcome(() => checkFiniteJs(file, 'm.safetensors')));
            expect(got).toMatch(
              /^m\.safetensors: tensor '.+' holds a non-finite value \(.+ at element \d+\): the weights are corrupt$/,
            );
            errors++;
          }
        }
      }
    }
    expect(errors).toBeGreaterThan(100);
  });

  it('leaves out the tensors not read yet, and only those', () => {
    const file = fileInKernels(13, [1, 3, Number.NaN]);
    const b = file.tensors.get('b.bias')!.data;
    const c = file.tensors.get('c.weight')!.data;
    expect(outcome(() => leaveUnchecked(b.buffer, [b.byteOffset], () => checkFinite(file, 'm')))).toBe('ok');
    expect(outcome(() => leaveUnchecked(b.buffer, [c.byteOffset], () => checkFinite(file, 'm')))).toBe(
      "m: tensor 'b.bias' holds a non-finite value (NaN at element 3): the weights are corrupt",
    );
    // Outside the call, everything is checked again.
    expect(outcome(() => checkFinite(file, 'm'))).toMatch(/tensor 'b\.bias' holds a non-finite value/);
  });

  it('scans any bytes, in chunks: a whole number of finite floats or not', () => {
    const floats = new Float32Array(40000).fill(-2.5);
    const bytes = new Uint8Array(floats.buffer);
    expect(allFinite(bytes)).toBe(true);
    expect(allFinite(bytes.subarray(4, 4 + 4 * 16384))).toBe(true);
    expect(allFinite(bytes.subarray(0, 0))).toBe(true);
    expect(allFinite(bytes.subarray(0, 6))).toBe(false);
    for (const at of [0, 16383, 16384, 32768, 39999]) {
      const bad = floats.slice();
      bad[at] = Number.NEGATIVE_INFINITY;
      expect(allFinite(new Uint8Array(bad.buffer))).toBe(false);
      // An unaligned view of the same floats.
      const shifted = new Uint8Array(bad.byteLength + 1);
      shifted.set(new Uint8Array(bad.buffer), 1);
      expect(allFinite(shifted.subarray(1))).toBe(false);
    }
  });

  it('names the tensor and element with the library’s error', () => {
    const bytes = encodeSafetensors([
      ['w', { dtype: 'F32', shape: [2], data: new Uint8Array(new Float32Array([1, Number.NaN]).buffer) }],
    ]);
    const file = decodeSafetensors(bytes, 'x.safetensors');
    expect(outcome(() => checkFinite(file, 'x.safetensors'))).toBe(
      "x.safetensors: tensor 'w' holds a non-finite value (NaN at element 1): the weights are corrupt",
    );
  });
});
