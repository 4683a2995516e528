// Writes the start-time benchmark's inputs into a directory: the trainer's default model (the 'seed'
// preset, random weights: the timing does not depend on them) and a 280×280 drawing of a 7.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MNIST_CLASSES } from '@scratchnet/datasets';
import { createModel } from '@scratchnet/layers';
import { saveModel } from '@scratchnet/serialization/node';
import { setBackend } from '@scratchnet/tensor';
import pngjs from 'pngjs';

const dir = process.argv[2];
setBackend('js');
await saveModel(createModel('seed', { seed: 1 }), join(dir, 'model.safetensors'), {
  classNames: [...MNIST_CLASSES],
});

const size = 280;
const png = new pngjs.PNG({ width: size, height: size });
png.data.fill(255);
const stroke = (x0: number, y0: number, x1: number, y1: number) => {
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const dx = x1 - x0;
      const dy = y1 - y0;
      const t = Math.max(0, Math.min(1, ((x - x0) * dx + (y - y0) * dy) / (dx * dx + dy * dy)));
      if ((x0 + t * dx - x) ** 2 + (y0 + t * dy - y) ** 2 <= 100)
        png.data.fill(20, 4 * (y * size + x), 4 * (y * size + x) + 3);
    }
  }
};
stroke(84, 56, 196, 56);
stroke(196, 56, 126, 238);
writeFileSync(join(dir, 'digit.png'), pngjs.PNG.sync.write(png));
