// Writes the first N MNIST test digits as every kind of picture of test/photos.ts into a directory,
// `<kind>-<i>.<png|jpg>`, for bench/photo-accuracy.mjs; prints {"kinds": [...], "labels": [...]}.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadMnist } from '@scratchnet/datasets/node';
import { Random } from '@scratchnet/tensor';
import { KINDS, picture } from '../test/photos.js';

const [dir, countArg] = process.argv.slice(2);
const count = Number(countArg);
const { test } = await loadMnist();
const labels: number[] = [];
for (let i = 0; i < count; i++) {
  const { pixels, label } = test.image(i);
  labels.push(label);
  KINDS.forEach((kind, k) => {
    const ext = kind === 'mnist' || kind === 'paper' ? 'png' : 'jpg';
    writeFileSync(join(dir, `${kind}-${i}.${ext}`), picture(pixels, kind, new Random(7, k, i)));
  });
}
process.stdout.write(JSON.stringify({ kinds: KINDS, labels }));
