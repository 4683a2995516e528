import type { AnyTensor } from '../tensor.js';
import { expectSameSize } from './check.js';
import { defineKernel } from './kernel.js';

/** Arguments of {@link copy}: `dst ← src`, same number of elements (float ↔ int converts values). */
export interface CopyArgs {
  src: AnyTensor;
  dst: AnyTensor;
}

/** `dst ← src`. Same element type: a bit copy; float ↔ int converts (typed-array semantics: truncation). */
export const copy = defineKernel<CopyArgs>('copy', {
  validate({ src, dst }) {
    expectSameSize('copy', 'src', src, dst, 'dst');
  },
  reference({ src, dst }) {
    dst.data.set(src.data);
  },
});
