// Writes MNIST test digits as pictures a user might take, for bench/photo-accuracy.mjs:
//   mnist-*.png  the 28×28 digit itself (white on black)
//   paper-*.png  dark ink ×10 on white paper, off-centre on a 640×480 page
//   photo-*.jpg  ×8 on grey, unevenly lit paper with sensor noise, JPEG quality 80
// Prints the true labels as JSON.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadMnist } from '@scratchnet/datasets/node';
import { Random } from '@scratchnet/tensor';
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';

const [dir, countArg, mnistDir] = process.argv.slice(2);
const count = Number(countArg);
const { test } = await loadMnist(mnistDir ? { dir: mnistDir } : {});
const rng = new Random(7);

/** digit (bytes) scaled by f with bilinear sampling into a w×h page at (x, y), as RGBA. */
function page(
  digit: Uint8Array,
  f: number,
  w: number,
  h: number,
  x: number,
  y: number,
  paper: (px: number, py: number) => number,
  ink: number,
  noise: number,
): Uint8Array {
  const out = new Uint8Array(w * h * 4);
  for (let py = 0; py < h; py++) {
    for (let px = 0; px < w; px++) {
      const sx = (px - x + 0.5) / f - 0.5;
      const sy = (py - y + 0.5) / f - 0.5;
      let v = 0;
      if (sx > -1 && sy > -1 && sx < 28 && sy < 28) {
        const x0 = Math.floor(sx);
        const y0 = Math.floor(sy);
        const at = (xx: number, yy: number) =>
          xx < 0 || yy < 0 || xx > 27 || yy > 27 ? 0 : digit[yy * 28 + xx] / 255;
        const fx = sx - x0;
        const fy = sy - y0;
        v =
          (1 - fx) * (1 - fy) * at(x0, y0) +
          fx * (1 - fy) * at(x0 + 1, y0) +
          (1 - fx) * fy * at(x0, y0 + 1) +
          fx * fy * at(x0 + 1, y0 + 1);
      }
      const p = paper(px, py);
      const l = Math.min(1, Math.max(0, p + (ink - p) * v + noise * rng.normal()));
      out.fill(Math.round(l * 255), 4 * (py * w + px), 4 * (py * w + px) + 3);
      out[4 * (py * w + px) + 3] = 255;
    }
  }
  return out;
}

function png(rgba: Uint8Array, w: number, h: number): Uint8Array {
  const p = new pngjs.PNG({ width: w, height: h });
  p.data = Buffer.from(rgba);
  return pngjs.PNG.sync.write(p, { colorType: 0, inputColorType: 6 });
}

const labels: number[] = [];
for (let i = 0; i < count; i++) {
  const { pixels, label } = test.image(i);
  labels.push(label);
  const mnist = new Uint8Array(784 * 4);
  for (let k = 0; k < 784; k++) mnist.set([pixels[k], pixels[k], pixels[k], 255], 4 * k);
  writeFileSync(join(dir, `mnist-${i}.png`), png(mnist, 28, 28));
  const px = 40 + rng.int(300);
  const py = 20 + rng.int(150);
  writeFileSync(
    join(dir, `paper-${i}.png`),
    png(
      page(pixels, 10, 640, 480, px, py, () => 1, 0, 0),
      640,
      480,
    ),
  );
  const shade = (x: number, y: number) => 0.85 - 0.3 * (x / 480) - 0.1 * (y / 360);
  const photo = page(pixels, 8, 480, 360, 20 + rng.int(200), 10 + rng.int(100), shade, 0.12, 0.03);
  writeFileSync(join(dir, `photo-${i}.jpg`), jpeg.encode({ width: 480, height: 360, data: photo }, 80).data);
}
process.stdout.write(JSON.stringify(labels));
