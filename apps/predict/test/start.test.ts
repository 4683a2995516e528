// src/start.cjs's own URL, import.meta.url of the bundle: spelled out for plain paths, node:url's otherwise.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

/** start.cjs's fileUrl, taken from its text (the script runs as a whole only as the bundle's head). */
function fileUrlOfStart(): (path: string) => string {
  const text = readFileSync(new URL('../src/start.cjs', import.meta.url), 'utf8');
  const fn = /\nfunction fileUrl\(path\) \{\n[\s\S]*?\n\}\n/.exec(text);
  if (fn === null) throw new Error('start.cjs has no fileUrl(path)');
  return new Function('require', `${fn[0]}\nreturn fileUrl;`)(createRequire(import.meta.url));
}

describe('start.cjs fileUrl', () => {
  const fileUrl = fileUrlOfStart();

  it("is node:url's pathToFileURL for plain and escaped paths alike", () => {
    for (const path of [
      '/usr/lib/node_modules/@scratchnet/predict/dist/scratchnet-predict.js',
      '/home/a.b/x_y-z1/s.js',
      '/home/a~b/s.js',
      '/tmp/odd dir #1 %41/dist/s.js',
      '/tmp/q?x/s.js',
      '/tmp/ü/s.js',
      '/tmp/./s.js',
      '/tmp/../s.js',
      '/tmp/a\\b/s.js',
      '/s.js',
    ]) {
      expect(fileUrl(path), path).toBe(pathToFileURL(path).href);
    }
  });
});
