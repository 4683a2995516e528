/** Small raster helpers for preprocessing: area-averaging resize and a disc-shaped max filter. */
export { resizeArea } from './resample.js';

/** Grey-level dilation with a disc of `radius` pixels; the output is padded by `radius` on each side. */
export function dilateDisc(
  src: Float32Array,
  width: number,
  height: number,
  radius: number,
): { data: Float32Array; width: number; height: number } {
  const ow = width + 2 * radius;
  const oh = height + 2 * radius;
  const out = new Float32Array(ow * oh);
  // The disc as offsets into the output (a flat list: no iterator per pixel and offset).
  const disc: number[] = [];
  for (let dy = -radius; dy <= radius; dy++) {
    for (let dx = -radius; dx <= radius; dx++)
      if (dx * dx + dy * dy <= radius * radius + radius) disc.push(dy * ow + dx);
  }
  const offsets = Int32Array.from(disc);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = src[y * width + x];
      if (v === 0) continue;
      // scatter: every output pixel within the disc sees at least v
      const centre = (y + radius) * ow + x + radius;
      for (let k = 0; k < offsets.length; k++) {
        const o = centre + offsets[k];
        if (out[o] < v) out[o] = v;
      }
    }
  }
  return { data: out, width: ow, height: oh };
}
