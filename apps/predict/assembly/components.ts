// The connected-component labelling of @scratchnet/datasets' preprocessing (packages/datasets/src/
// image/preprocess/components.ts), compiled: the same scan and flood order, the same float64 sums of
// the same float32 ink, so the same labels and measurements. Pointers are byte offsets into this
// module's memory, laid out by the caller.

/** Bytes of one component's record in `stats`: mass f64, then area, x0, y0, x1, y1, boundary, touches (i32), peak (f32). */
export const STATS_BYTES: i32 = 40;

/**
 * Labels the 8-connected blobs where `mask` (bytes, [h, w]) is set into `labels` (i32, zeroed by the
 * caller), using `stack` (i32, w·h); writes one record per blob to `stats`, in label order, and
 * returns how many there are.
 */
export function labelComponents(
  mask: usize,
  ink: usize,
  labels: usize,
  stack: usize,
  stats: usize,
  w: i32,
  h: i32,
): i32 {
  const n = w * h;
  let count = 0;
  for (let start = 0; start < n; start++) {
    // Sixteen pixels without ink at once (most of a picture is paper).
    if ((start & 15) === 0 && start + 16 <= n && !v128.any_true(v128.load(mask + <usize>start))) {
      start += 15;
      continue;
    }
    if (load<u8>(mask + <usize>start) === 0 || load<i32>(labels + ((<usize>start) << 2)) !== 0) continue;
    count++;
    flood(mask, ink, labels, stack, stats + <usize>(count - 1) * STATS_BYTES, w, h, start, count);
  }
  return count;
}

/** Labels pixel q `id` and pushes it when it is set in `mask` and not labelled yet; the new stack size. */
function visit(mask: usize, labels: usize, stack: usize, q: i32, id: i32, sp: i32): i32 {
  if (load<u8>(mask + <usize>q) === 0 || load<i32>(labels + ((<usize>q) << 2)) !== 0) return sp;
  store<i32>(labels + ((<usize>q) << 2), id);
  store<i32>(stack + ((<usize>sp) << 2), q);
  return sp + 1;
}

function flood(
  mask: usize,
  ink: usize,
  labels: usize,
  stack: usize,
  c: usize,
  w: i32,
  h: i32,
  start: i32,
  id: i32,
): void {
  let area = 0;
  let mass: f64 = 0;
  let peak: f32 = -Infinity;
  let x0 = w;
  let y0 = h;
  let x1 = -1;
  let y1 = -1;
  let boundary = 0;
  let touches = 0;
  let sp: i32 = 0;
  store<i32>(stack, start);
  sp = 1;
  store<i32>(labels + ((<usize>start) << 2), id);
  while (sp > 0) {
    sp--;
    const p = load<i32>(stack + ((<usize>sp) << 2));
    const py = p / w;
    const px = p - py * w;
    area++;
    const v = load<f32>(ink + ((<usize>p) << 2));
    mass += <f64>v;
    if (v > peak) peak = v;
    if (px < x0) x0 = px;
    if (px > x1) x1 = px;
    if (py < y0) y0 = py;
    if (py > y1) y1 = py;
    const edge = px === 0 || py === 0 || px === w - 1 || py === h - 1;
    if (edge) touches = 1;
    if (
      edge ||
      load<u8>(mask + <usize>(p - 1)) === 0 ||
      load<u8>(mask + <usize>(p + 1)) === 0 ||
      load<u8>(mask + <usize>(p - w)) === 0 ||
      load<u8>(mask + <usize>(p + w)) === 0
    )
      boundary++;
    if (!edge) {
      // Inside the picture: the eight neighbours in the loop's order, unrolled (p itself is labelled).
      sp = visit(mask, labels, stack, p - w - 1, id, sp);
      sp = visit(mask, labels, stack, p - w, id, sp);
      sp = visit(mask, labels, stack, p - w + 1, id, sp);
      sp = visit(mask, labels, stack, p - 1, id, sp);
      sp = visit(mask, labels, stack, p + 1, id, sp);
      sp = visit(mask, labels, stack, p + w - 1, id, sp);
      sp = visit(mask, labels, stack, p + w, id, sp);
      sp = visit(mask, labels, stack, p + w + 1, id, sp);
      continue;
    }
    const ya = py > 0 ? py - 1 : py;
    const yb = py < h - 1 ? py + 1 : py;
    const xa = px > 0 ? px - 1 : px;
    const xb = px < w - 1 ? px + 1 : px;
    for (let qy = ya; qy <= yb; qy++) {
      for (let q = qy * w + xa, end = qy * w + xb; q <= end; q++) {
        if (load<u8>(mask + <usize>q) !== 0 && load<i32>(labels + ((<usize>q) << 2)) === 0) {
          store<i32>(labels + ((<usize>q) << 2), id);
          store<i32>(stack + ((<usize>sp) << 2), q);
          sp++;
        }
      }
    }
  }
  store<f64>(c, mass);
  store<i32>(c, area, 8);
  store<i32>(c, x0, 12);
  store<i32>(c, y0, 16);
  store<i32>(c, x1, 20);
  store<i32>(c, y1, 24);
  store<i32>(c, boundary, 28);
  store<i32>(c, touches, 32);
  store<f32>(c, peak, 36);
}
