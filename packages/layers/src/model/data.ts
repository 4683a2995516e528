import {
  type IntTensor,
  Random,
  ShapeError,
  type Tensor,
  Workspace,
  formatShape,
  copy,
} from '@scratchnet/tensor';

/** One mini-batch: x [B, ...inputShape], y [B] class labels. Valid until the next batch is drawn. */
export interface Batch {
  x: Tensor;
  y: IntTensor;
  /** B (the last batch of an epoch may be short). */
  size: number;
}

/** Options of {@link BatchSource.batches}. */
export interface BatchOptions {
  batchSize: number;
  shuffle: boolean;
  seed: number;
  /** 0-based epoch index: with `seed`, it alone determines the order of the epoch. */
  epoch: number;
  /** Skip this many batches (resuming inside an epoch). Default 0. */
  startBatch?: number;
}

/**
 * Labeled samples that can be cut into mini-batches. The order of epoch e depends only on
 * (seed, e), so resuming at (epoch, batch) replays exactly. `@scratchnet/datasets`' ImageDataset
 * satisfies this; {@link tensorBatchSource} wraps tensors already in memory.
 */
export interface BatchSource {
  /** Number of samples. */
  readonly length: number;
  batches(options: BatchOptions): Iterable<Batch>;
}

/** Throws unless batchSize is a positive integer. */
export function checkBatchSize(batchSize: number, where: string): void {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`${where}: batchSize must be a positive integer, got ${batchSize}`);
  }
}

/**
 * A {@link BatchSource} over in-memory tensors: x [N, ...sample] and integer labels y [N]. Shuffled
 * epochs permute the samples with `new Random(seed, epoch)`; batches are gathered into reused
 * buffers, so iterating allocates nothing after the first batch.
 *
 * @example
 * ```ts
 * const data = tensorBatchSource(x, y);
 * await model.fit(data, { optimizer, loss: 'softmaxCrossEntropy', epochs: 5, batchSize: 32, seed: 1 });
 * ```
 */
export function tensorBatchSource(x: Tensor, y: IntTensor): BatchSource {
  if (x.rank < 1 || y.rank !== 1 || y.shape[0] !== x.shape[0]) {
    throw new ShapeError(
      `tensorBatchSource: x ${formatShape(x.shape)} and y ${formatShape(y.shape)} must have the same number of samples (y is [N])`,
    );
  }
  const n = x.shape[0];
  const sample = x.shape.slice(1);
  const rowSize = n === 0 ? 0 : x.size / n;
  const ws = new Workspace();
  let order = new Int32Array(0);
  return {
    length: n,
    *batches({ batchSize, shuffle, seed, epoch, startBatch = 0 }: BatchOptions): Iterable<Batch> {
      checkBatchSize(batchSize, 'tensorBatchSource');
      if (order.length !== n) order = new Int32Array(n);
      for (let i = 0; i < n; i++) order[i] = i;
      if (shuffle) new Random(seed, epoch).shuffle(order);
      for (let start = startBatch * batchSize; start < n; start += batchSize) {
        const size = Math.min(batchSize, n - start);
        const bx = ws.tensor('x', [size, ...sample]);
        const by = ws.intTensor('y', [size]);
        if (!shuffle) {
          // contiguous rows: one copy each
          copy(x.narrow(start, size), bx);
          copy(y.narrow(start, size), by);
        } else {
          const xs = x.data;
          const ys = y.data;
          const xd = bx.data;
          const yd = by.data;
          for (let r = 0; r < size; r++) {
            const i = order[start + r];
            copyRow(xs, i * rowSize, xd, r * rowSize, rowSize);
            yd[r] = ys[i];
          }
        }
        yield { x: bx, y: by, size };
      }
    },
  };
}

/**
 * `to[dst + j] = from[src + j]` for j < n: a row gathered into a batch without the subarray view a
 * `set` would need (batches allocate nothing), in a function of its own (loops inside generators
 * run slower).
 */
function copyRow(from: Float32Array, src: number, to: Float32Array, dst: number, n: number): void {
  for (let j = 0; j < n; j++) to[dst + j] = from[src + j];
}
