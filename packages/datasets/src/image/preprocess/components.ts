/** Connected components of ink (8-connected) and the measurements that tell a digit from the rest. */

/** One connected blob of ink. */
export interface Component {
  /** Label in the label image (≥ 1). */
  id: number;
  /** Pixels. */
  area: number;
  /** Sum of the ink. */
  mass: number;
  /** The strongest ink of the blob (−∞ when none of it is a number). */
  peak: number;
  /** Bounding box, inclusive. */
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** Pixels on the blob's boundary (a 4-neighbour is not ink or outside the picture). */
  boundary: number;
  /** Whether the blob reaches the picture's border. */
  touchesBorder: boolean;
}

/** Mean stroke width ≈ 2·area / boundary length (a long stroke has two edges). */
export function strokeWidthOf(c: Component): number {
  return c.boundary === 0 ? 0 : (2 * c.area) / c.boundary;
}

/** Width and height of a component's box. */
export function sizeOf(c: Component): { width: number; height: number } {
  return { width: c.x1 - c.x0 + 1, height: c.y1 - c.y0 + 1 };
}

/**
 * Labels the 8-connected blobs of pixels where `mask` is set; `ink` gives their mass.
 * Returns the label image ([h, w], 0 for no ink) and one {@link Component} per label, in label order.
 */
export function labelComponents(
  mask: Uint8Array,
  ink: Float32Array,
  w: number,
  h: number,
): { labels: Int32Array; components: Component[] } {
  const n = mask.length;
  const labels = new Int32Array(n);
  const stack = new Int32Array(n);
  const components: Component[] = [];
  for (let start = 0; start < n; start++) {
    if (mask[start] === 0 || labels[start] !== 0) continue;
    components.push(flood(mask, ink, labels, stack, w, h, start, components.length + 1));
  }
  return { labels, components };
}

function flood(
  mask: Uint8Array,
  ink: Float32Array,
  labels: Int32Array,
  stack: Int32Array,
  w: number,
  h: number,
  start: number,
  id: number,
): Component {
  const c: Component = {
    id,
    area: 0,
    mass: 0,
    peak: Number.NEGATIVE_INFINITY,
    x0: w,
    y0: h,
    x1: -1,
    y1: -1,
    boundary: 0,
    touchesBorder: false,
  };
  let sp = 0;
  stack[sp++] = start;
  labels[start] = id;
  while (sp > 0) {
    const p = stack[--sp];
    const py = (p / w) | 0;
    const px = p - py * w;
    c.area++;
    c.mass += ink[p];
    if (ink[p] > c.peak) c.peak = ink[p];
    if (px < c.x0) c.x0 = px;
    if (px > c.x1) c.x1 = px;
    if (py < c.y0) c.y0 = py;
    if (py > c.y1) c.y1 = py;
    const edge = px === 0 || py === 0 || px === w - 1 || py === h - 1;
    if (edge) c.touchesBorder = true;
    if (edge || mask[p - 1] === 0 || mask[p + 1] === 0 || mask[p - w] === 0 || mask[p + w] === 0)
      c.boundary++;
    const ya = py > 0 ? py - 1 : py;
    const yb = py < h - 1 ? py + 1 : py;
    const xa = px > 0 ? px - 1 : px;
    const xb = px < w - 1 ? px + 1 : px;
    for (let qy = ya; qy <= yb; qy++) {
      for (let q = qy * w + xa, end = qy * w + xb; q <= end; q++) {
        if (mask[q] !== 0 && labels[q] === 0) {
          labels[q] = id;
          stack[sp++] = q;
        }
      }
    }
  }
  return c;
}
