/**
 * Which blobs of ink are the digit: not the dark things at the picture's border (the table, the page
 * edge, a shadow reaching the edge) unless nothing else is left, not ruled-line remnants, the most
 * massive and central blob, and the strokes near it that belong to the same digit (a 5's hat, a 7's bar).
 */
import { type Component, sizeOf } from './components.js';

/** A box in pixels. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The digit's blobs. */
export interface Selection {
  /** Labels of the blobs that make the digit. */
  keep: Set<number>;
  /** Their bounding box. */
  box: Box;
  /** Separate digit-sized groups of ink found (1 when the digit is alone). */
  candidates: number;
  /** Whether the digit's ink reaches the picture's border. */
  touchesBorder: boolean;
}

/** A straight run across much of the page, a few pixels high: a ruled line or its remnant. */
function lineLike(c: Component, w: number): boolean {
  const { width, height } = sizeOf(c);
  // straight: a few pixels high; tilted: a sparse diagonal through its box
  return (
    w >= 64 &&
    width > 0.4 * w &&
    (height < 0.06 * width || (height < 0.2 * width && c.area < 0.3 * width * height))
  );
}

/** Gap between two boxes (0 when they overlap), in pixels. */
function gap(a: Box, c: Component): number {
  const dx = Math.max(0, c.x0 - (a.x + a.width - 1), a.x - c.x1);
  const dy = Math.max(0, c.y0 - (a.y + a.height - 1), a.y - c.y1);
  return Math.hypot(dx, dy);
}

function union(a: Box, c: Component): Box {
  const x = Math.min(a.x, c.x0);
  const y = Math.min(a.y, c.y0);
  return {
    x,
    y,
    width: Math.max(a.x + a.width - 1, c.x1) - x + 1,
    height: Math.max(a.y + a.height - 1, c.y1) - y + 1,
  };
}

/**
 * Picks the digit among `components` of a w×h picture; undefined when there is no ink at all.
 *
 * @param minFraction Blobs with less ink than this fraction of the digit's main blob are specks.
 * @param strong Whether a blob reaches the strokes' full strength somewhere (only those start a digit).
 */
export function selectDigit(
  components: readonly Component[],
  w: number,
  h: number,
  minFraction: number,
  strong: (c: Component) => boolean = () => true,
): Selection | undefined {
  const shapes = components.filter((c) => !lineLike(c, w));
  const pool = shapes.length > 0 ? shapes : [...components];
  if (pool.length === 0) return undefined;
  const largest = Math.max(...pool.map((c) => c.mass));
  // Inside the picture: blobs that stay clear of the border; a digit starts from one of a digit's size.
  const inside = pool.filter((c) => !c.touchesBorder);
  const big = inside.filter((c) => c.area >= 0.002 * w * h || c.mass >= 0.25 * largest);
  const candidates = big.length > 0 ? inside : pool;

  // Most ink, favouring the centre (people aim at the digit).
  const half = Math.hypot(w, h) / 2;
  const score = (c: Component) => {
    const d = Math.hypot((c.x0 + c.x1) / 2 - w / 2, (c.y0 + c.y1) / 2 - h / 2) / half;
    return c.mass * (1 - 0.5 * d * d);
  };
  // The seed has ink at the strokes' full strength; faint pieces of the same stroke may join it.
  const sized = big.length > 0 ? big : pool;
  const seeds = sized.filter(strong).length > 0 ? sized.filter(strong) : sized;
  let seed = seeds[0];
  for (const c of seeds) if (score(c) > score(seed)) seed = c;

  // Grow the digit with the strokes close to it.
  const keep = new Set([seed.id]);
  let box: Box = { x: seed.x0, y: seed.y0, width: seed.x1 - seed.x0 + 1, height: seed.y1 - seed.y0 + 1 };
  let mass = seed.mass;
  for (let grown = true; grown; ) {
    grown = false;
    for (const c of candidates) {
      if (keep.has(c.id) || c.mass < minFraction * seed.mass) continue;
      if (gap(box, c) <= 0.25 * Math.max(box.width, box.height) + 1) {
        keep.add(c.id);
        box = union(box, c);
        mass += c.mass;
        grown = true;
      }
    }
  }
  // Other groups of ink as heavy as a good part of the digit are other candidate digits.
  const others = candidates.filter((c) => !keep.has(c.id) && c.mass >= 0.35 * mass).length;
  const touchesBorder = candidates.some((c) => keep.has(c.id) && c.touchesBorder);
  return { keep, box, candidates: 1 + others, touchesBorder };
}
