/**
 * Datasets in the browser: the build copies gzipped IDX files into `data/<id>/`; they are fetched from
 * the page's own origin (never the internet), gunzipped with the browser's DecompressionStream and
 * parsed by the datasets package.
 */
import { ImageDataset, parseIdx } from '@scratchnet/datasets';
import type { DatasetEntry } from './protocol.js';

/** Bytes of a gzipped file at `url`, decompressed. */
export async function fetchGunzip(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok || res.body === null) throw new Error(`${url}: HTTP ${res.status} ${res.statusText}`);
  const stream = res.body.pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** An image dataset from IDX image and label bytes (raw); names the files in errors. */
export function datasetFromIdx(
  images: Uint8Array,
  labels: Uint8Array,
  options: { imagesFile: string; labelsFile: string; classNames: readonly string[]; name: string },
): ImageDataset {
  const x = parseIdx(images, options.imagesFile, { dtype: 'uint8', rank: 3 });
  const y = parseIdx(labels, options.labelsFile, { dtype: 'uint8', rank: 1 });
  const [n, height, width] = x.shape;
  if (y.shape[0] !== n) {
    throw new Error(
      `${options.labelsFile}: has ${y.shape[0]} labels but ${options.imagesFile} has ${n} images`,
    );
  }
  return new ImageDataset({
    images: x.data,
    labels: y.data,
    height,
    width,
    classNames: options.classNames,
    name: options.name,
  });
}

/** Fetches and parses the train and test sets of `entry` from `base` (the URL of `data/`). */
export async function loadDataset(
  entry: DatasetEntry,
  base: string,
): Promise<{ train: ImageDataset; test: ImageDataset }> {
  if (!entry.available || entry.files === undefined) {
    throw new Error(`${entry.name} is not available in this build: ${entry.reason ?? 'not copied'}`);
  }
  const f = entry.files;
  const url = (name: string) => new URL(`${entry.id}/${name}`, base).href;
  const [ti, tl, si, sl] = await Promise.all(
    [f.trainImages, f.trainLabels, f.testImages, f.testLabels].map((n) => fetchGunzip(url(n))),
  );
  const opts = (imagesFile: string, labelsFile: string, part: string) => ({
    imagesFile,
    labelsFile,
    classNames: entry.classNames,
    name: `${entry.id}/${part}`,
  });
  return {
    train: datasetFromIdx(ti, tl, opts(f.trainImages, f.trainLabels, 'train')),
    test: datasetFromIdx(si, sl, opts(f.testImages, f.testLabels, 'test')),
  };
}
