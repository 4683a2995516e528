/**
 * Shadows narrower than the paper estimate's window come through as ink: wide, solid and weaker than
 * the pen. Pen strokes are thin, or — a marker — mostly as dark as the rest of the digit.
 */
import { type Component, labelComponents } from './components.js';
import { labelKinds, thresholdInk } from './ink.js';
import { extremeFilter } from './morphology.js';

/** Fraction of the strokes' ink level below which ink is weak. */
const SHADOW_INK = 0.8;

/**
 * Clears from `mask` ([h, w], 1 = ink) the weak pixels (below {@link SHADOW_INK} of `level`) of
 * every wide region — the part of the ink that holds a solid (2ρ+1)² square (a morphological
 * opening) — where most pixels are weak: a shadow. A stroke crossing the shadow is darker than it and
 * stays; a thick marker stroke is mostly strong and stays whole. Returns the number of pixels cleared.
 */
export function removeShadowInk(
  mask: Uint8Array,
  ink: Float32Array,
  w: number,
  h: number,
  level: number,
  rho: number,
): number {
  const opened = extremeFilter(extremeFilter(Float32Array.from(mask), w, h, rho, -1), w, h, rho, 1);
  const wide = new Uint8Array(opened.length);
  for (let i = 0; i < wide.length; i++) wide[i] = opened[i] > 0 ? 1 : 0;
  const { labels, components } = labelComponents(wide, ink, w, h);
  if (components.length === 0) return 0;
  const weak = new Int32Array(components.length + 1);
  for (let i = 0; i < mask.length; i++) if (labels[i] > 0 && ink[i] < SHADOW_INK * level) weak[labels[i]]++;
  const shadow = components.map((c) => weak[c.id] > 0.5 * c.area);
  let cleared = 0;
  for (let i = 0; i < mask.length; i++) {
    if (labels[i] > 0 && shadow[labels[i] - 1] && ink[i] < SHADOW_INK * level) {
      mask[i] = 0;
      cleared++;
    }
  }
  return cleared;
}

/**
 * The blobs of ink above `on` once shadows are cleared ({@link removeShadowInk} with `level` and
 * `rho`), and a mask of them: `choose` is given the blobs (in label order) and returns a byte per
 * label (index 0: no ink), which each pixel of the mask takes; when it returns nothing, so does
 * this. One call, so that a program can run the steps compiled with the label image left in its
 * scratch memory: `choose` must run no compiled kernel.
 */
export function blobMask(
  ink: Float32Array,
  w: number,
  h: number,
  on: number,
  level: number,
  rho: number,
  choose: (components: Component[]) => Uint8Array | undefined,
): { components: Component[]; mask: Uint8Array } | undefined {
  const binary = thresholdInk(ink, on);
  removeShadowInk(binary, ink, w, h, level, rho);
  const { labels, components } = labelComponents(binary, ink, w, h);
  const kind = choose(components);
  return kind === undefined ? undefined : { components, mask: labelKinds(labels, kind) };
}
