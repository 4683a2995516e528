/**
 * Shadows narrower than the paper estimate's window come through as ink: wide, solid and weaker than
 * the pen. Pen strokes are thin, or — a marker — as dark as the rest of the digit.
 */
import { extremeFilter } from './morphology.js';

/** Fraction of the strokes' ink level below which a wide solid region is shadow, not pen. */
const SHADOW_INK = 0.8;

/**
 * Clears from `mask` ([h, w], 1 = ink) the pixels of regions that contain a solid (2ρ+1)² square of
 * ink (a morphological opening) and are weaker than {@link SHADOW_INK} of `level`; a stroke crossing
 * the shadow is darker than it and stays. Returns the number of pixels cleared.
 */
export function removeShadowInk(
  mask: Uint8Array,
  ink: Float32Array,
  w: number,
  h: number,
  level: number,
  rho: number,
): number {
  const m = Float32Array.from(mask);
  const opened = extremeFilter(extremeFilter(m, w, h, rho, -1), w, h, rho, 1);
  let cleared = 0;
  for (let i = 0; i < mask.length; i++) {
    if (opened[i] > 0 && ink[i] < SHADOW_INK * level) {
      mask[i] = 0;
      cleared++;
    }
  }
  return cleared;
}
