/**
 * Datasets in the browser: the build copies gzipped IDX files into `data/<id>/`; they are fetched from
 * the page's own origin (never the internet) and read by the datasets package's
 * `imageDatasetFromIdx` (gunzip, parsing, label checks), as the CLI reads them.
 */
import { type ImageDataset, imageDatasetFromIdx } from '@scratchnet/datasets';
import type { DatasetEntry } from './protocol.js';

/** The bytes of the file at `url`, as served (gzipped IDX). */
async function fetchBytes(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${res.statusText}`);
  return new Uint8Array(await res.arrayBuffer());
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
    [f.trainImages, f.trainLabels, f.testImages, f.testLabels].map((n) => fetchBytes(url(n))),
  );
  const opts = (imagesFile: string, labelsFile: string, part: string) => ({
    imagesFile,
    labelsFile,
    classNames: entry.classNames,
    name: `${entry.id}/${part}`,
  });
  return {
    train: imageDatasetFromIdx(ti, tl, opts(f.trainImages, f.trainLabels, 'train')),
    test: imageDatasetFromIdx(si, sl, opts(f.testImages, f.testLabels, 'test')),
  };
}
