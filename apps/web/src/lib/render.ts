/** Small drawing helpers for the page: grayscale thumbnails and line charts on canvases. */

/** Paints `w·h` bytes (0 black … 255 white) into `canvas` at its own resolution. */
export function paintGray(canvas: HTMLCanvasElement, pixels: ArrayLike<number>, w: number, h: number): void {
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d');
  if (ctx === null) return;
  const img = ctx.createImageData(w, h);
  for (let i = 0; i < w * h; i++) {
    const v = pixels[i];
    img.data[4 * i] = v;
    img.data[4 * i + 1] = v;
    img.data[4 * i + 2] = v;
    img.data[4 * i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

/** Paints signed weights: mid-gray is zero, scaled so the largest magnitude reaches black or white. */
export function paintWeights(canvas: HTMLCanvasElement, w: Float32Array, kh: number, kw: number): void {
  let max = 1e-12;
  for (const v of w) max = Math.max(max, Math.abs(v));
  paintGray(
    canvas,
    Array.from(w, (v) => Math.round(127.5 + (127.5 * v) / max)),
    kw,
    kh,
  );
}

/** One series of a line chart. */
export interface Series {
  label: string;
  color: string;
  points: { x: number; y: number }[];
  /** Draw dots (few points) instead of a line. */
  dots?: boolean;
}

/** Draws series in `canvas`, x from 0 to `xMax`, y over the data's range (or `yRange`). */
export function drawChart(
  canvas: HTMLCanvasElement,
  series: Series[],
  xMax: number,
  yRange?: [number, number],
): void {
  const ctx = canvas.getContext('2d');
  if (ctx === null) return;
  const { width: W, height: H } = canvas;
  const pad = { l: 44, r: 10, t: 22, b: 22 };
  ctx.clearRect(0, 0, W, H);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, W, H);
  const ys = series.flatMap((s) => s.points.map((p) => p.y)).filter(Number.isFinite);
  let [lo, hi] = yRange ?? [Math.min(...ys, Infinity), Math.max(...ys, -Infinity)];
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) [lo, hi] = [0, 1];
  if (hi - lo < 1e-9) hi = lo + 1;
  const X = (x: number) => pad.l + ((W - pad.l - pad.r) * x) / Math.max(xMax, 1e-9);
  const Y = (y: number) => H - pad.b - ((H - pad.t - pad.b) * (y - lo)) / (hi - lo);
  ctx.strokeStyle = '#c4c8cf';
  ctx.fillStyle = '#333';
  ctx.font = '11px system-ui, sans-serif';
  ctx.lineWidth = 1;
  for (let i = 0; i <= 4; i++) {
    const v = lo + ((hi - lo) * i) / 4;
    ctx.beginPath();
    ctx.moveTo(pad.l, Y(v));
    ctx.lineTo(W - pad.r, Y(v));
    ctx.stroke();
    ctx.fillText(v.toPrecision(3), 2, Y(v) + 4);
  }
  ctx.fillText(`epochs (0–${xMax})`, W / 2 - 30, H - 6);
  let legendX = pad.l;
  for (const s of series) {
    ctx.strokeStyle = s.color;
    ctx.fillStyle = s.color;
    ctx.lineWidth = 2;
    if (s.dots) {
      for (const p of s.points) {
        ctx.beginPath();
        ctx.arc(X(p.x), Y(p.y), 3.5, 0, 2 * Math.PI);
        ctx.fill();
      }
    } else {
      ctx.beginPath();
      s.points.forEach((p, i) => {
        if (i === 0) ctx.moveTo(X(p.x), Y(p.y));
        else ctx.lineTo(X(p.x), Y(p.y));
      });
      ctx.stroke();
    }
    ctx.fillRect(legendX, 6, 10, 10);
    ctx.fillStyle = '#1a1a1a';
    ctx.fillText(s.label, legendX + 14, 15);
    legendX += 20 + ctx.measureText(s.label).width + 10;
  }
}
