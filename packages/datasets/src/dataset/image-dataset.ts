import { type IntTensor, Random, type Tensor, Workspace } from '@scratchnet/tensor';
import {
  type Augmentation,
  type ResolvedAugmentation,
  augmentSample,
  resolveAugmentation,
} from './augment.js';
import { CompactImages } from './compact.js';

/** One mini-batch. Its tensors are reused by the next batch of the same dataset: copy to keep them. */
export interface Batch {
  /** Images: [B, C, H, W] float32, in [0, 1] or normalised. */
  x: Tensor;
  /** Class indices: [B] int32. */
  y: IntTensor;
  /** B, the number of samples (the last batch of an epoch may be short). */
  size: number;
}

/** How to walk an epoch; the same shape as `@scratchnet/layers`' `BatchSource` options. */
export interface BatchOptions {
  /** Samples per batch (the last batch of an epoch may be smaller). */
  batchSize: number;
  /** Visit samples in a seeded random order (else in index order). */
  shuffle: boolean;
  /** Seed of the shuffle (and of augmentation). */
  seed: number;
  /** 0-based epoch number: the order of epoch e depends only on (seed, e). */
  epoch: number;
  /** Batches of this epoch to skip (already trained on before a resume). Default 0. */
  startBatch?: number;
}

/** Per-pixel normalisation applied when batching: `x = (pixel / 255 − mean) / std`. */
export interface Normalization {
  /** Mean of the pixels in [0, 1]. */
  mean: number;
  /** Standard deviation of the pixels in [0, 1]. */
  std: number;
}

/** One sample, as stored. */
export interface Sample {
  /** The image bytes, [C, H, W] row-major (a view: do not modify). */
  pixels: Uint8Array;
  /** Class index. */
  label: number;
  /** Name of the class. */
  className: string;
}

/**
 * How an {@link ImageDataset} holds its pixels: `'bytes'`, the `Uint8Array` given; `'compact'`,
 * runs of zero pixels and the bytes between them (MNIST's training images: 14 MB instead of 47 MB),
 * decoded per batch with the same float32 results and no slower. Pictures with little background
 * do not shrink that way and stay bytes.
 */
export type ImageStorage = 'bytes' | 'compact';

/** Everything an {@link ImageDataset} is made of. */
export interface ImageDatasetInit {
  /** `count · channels · height · width` bytes, sample-major, each sample [C, H, W]. */
  images: Uint8Array;
  /** One class index per image. */
  labels: Uint8Array;
  /** Image height in pixels. */
  height: number;
  /** Image width in pixels. */
  width: number;
  /** Default 1 (grayscale). */
  channels?: number;
  /** Default: `'0'`, `'1'`, … up to the largest label. */
  classNames?: readonly string[];
  /** Applied to every batch; default none (pixels scaled to [0, 1]). */
  normalization?: Normalization | null;
  /** Applied to every batch; default none. */
  augmentation?: Augmentation | null;
  /** Shown in errors and `toString()`, e.g. `'mnist/train'`. */
  name?: string;
  /**
   * `'compact'` keeps the images as zero runs (a copy; `images` is then decoded on first use);
   * default `'bytes'`, the array given, not copied. See {@link ImageStorage}.
   */
  storage?: ImageStorage;
}

/** Pixels already compacted, passed between datasets sharing them (not part of the public init). */
const COMPACT = Symbol('compact');
interface InternalInit extends ImageDatasetInit {
  [COMPACT]?: CompactImages;
}

/**
 * Labelled images kept as bytes (MNIST's training set is 47 MB of bytes, its float32 copy would be
 * 188 MB), or compacter still (`storage: 'compact'`, 14 MB), delivered as float32 mini-batches. It
 * satisfies `@scratchnet/layers`' `BatchSource`, so it can be passed to `model.fit` directly.
 *
 * @example
 * ```ts
 * const { train, test } = await loadMnist();
 * for (const { x, y, size } of train.batches({ batchSize: 64, shuffle: true, seed: 1, epoch: 0 })) {
 *   // x: [64, 1, 28, 28] in [0, 1]; y: [64]
 * }
 * ```
 */
export class ImageDataset {
  /** Number of samples. */
  readonly count: number;
  /** Image height in pixels. */
  readonly height: number;
  /** Image width in pixels. */
  readonly width: number;
  /** Channels per pixel (1: grayscale). */
  readonly channels: number;
  /** Name of each class index. */
  readonly classNames: readonly string[];
  /** How the pixels are held (`'compact'` only when that saves memory). */
  readonly storage: ImageStorage;
  /** All labels, one byte each. */
  readonly labels: Uint8Array;
  /** Normalisation applied to batches, or null. */
  readonly normalization: Normalization | null;
  /** Augmentation applied to batches, or null. */
  readonly augmentation: ResolvedAugmentation | null;
  /** Name used in messages. */
  readonly name: string;

  private readonly workspace = new Workspace();
  /** The pixels as bytes: given, or decoded from {@link compact} when `images` was read. */
  private bytes: Uint8Array | null;
  /** The pixels as zero runs, or null. */
  private readonly compact: CompactImages | null;
  /** One sample's bytes, for augmenting a compact sample. */
  private sampleBytes: Uint8Array | null = null;

  constructor(init: ImageDatasetInit) {
    const { images, labels, height, width } = init;
    const given = (init as InternalInit)[COMPACT];
    const channels = init.channels ?? 1;
    this.name = init.name ?? 'dataset';
    for (const [k, v] of [
      ['height', height],
      ['width', width],
      ['channels', channels],
    ] as const) {
      if (!Number.isInteger(v) || v < 1)
        throw new RangeError(`${this.name}: ${k} must be a positive integer, got ${v}`);
    }
    const count = labels.length;
    const sampleBytes = channels * height * width;
    if (
      given !== undefined
        ? given.count !== count || given.sampleSize !== sampleBytes
        : images.length !== count * sampleBytes
    ) {
      throw new RangeError(
        `${this.name}: ${labels.length} labels need ${count * sampleBytes} image bytes (${count} × ${channels}×${height}×${width}), got ${given !== undefined ? `${given.count} samples of ${given.sampleSize}` : images.length}`,
      );
    }
    let maxLabel = -1;
    for (let i = 0; i < count; i++) if (labels[i] > maxLabel) maxLabel = labels[i];
    const classNames =
      init.classNames ?? Array.from({ length: Math.max(maxLabel + 1, 0) }, (_, i) => String(i));
    if (maxLabel >= classNames.length) {
      throw new RangeError(
        `${this.name}: label ${maxLabel} is out of range for ${classNames.length} classes (${classNames.join(', ')})`,
      );
    }
    if (init.normalization) {
      const { mean, std } = init.normalization;
      if (!Number.isFinite(mean) || !Number.isFinite(std) || std <= 0) {
        throw new RangeError(
          `${this.name}: normalization needs a finite mean and std > 0, got ${mean}, ${std}`,
        );
      }
    }
    this.count = count;
    this.height = height;
    this.width = width;
    this.channels = channels;
    if (init.storage !== undefined && init.storage !== 'bytes' && init.storage !== 'compact') {
      throw new RangeError(`${this.name}: storage must be 'bytes' or 'compact', got ${String(init.storage)}`);
    }
    this.compact =
      given ?? (init.storage === 'compact' ? CompactImages.encode(images, count, sampleBytes) : null);
    this.bytes = this.compact === null ? images : null;
    this.storage = this.compact === null ? 'bytes' : 'compact';
    this.labels = labels;
    this.classNames = Object.freeze([...classNames]);
    this.normalization = init.normalization ? { ...init.normalization } : null;
    this.augmentation = init.augmentation ? resolveAugmentation(init.augmentation) : null;
  }

  /**
   * All images, `count × [C, H, W]` bytes. A compact dataset decodes them on first use and keeps
   * them (as much memory as `storage: 'bytes'`): batches, `image(i)` and `statistics()` do not need them.
   */
  get images(): Uint8Array {
    if (this.bytes === null) this.bytes = (this.compact as CompactImages).decodeAll();
    return this.bytes;
  }

  /** Bytes the pixels take in memory (the compact form, plus `images` once decoded). */
  get imageBytes(): number {
    return (this.compact?.byteLength ?? 0) + (this.bytes?.byteLength ?? 0);
  }

  /** Number of samples (the `BatchSource` name for {@link count}). */
  get length(): number {
    return this.count;
  }

  /** Elements of one sample: C·H·W. */
  get sampleSize(): number {
    return this.channels * this.height * this.width;
  }

  /** Per-sample shape `[C, H, W]`, the model's input shape. */
  get inputShape(): [number, number, number] {
    return [this.channels, this.height, this.width];
  }

  /** Batches in an epoch of `batchSize` (the last may be short). */
  batchCount(batchSize: number): number {
    return Math.ceil(this.count / batchSize);
  }

  /**
   * The mini-batches of one epoch. The order of epoch `e` depends only on `(seed, e)` and each
   * augmented sample only on `(seed, e, index)`, so resuming at `startBatch` replays exactly what
   * an uninterrupted run would have seen. The batch tensors (in the current backend's memory) are
   * reused: a batch is valid until the next one is taken from this dataset.
   */
  *batches(options: BatchOptions): Generator<Batch, void, undefined> {
    const { batchSize, shuffle, seed, epoch } = options;
    const startBatch = options.startBatch ?? 0;
    const what = `${this.name}.batches`;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new RangeError(`${what}: batchSize must be a positive integer, got ${batchSize}`);
    }
    if (!Number.isInteger(seed)) throw new RangeError(`${what}: seed must be an integer, got ${seed}`);
    if (!Number.isInteger(epoch) || epoch < 0) {
      throw new RangeError(`${what}: epoch must be an integer ≥ 0, got ${epoch}`);
    }
    const total = this.batchCount(batchSize);
    if (!Number.isInteger(startBatch) || startBatch < 0 || startBatch > total) {
      throw new RangeError(`${what}: startBatch must be an integer in [0, ${total}], got ${startBatch}`);
    }
    const order = shuffle ? this.epochOrder(seed, epoch) : null;
    const { channels: c, height: h, width: w, labels, compact } = this;
    const bytes = compact === null ? (this.bytes as Uint8Array) : null;
    const p = this.sampleSize;
    // x = byte·a + b folds the /255 scaling and the normalisation into one multiply-add.
    const std = this.normalization?.std ?? 1;
    const a = 1 / (255 * std);
    const b = -(this.normalization?.mean ?? 0) / std;
    const aug = this.augmentation;
    for (let batch = startBatch; batch < total; batch++) {
      const start = batch * batchSize;
      const size = Math.min(batchSize, this.count - start);
      const x = this.workspace.tensor('x', [size, c, h, w]);
      const y = this.workspace.intTensor('y', [size]);
      const xd = x.data;
      const yd = y.data;
      for (let i = 0; i < size; i++) {
        const s = order === null ? start + i : order[start + i];
        yd[i] = labels[s];
        if (bytes === null) {
          const cs = compact as CompactImages;
          if (aug !== null) {
            const one = this.sampleBuffer();
            cs.decodeBytes(s, one, 0);
            augmentSample(one, 0, c, h, w, xd, i * p, a, b, aug, seed, epoch, s);
          } else cs.decodeScaled(s, xd, i * p, a, b);
        } else if (aug !== null) {
          augmentSample(bytes, s * p, c, h, w, xd, i * p, a, b, aug, seed, epoch, s);
        } else {
          scaleBytes(bytes, s * p, xd, i * p, p, a, b);
        }
      }
      yield { x, y, size };
    }
  }

  /** A buffer of one sample's bytes (kept). */
  private sampleBuffer(): Uint8Array {
    if (this.sampleBytes === null) this.sampleBytes = new Uint8Array(this.sampleSize);
    return this.sampleBytes;
  }

  /**
   * The sample order of epoch `epoch`: a Fisher–Yates permutation from `Random(seed, epoch)`. One
   * array per epoch (not per step), so iterators of different epochs never disturb each other.
   */
  private epochOrder(seed: number, epoch: number): Uint32Array {
    const order = new Uint32Array(this.count);
    for (let i = 0; i < order.length; i++) order[i] = i;
    return new Random(seed, epoch).shuffle(order);
  }

  /** Sample `i`: its bytes (a view of `images`; a copy on a compact dataset), label and class name. */
  image(i: number): Sample {
    if (!Number.isInteger(i) || i < 0 || i >= this.count) {
      throw new RangeError(`${this.name}.image: index ${i} is outside [0, ${this.count})`);
    }
    const p = this.sampleSize;
    const label = this.labels[i];
    let pixels: Uint8Array;
    if (this.bytes !== null) pixels = this.bytes.subarray(i * p, (i + 1) * p);
    else {
      pixels = new Uint8Array(p);
      (this.compact as CompactImages).decodeBytes(i, pixels, 0);
    }
    return { pixels, label, className: this.classNames[label] };
  }

  /** Samples `[start, start + count)` as a dataset sharing this one's pixels (no copy). */
  subset(start: number, count: number): ImageDataset {
    if (
      !Number.isInteger(start) ||
      !Number.isInteger(count) ||
      start < 0 ||
      count < 0 ||
      start + count > this.count
    ) {
      throw new RangeError(`${this.name}.subset: [${start}, ${start + count}) is outside [0, ${this.count})`);
    }
    const p = this.sampleSize;
    return this.derive(
      this.compact?.slice(start, count) ?? this.images.subarray(start * p, (start + count) * p),
      this.labels.subarray(start, start + count),
      `${this.name}[${start}:${start + count}]`,
    );
  }

  /**
   * A seeded random train/validation split: `round(count · validationFraction)` samples go to
   * `validation`; both keep index order and copy their bytes. Validation batches are never augmented.
   */
  split(validationFraction: number, seed: number): { train: ImageDataset; validation: ImageDataset } {
    const nVal = Math.round(this.count * validationFraction);
    if (!(validationFraction > 0 && validationFraction < 1) || nVal < 1 || nVal >= this.count) {
      throw new RangeError(
        `${this.name}.split: validationFraction must leave both parts non-empty, got ${validationFraction} of ${this.count} samples`,
      );
    }
    const perm = new Uint32Array(this.count);
    for (let i = 0; i < perm.length; i++) perm[i] = i;
    new Random(seed, 0x5911).shuffle(perm);
    const isVal = new Uint8Array(this.count);
    for (let i = 0; i < nVal; i++) isVal[perm[i]] = 1;
    const take = (flag: number, n: number): [Uint8Array | CompactImages, Uint8Array] => {
      const p = this.sampleSize;
      if (this.compact !== null) {
        const picked = new Uint32Array(n);
        const labels = new Uint8Array(n);
        for (let i = 0, k = 0; i < this.count; i++) {
          if (isVal[i] !== flag) continue;
          labels[k] = this.labels[i];
          picked[k++] = i;
        }
        return [this.compact.pick(picked), labels];
      }
      const images = new Uint8Array(n * p);
      const labels = new Uint8Array(n);
      for (let i = 0, k = 0; i < this.count; i++) {
        if (isVal[i] !== flag) continue;
        images.set(this.images.subarray(i * p, (i + 1) * p), k * p);
        labels[k++] = this.labels[i];
      }
      return [images, labels];
    };
    const [ti, tl] = take(0, this.count - nVal);
    const [vi, vl] = take(1, nVal);
    return {
      train: this.derive(ti, tl, `${this.name}/train`),
      validation: this.derive(vi, vl, `${this.name}/validation`, { augmentation: null }),
    };
  }

  /**
   * The same samples with other batch options (`undefined` keeps the current one, `null` removes it).
   *
   * @example
   * ```ts
   * const augmented = train.withOptions({ normalization: train.statistics(), augmentation: { maxShift: 2 } });
   * ```
   */
  withOptions(options: {
    normalization?: Normalization | null;
    augmentation?: Augmentation | null;
  }): ImageDataset {
    return this.derive(this.compact ?? this.images, this.labels, this.name, options);
  }

  /** Mean and standard deviation of all pixels scaled to [0, 1] (MNIST train: 0.1307, 0.3081). */
  statistics(): Normalization {
    const hist = new Float64Array(256);
    if (this.compact !== null) this.compact.histogram(hist);
    else {
      const img = this.bytes as Uint8Array;
      for (let i = 0; i < img.length; i++) hist[img[i]]++;
    }
    let sum = 0;
    let sumSq = 0;
    for (let v = 0; v < 256; v++) {
      sum += hist[v] * v;
      sumSq += hist[v] * v * v;
    }
    const n = Math.max(this.count * this.sampleSize, 1);
    const mean = sum / n;
    return { mean: mean / 255, std: Math.sqrt(Math.max(sumSq / n - mean * mean, 0)) / 255 };
  }

  /** How many samples each class has. */
  classCounts(): number[] {
    const counts = new Array<number>(this.classNames.length).fill(0);
    for (let i = 0; i < this.count; i++) counts[this.labels[i]]++;
    return counts;
  }

  /** E.g. `ImageDataset mnist/train: 60000 × [1, 28, 28], 10 classes`. */
  toString(): string {
    return `ImageDataset ${this.name}: ${this.count} × [${this.inputShape.join(', ')}], ${this.classNames.length} classes`;
  }

  private derive(
    images: Uint8Array | CompactImages,
    labels: Uint8Array,
    name: string,
    options: { normalization?: Normalization | null; augmentation?: Augmentation | null } = {},
  ): ImageDataset {
    const compact = images instanceof CompactImages;
    const init: InternalInit = {
      images: compact ? EMPTY : images,
      labels,
      height: this.height,
      width: this.width,
      channels: this.channels,
      classNames: this.classNames,
      normalization: options.normalization === undefined ? this.normalization : options.normalization,
      augmentation: options.augmentation === undefined ? this.augmentation : options.augmentation,
      name,
    };
    if (compact) init[COMPACT] = images;
    return new ImageDataset(init);
  }
}

const EMPTY = new Uint8Array(0);

/**
 * `out[dst + j] = bytes[src + j]·a + b` for j < n. A function of its own: inside the `batches`
 * generator the same loop runs about half as fast (it costs ~1% of a small model's training step).
 */
function scaleBytes(
  bytes: Uint8Array,
  src: number,
  out: Float32Array,
  dst: number,
  n: number,
  a: number,
  b: number,
): void {
  for (let j = 0; j < n; j++) out[dst + j] = bytes[src + j] * a + b;
}
