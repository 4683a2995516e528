// Times decoding and preprocessing of a 12-megapixel (4000×3000) JPEG photo of a digit (a shadow
// band across the page, test/photos.ts), in-process: 2 warm-ups, then the median of 7 runs each.
import { decodeImage, loadMnist, preprocessImage } from '@scratchnet/datasets/node';
import { Random } from '@scratchnet/tensor';
import { photo, toJpeg } from '../test/photos.js';

const { test } = await loadMnist();
const digit = test.image(0);
const bytes = toJpeg(photo(digit.pixels, 'shadow', new Random(3), 4000, 3000), 90);
const median = (f: () => void) => {
  const times: number[] = [];
  for (let i = 0; i < 9; i++) {
    const t = performance.now();
    f();
    if (i >= 2) times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
};
const decoded = decodeImage(bytes, 'photo.jpg');
const decodeMs = median(() => decodeImage(bytes, 'photo.jpg'));
const preprocessMs = median(() => preprocessImage(decoded, {}, 'photo.jpg'));
const r = preprocessImage(decoded);
console.log(
  `12-MP JPEG (${decoded.width}×${decoded.height}, ${(bytes.length / 1e6).toFixed(1)} MB), digit ${digit.label}: ` +
    `decode ${decodeMs.toFixed(0)} ms, preprocess ${preprocessMs.toFixed(0)} ms (median of 7); box ${JSON.stringify(r.box)}`,
);
