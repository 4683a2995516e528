/** Image and model files for the browser suite, written to a temporary directory. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeImage, parseIdx } from '@scratchnet/datasets';
import { Dense, Flatten, Sequential } from '@scratchnet/layers';
import { modelToBytes } from '@scratchnet/serialization';
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';
import { Classifier, describeResult, describeWarnings } from '../src/lib/classifier.js';

/** RGBA of a grayscale picture given as luminance bytes. */
function rgba(lum: Uint8Array): Uint8Array {
  const out = new Uint8Array(lum.length * 4);
  lum.forEach((v, i) => {
    out.set([v, v, v, 255], 4 * i);
  });
  return out;
}

function png(lum: Uint8Array, w: number, h: number): Uint8Array {
  const p = new pngjs.PNG({ width: w, height: h });
  p.data.set(rgba(lum));
  return new Uint8Array(pngjs.PNG.sync.write(p));
}

/** MNIST test image `i` as dark ink on white paper, enlarged 3× (as a photo of a digit would be). */
function mnistPicture(images: Uint8Array, i: number): Uint8Array {
  const out = new Uint8Array(84 * 84);
  for (let y = 0; y < 84; y++) {
    for (let x = 0; x < 84; x++)
      out[y * 84 + x] = 255 - images[i * 784 + Math.floor(y / 3) * 28 + Math.floor(x / 3)];
  }
  return out;
}

/** A white 56×56 picture with a black bar, horizontal or vertical, from `from` to `to` (0, 56: edge to edge). */
function barPicture(o: 'h' | 'v', from = 8, to = 48): Uint8Array {
  const lum = new Uint8Array(56 * 56).fill(255);
  for (let i = from; i < to; i++) for (let t = 25; t < 31; t++) lum[o === 'h' ? t * 56 + i : i * 56 + t] = 0;
  return lum;
}

/** Flatten → Dense(2) whose class 'h' sees ink left of the middle row, 'v' above the middle column. */
export function barModelBytes(): Uint8Array {
  const model = new Sequential([new Flatten(), new Dense(2)], { inputShape: [1, 28, 28] });
  const [w, b] = model.namedParameters();
  w.value.data.fill(0);
  b.value.data.fill(0);
  for (let k = 5; k < 10; k++) {
    w.value.data[14 * 28 + k] = 1;
    w.value.data[784 + k * 28 + 14] = 1;
  }
  return modelToBytes(model, { classNames: ['horizontal', 'vertical'] });
}

export interface Fixtures {
  dir: string;
  /** MNIST test digits as PNG files, with their true labels. */
  digits: { path: string; name: string; label: string }[];
  /** One MNIST digit as a JPEG. */
  jpeg: { path: string; name: string; label: string };
  /** A file that is no image at all. */
  notAnImage: { path: string; name: string };
  /** Bar pictures and the hand-made model that tells them apart. */
  bars: { paths: string[]; names: string[]; model: string };
  /** A horizontal bar from edge to edge: its ink touches the border (a warning). */
  edgeBar: { path: string; name: string };
  /** A file that is no model. */
  corruptModel: string;
  /** What the CLI's decoder, preprocessing and `model` make of an image fixture: the page must say the same. */
  expected(modelBytes: Uint8Array, path: string, name: string): string;
}

export function makeFixtures(mnistDir: string): Fixtures {
  const dir = mkdtempSync(join(tmpdir(), 'scratchnet-web-e2e-'));
  const images = parseIdx(readFileSync(join(mnistDir, 't10k-images-idx3-ubyte')), 'images', {
    dtype: 'uint8',
    rank: 3,
  }).data;
  const labels = parseIdx(readFileSync(join(mnistDir, 't10k-labels-idx1-ubyte')), 'labels', {
    dtype: 'uint8',
    rank: 1,
  }).data;
  const digits = [0, 1, 2, 3].map((i) => {
    const name = `mnist-test-${i}.png`;
    const path = join(dir, name);
    writeFileSync(path, png(mnistPicture(images, i), 84, 84));
    return { path, name, label: String(labels[i]) };
  });
  const jpegName = 'mnist-test-4.jpg';
  writeFileSync(
    join(dir, jpegName),
    jpeg.encode({ width: 84, height: 84, data: rgba(mnistPicture(images, 4)) }, 90).data,
  );
  writeFileSync(join(dir, 'notes.png'), 'this is not a picture\n');
  const barNames = ['hbar.png', 'vbar.png'];
  barNames.forEach((n, k) => {
    writeFileSync(join(dir, n), png(barPicture(k === 0 ? 'h' : 'v'), 56, 56));
  });
  writeFileSync(join(dir, 'edge.png'), png(barPicture('h', 0, 56), 56, 56));
  writeFileSync(join(dir, 'bars.safetensors'), barModelBytes());
  writeFileSync(join(dir, 'broken.safetensors'), new Uint8Array([7, 0, 0, 0, 0, 0, 0, 0, 123]));
  return {
    dir,
    digits,
    jpeg: { path: join(dir, jpegName), name: jpegName, label: String(labels[4]) },
    notAnImage: { path: join(dir, 'notes.png'), name: 'notes.png' },
    bars: { paths: barNames.map((n) => join(dir, n)), names: barNames, model: join(dir, 'bars.safetensors') },
    edgeBar: { path: join(dir, 'edge.png'), name: 'edge.png' },
    corruptModel: join(dir, 'broken.safetensors'),
    expected(modelBytes, path, name) {
      const c = Classifier.fromBytes(modelBytes, 'model');
      const r = c.classify(decodeImage(readFileSync(path), name), name);
      return describeResult(name, r) + describeWarnings(r);
    },
  };
}
