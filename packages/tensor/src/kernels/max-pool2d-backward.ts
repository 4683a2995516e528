import type { Pool2dGeometry } from '../shape.js';
import type { IntTensor, Tensor } from '../tensor.js';
import { assertInt, assertNoAlias } from './check.js';
import { expectGeomShape, poolInputShape, poolOutputShape } from './geometry.js';
import { indexOutside } from './index-outside.js';
import { defineKernel, runKernel } from './kernel.js';

/** Arguments of {@link maxPool2dBackward}. */
export interface MaxPool2dBackwardArgs {
  /** [N, C, outH, outW] */
  dy: Tensor;
  /** [N, C, outH, outW], from maxPool2d */
  argmax: IntTensor;
  /** [N, C, H, W], written */
  dx: Tensor;
  g: Pool2dGeometry;
  /**
   * [N, C, outH, outW] or null: route only the dy whose mask is > 0 (the others count as 0). With the
   * output of a `maxPool2d` with `relu`, this is the gradient through that ReLU too.
   */
  mask?: Tensor | null;
}

/**
 * Throws a RangeError naming the first argmax outside its H×W plane, if any (a hand-made argmax must
 * not write outside its plane). The scan is a kernel of its own: the backend's (SIMD on wasm).
 */
export function checkArgmaxInside(argmax: IntTensor, g: Pool2dGeometry): void {
  const i = runKernel(indexOutside, { x: argmax, bound: g.inHeight * g.inWidth });
  if (i >= 0) {
    throw new RangeError(
      `maxPool2dBackward: argmax[${i}] = ${argmax.data[i]} is outside the ${g.inHeight}×${g.inWidth} plane`,
    );
  }
}

/**
 * dx ← dy routed to each window's argmax (summed where windows overlap). An argmax outside its plane
 * throws (see {@link checkArgmaxInside}); dx's contents are then unspecified.
 */
export const maxPool2dBackward = defineKernel<MaxPool2dBackwardArgs>('maxPool2dBackward', {
  validate({ dy, argmax, dx, g, mask }) {
    const op = 'maxPool2dBackward';
    expectGeomShape(op, 'dy', dy, poolOutputShape(g));
    assertInt(op, 'argmax', argmax);
    expectGeomShape(op, 'argmax', argmax, poolOutputShape(g), false);
    expectGeomShape(op, 'dx', dx, poolInputShape(g));
    assertNoAlias(op, dx, dy, 'dy', false, 'dx');
    if (mask != null) {
      expectGeomShape(op, 'mask', mask, poolOutputShape(g));
      assertNoAlias(op, dx, mask, 'mask', false, 'dx');
    }
    // An argmax outside its plane (a hand-made one) is an error too, but found by the implementations
    // (checkArgmaxInside) rather than by a pass of its own here: the wasm kernel meets it only where
    // its 2×2 path falls back to the exact scatter.
  },
  reference({ dy, argmax, dx, g, mask }) {
    checkArgmaxInside(argmax, g);
    const plane = g.inHeight * g.inWidth;
    const outPlane = g.outHeight * g.outWidth;
    const dyd = dy.data;
    const ad = argmax.data;
    const dxd = dx.data;
    const md = mask == null ? null : mask.data;
    dxd.fill(0);
    const planes = g.batch * g.channels;
    for (let pl = 0; pl < planes; pl++) {
      const xOff = pl * plane;
      for (let o = pl * outPlane, e = o + outPlane; o < e; o++)
        dxd[xOff + ad[o]] += md === null || md[o] > 0 ? dyd[o] : 0;
    }
  },
});
