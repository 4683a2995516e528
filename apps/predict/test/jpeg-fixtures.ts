// Pictures shared by the JPEG kernel tests: this app's cjpeg-made fixtures, the datasets library's,
// and a digit to draw photos of without MNIST.
import { readFileSync } from 'node:fs';

/** A JPEG of test/fixtures/. */
export const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`fixtures/${name}`, import.meta.url)));

/** A picture of the datasets library's test fixtures. */
export const libraryFixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../../../packages/datasets/test/fixtures/${name}`, import.meta.url)));

/** A ring drawn as a 28×28 digit, for photos without MNIST. */
export const RING = (() => {
  const d = new Uint8Array(784);
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) d[y * 28 + x] = Math.abs(Math.hypot(x - 14, y - 14) - 8) < 2 ? 255 : 0;
  }
  return d;
})();
