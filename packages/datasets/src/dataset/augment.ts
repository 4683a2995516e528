/**
 * Seeded data augmentation: a small random rotation, shift and scale of each image, drawn from a hash
 * of (seed, epoch, sample index) so that a sample looks the same whenever its epoch is replayed, in
 * any batch size and from any resume point.
 */

/** Ranges of the random transform applied to each training image. Zero disables a component. */
export interface Augmentation {
  /** Largest shift, in pixels, along each axis (default 2). */
  maxShift?: number;
  /** Largest rotation, in degrees, either way (default 10). */
  maxRotation?: number;
  /** Largest relative zoom in or out, e.g. 0.1 for ±10 % (default 0). */
  maxScale?: number;
}

/** {@link Augmentation} with every default filled in. */
export type ResolvedAugmentation = Required<Augmentation>;

/** Fills in defaults and rejects negative or non-finite ranges. */
export function resolveAugmentation(a: Augmentation): ResolvedAugmentation {
  const r = { maxShift: a.maxShift ?? 2, maxRotation: a.maxRotation ?? 10, maxScale: a.maxScale ?? 0 };
  for (const [k, v] of Object.entries(r)) {
    if (!Number.isFinite(v) || v < 0)
      throw new RangeError(`augmentation: ${k} must be a number ≥ 0, got ${v}`);
  }
  if (r.maxScale >= 1) throw new RangeError(`augmentation: maxScale must be < 1, got ${r.maxScale}`);
  return r;
}

/** A 32-bit integer hash (the murmur3 finaliser) of `h` mixed with `v`. */
function mix(h: number, v: number): number {
  h = Math.imul(h ^ v, 0x9e3779b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Uniform in [-1, 1), a pure function of its integer arguments. */
function draw(seed: number, epoch: number, index: number, k: number): number {
  return (mix(mix(mix(mix(0x2545f491, seed), epoch), index), k) / 4294967296) * 2 - 1;
}

/**
 * Writes one augmented sample: for each channel plane of `src` (bytes, [C, H, W]) samples the
 * transformed image bilinearly (outside the image reads as byte 0) and stores `v·a + b` into
 * `dst` at `dstOffset`. The transform is drawn from (seed, epoch, index).
 */
export function augmentSample(
  src: Uint8Array,
  srcOffset: number,
  channels: number,
  height: number,
  width: number,
  dst: Float32Array,
  dstOffset: number,
  a: number,
  b: number,
  aug: ResolvedAugmentation,
  seed: number,
  epoch: number,
  index: number,
): void {
  const angle = (draw(seed, epoch, index, 0) * aug.maxRotation * Math.PI) / 180;
  const tx = draw(seed, epoch, index, 1) * aug.maxShift;
  const ty = draw(seed, epoch, index, 2) * aug.maxShift;
  const zoom = 1 + draw(seed, epoch, index, 3) * aug.maxScale;
  // Inverse map: output pixel o comes from source c + R(−angle)·(o − c − t) / zoom.
  const cos = Math.cos(angle) / zoom;
  const sin = Math.sin(angle) / zoom;
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  const plane = height * width;
  for (let c = 0; c < channels; c++) {
    const s0 = srcOffset + c * plane;
    let o = dstOffset + c * plane;
    for (let oy = 0; oy < height; oy++) {
      const dy = oy - cy - ty;
      for (let ox = 0; ox < width; ox++, o++) {
        const dx = ox - cx - tx;
        const sx = cx + cos * dx + sin * dy;
        const sy = cy - sin * dx + cos * dy;
        const x0 = Math.floor(sx);
        const y0 = Math.floor(sy);
        const fx = sx - x0;
        const fy = sy - y0;
        // Bilinear over the four neighbours; any outside the image contributes 0.
        let v = 0;
        if (y0 >= 0 && y0 < height) {
          const row = s0 + y0 * width;
          if (x0 >= 0 && x0 < width) v += (1 - fx) * (1 - fy) * src[row + x0];
          if (x0 + 1 >= 0 && x0 + 1 < width) v += fx * (1 - fy) * src[row + x0 + 1];
        }
        if (y0 + 1 >= 0 && y0 + 1 < height) {
          const row = s0 + (y0 + 1) * width;
          if (x0 >= 0 && x0 < width) v += (1 - fx) * fy * src[row + x0];
          if (x0 + 1 >= 0 && x0 + 1 < width) v += fx * fy * src[row + x0 + 1];
        }
        dst[o] = v * a + b;
      }
    }
  }
}
