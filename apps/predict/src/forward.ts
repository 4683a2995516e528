// The CLI's forward pass: a model made of the layers of a digit classifier (Conv2d, BatchNorm1d/2d,
// ReLU, MaxPool2d, Flatten, Dropout, Dense, a final Softmax) runs through the compiled kernels of
// assembly/forward.ts, one picture at a time; any other model runs `model.predict` on the tensor
// package's js backend. Measured: the js backend's convolutions run cold on a one-shot start (most of
// 40 ms for the pretrained model), the compiled ones in about a millisecond. Probabilities agree with
// the js backend's within float32 rounding (the sums run in another order): test/forward.test.ts.
// The weights come from the model's tensors, or from the model file itself (src/model-file.ts), whose
// big tensors are read straight into the kernels' memory as the pass goes. The pass runs in the
// preprocessing kernels' memory, as scratch: pages the image's preprocessing touched already.
import {
  type BaseLayer,
  BatchNorm1d,
  BatchNorm2d,
  Conv2d,
  Dense,
  Dropout,
  Flatten,
  MaxPool2d,
  ReLU,
  type Sequential,
  Softmax,
} from '@scratchnet/layers';
import { Tensor, softmax } from '@scratchnet/tensor';
import { type PreprocessKernels, preprocessKernels } from './wasm.js';

/** What `classifyPrepared` needs of a model. */
export interface Predictor {
  /** Class probabilities [N, K] for x [N, ...inputShape]. */
  predict(x: Tensor): Tensor;
}

/** A float32 tensor left in the model file, read by the forward pass as it goes. */
export interface StreamedTensor {
  /** Reads its bytes [from, from + length) to offset `to` of the kernels' memory, not checked yet. */
  read(from: number, length: number, to: number): void;
  /** Throws `loadModel`'s error for the file unless the `length` bytes at `to` are all finite floats. */
  check(to: number, length: number): void;
}

/** Where the forward pass finds the model's tensors (by state_dict name, `'0.weight'`). */
export interface WeightSource {
  /** The float32 values of tensor `name`, read at once. */
  values(name: string): Float32Array;
  /** For a tensor left in the file (src/model-file.ts): how to read it; undefined for one in memory. */
  stream?(name: string): StreamedTensor | undefined;
  /** Called after each pass: the source may let go of what it held for it (an open file). */
  release?(): void;
}

/**
 * At most this many pictures stream a Dense layer's weights from the file, once per picture; more
 * read them into memory once. Streaming reads through one reused buffer: fresh memory costs more to
 * touch (page faults) than reading a few megabytes again from the page cache.
 */
const STREAM_SAMPLES = 8;
/**
 * Most bytes of a Dense layer's weights read at once when streamed: whole rows, past the
 * activations, where the convolutions and the image's preprocessing have touched the pages already
 * (see `layout`: a chunk keeps to them, fresh pages costing more than the reads they save). Fewer,
 * bigger reads: measured, 26 reads of 64 KB cost about 0.3 ms more than 7 of 256 KB.
 */
const STREAM_CHUNK_BYTES = 256 * 1024;

/** The model's own tensors. */
function modelWeights(model: Sequential): WeightSource {
  const tensors = new Map<string, Float32Array>();
  for (const p of model.namedParameters()) tensors.set(p.name, p.value.data);
  for (const b of model.namedBuffers()) if (b.value instanceof Tensor) tensors.set(b.name, b.value.data);
  return { values: (name) => tensors.get(name) as Float32Array };
}

/**
 * One step of the compiled forward pass of one sample: its input and output offsets, and `at`, the
 * first byte past both, where its scratch starts (a streamed Dense layer's chunks), and `rows`, how
 * many rows of weights a streamed Dense layer reads at once.
 */
type Step = (k: PreprocessKernels, x: number, y: number, at: number, rows: number) => void;

/** The compiled pass of a model. */
interface Plan {
  steps: {
    run: Step;
    inPlace: boolean;
    /** Floats of its output. */
    out: number;
    /** Floats of scratch past its input and output (a convolution's). */
    scratch: number;
    /** Floats of a row of a streamed Dense layer's weights (0 for other steps). */
    row: number;
  }[];
  /** Arrays to copy into the kernels' memory, with the offsets the steps read them at. */
  copies: { data: Float32Array; at: number }[];
  /** Tensors to read from the file into the kernels' memory once, and check, at `at`. */
  reads: { tensor: StreamedTensor; bytes: number; at: number }[];
  /** First free byte after the copies and reads. */
  end: number;
}

const align16 = (n: number) => n + ((16 - (n % 16)) % 16);

/**
 * The compiled plan of `model` for `samples` pictures, or undefined when one of its layers has no
 * compiled kernel.
 */
function plan(model: Sequential, weights: WeightSource, samples: number): Plan | undefined {
  const copies: Plan['copies'] = [];
  const reads: Plan['reads'] = [];
  // Offset 0 stays unused: to the kernels, a bias at 0 means none.
  let end = 16;
  const place = (data: Float32Array): number => {
    const at = end;
    copies.push({ data, at });
    end = align16(end + 4 * data.length);
    return at;
  };
  const ref = (name: string): number => place(weights.values(name));
  const steps: Plan['steps'] = [];
  const layers = model.layers;
  const last = layers.length - (layers[layers.length - 1] instanceof Softmax ? 1 : 0);
  if (!compilable(model)) return undefined;
  for (let li = 0; li < last; li++) {
    const layer = layers[li] as BaseLayer;
    const [c, h, w] = layer.inputShape;
    const out = layer.outputShape;
    const size = out.reduce((a, b) => a * b, 1);
    if (layer instanceof Conv2d) {
      const wt = ref(`${li}.weight`);
      const b = layer.useBias ? ref(`${li}.bias`) : 0;
      const [kh, kw] = layer.kernelSize;
      const [sh, sw] = layer.stride;
      const [ph, pw] = layer.resolvedPadding;
      const [f, oh, ow] = out;
      const scratch = (c * (h + 2 * ph) + 4 * oh) * (w + 2 * pw) + 32 + f * c * kh * kw;
      // The common shape has a kernel of its own: one function to compile, its loop made for it.
      const common =
        kh === 3 &&
        kw === 3 &&
        sh === 1 &&
        sw === 1 &&
        f % 4 === 0 &&
        oh === h + 2 * ph - 2 &&
        ow === w + 2 * pw - 2;
      steps.push({
        inPlace: false,
        out: size,
        scratch,
        row: 0,
        run: common
          ? (k, x, y, at) => k.conv3x3(x, wt, b, y, c, h, w, f, ph, pw, at)
          : (k, x, y, at) => k.conv2d(x, wt, b, y, c, h, w, f, kh, kw, sh, sw, ph, pw, oh, ow, at),
      });
    } else if (layer instanceof BatchNorm2d || layer instanceof BatchNorm1d) {
      // The layer's own inference terms (batch-norm.ts), worked out by the kernel.
      const gamma = ref(`${li}.weight`);
      const beta = ref(`${li}.bias`);
      const mean = ref(`${li}.running_mean`);
      const variance = ref(`${li}.running_var`);
      const eps = layer.eps;
      const plane = layer.inputShape.slice(1).reduce((a, b) => a * b, 1);
      if (li + 1 < last && layers[li + 1] instanceof ReLU) {
        // A batch norm and a ReLU (then a MaxPool2d(2) after a BatchNorm2d): one pass, the same bits.
        const pooled = layer instanceof BatchNorm2d && li + 2 < last && pool2(layers[li + 2] as BaseLayer);
        const [hh, ww] = layer instanceof BatchNorm2d ? [h, w] : [plane, 1];
        const pool = pooled ? 2 : 1;
        steps.push({
          inPlace: false,
          out: pooled ? (layers[li + 2] as BaseLayer).outputShape.reduce((a, b) => a * b, 1) : size,
          scratch: 0,
          row: 0,
          run: (k, x, y) => k.batchNormReluPool(x, y, gamma, beta, mean, variance, eps, c, hh, ww, pool),
        });
        li += pooled ? 2 : 1;
        continue;
      }
      steps.push({
        inPlace: true,
        out: size,
        scratch: 0,
        row: 0,
        run: (k, x) => k.batchNorm(x, gamma, beta, mean, variance, eps, c, plane),
      });
    } else if (layer instanceof ReLU) {
      const n = out.reduce((a, b) => a * b, 1);
      steps.push({ inPlace: true, out: n, scratch: 0, row: 0, run: (k, x) => k.relu(x, n) });
    } else if (layer instanceof MaxPool2d) {
      const [kh, kw] = layer.poolSize;
      const [sh, sw] = layer.stride;
      const [ph, pw] = layer.resolvedPadding;
      const [, oh, ow] = out;
      steps.push({
        inPlace: false,
        out: size,
        scratch: 0,
        row: 0,
        run: (k, x, y) => k.maxPool2d(x, y, c, h, w, kh, kw, sh, sw, ph, pw, oh, ow),
      });
    } else if (layer instanceof Dense) {
      const b = layer.useBias ? ref(`${li}.bias`) : 0;
      const n = layer.inputShape[0];
      const units = layer.units;
      const streamed = weights.stream?.(`${li}.weight`);
      if (streamed === undefined || samples > STREAM_SAMPLES) {
        let wt: number;
        if (streamed === undefined) wt = ref(`${li}.weight`);
        else {
          // Read from the file once, straight to its place.
          wt = end;
          reads.push({ tensor: streamed, bytes: 4 * units * n, at: wt });
          end = align16(end + 4 * units * n);
        }
        steps.push({
          inPlace: false,
          out: units,
          scratch: 0,
          row: 0,
          run: (k, x, y) => k.dense(x, wt, b, y, n, units),
        });
      } else {
        // weight: [units, n], row-major: a chunk of whole rows gives its outputs exactly as the whole
        // does. The chunk lands past x and y, in the activation buffers and the convolutions'
        // scratch, which are free by then (x and y lie in the two activation buffers, whatever their
        // order: the chunk starts at most max(n, units) floats past the second one's start). Its
        // outputs vouch for its finiteness: a NaN or ±∞ weight makes its row's sum NaN or ±∞ (times
        // any input it is, or gives, NaN or ±∞, and no sum with one is finite), so only a chunk with
        // a non-finite output (a bad weight, or an input already non-finite) has its weights scanned.
        steps.push({
          inPlace: false,
          out: units,
          scratch: 0,
          row: n,
          run: (k, x, y, at, rows) => {
            for (let u = 0; u < units; u += rows) {
              const r = Math.min(rows, units - u);
              streamed.read(4 * u * n, 4 * r * n, at);
              if (!k.dense(x, at, b === 0 ? 0 : b + 4 * u, y + 4 * u, n, r)) streamed.check(at, 4 * r * n);
            }
          },
        });
      }
    }
  }
  return {
    steps,
    copies,
    reads,
    end,
  };
}

/**
 * Where the pass of `p` on an input of `size` floats lays its arrays: two activation buffers after
 * the weights, the pass alternating between them, each as large as the outputs it takes (ping[i]:
 * step i's input, ping[i + 1] its output), then each step's scratch (at[i]) past its input and
 * output, over whatever the buffers held before: the fewer pages touched, each a fault. A streamed
 * Dense layer reads rows[i] rows at once, one STREAM_CHUNK_BYTES at most: as many as fit in the
 * bytes the rest of the pass needs (the pages it touches anyway) when these leave room for half
 * that, one at least. `bytes`: the end.
 */
function layout(p: Plan, size: number): { ping: number[]; at: number[]; rows: number[]; bytes: number } {
  // Which buffer (0 the first) each step's input and output lie in, and how large each must be.
  const which = [0];
  const room = [size, 0];
  for (const step of p.steps) {
    const b = step.inPlace ? which[which.length - 1] : 1 - which[which.length - 1];
    which.push(b);
    room[b] = Math.max(room[b], step.out);
  }
  const starts = [p.end, align16(p.end + 4 * room[0])];
  let bytes = align16(starts[1] + 4 * room[1]);
  const ping = which.map((b) => starts[b]);
  let inSize = size;
  const at = p.steps.map((step, i) => {
    const first = align16(Math.max(ping[i] + 4 * inSize, ping[i + 1] + 4 * step.out));
    inSize = step.out;
    bytes = Math.max(bytes, first + 4 * step.scratch);
    return first;
  });
  const rows = p.steps.map((step, i) => {
    if (step.row === 0) return 0;
    // Past half a chunk's room in them, the chunk keeps to the pages the pass touches anyway.
    const left = bytes - at[i];
    const chunk = left >= STREAM_CHUNK_BYTES / 2 ? Math.min(left, STREAM_CHUNK_BYTES) : STREAM_CHUNK_BYTES;
    return Math.max(1, Math.floor(chunk / (4 * step.row)));
  });
  for (const [i, step] of p.steps.entries()) bytes = Math.max(bytes, at[i] + 4 * rows[i] * step.row);
  return { ping, at, rows, bytes };
}

/** Whether `pool` is a 2×2, stride-2, unpadded MaxPool2d. */
function pool2(pool: BaseLayer): boolean {
  if (!(pool instanceof MaxPool2d)) return false;
  const two = (pair: readonly number[], n: number) => pair[0] === n && pair[1] === n;
  return two(pool.poolSize, 2) && two(pool.stride, 2) && two(pool.resolvedPadding, 0);
}

/** The layers with a compiled kernel (Flatten keeps the layout, Dropout is the identity at inference). */
const COMPILED = [Conv2d, BatchNorm2d, BatchNorm1d, ReLU, MaxPool2d, Dense, Flatten, Dropout];

/** Whether every layer of `model` has a compiled kernel (its forward pass can run compiled). */
export function compilable(model: Sequential): boolean {
  const layers = model.layers;
  const last = layers.length - (layers[layers.length - 1] instanceof Softmax ? 1 : 0);
  return layers.slice(0, last).every((layer) => COMPILED.some((type) => layer instanceof type));
}

/**
 * `model` for `classifyPrepared`: its probabilities from the compiled kernels when every layer has
 * one (and WebAssembly runs here), with the weights of `weights` (default: the model's own), else
 * from `fallback()` (default: `model` itself; a model whose weights were left unloaded must give one
 * that has them).
 */
export function compiledPredictor(
  model: Sequential,
  weights: WeightSource = modelWeights(model),
  fallback: () => Predictor = () => model,
): Predictor {
  return {
    predict(x: Tensor): Tensor {
      const shape = model.inputShape;
      const size = shape.reduce((a, b) => a * b, 1);
      const fits = x.shape.length === shape.length + 1 && shape.every((d, i) => x.shape[i + 1] === d);
      try {
        return fits ? run(x, size) : fallback().predict(x);
      } finally {
        weights.release?.();
      }
    },
  };

  /** The pass over x [N, ...inputShape], or the fallback's when the compiled one cannot run. */
  function run(x: Tensor, size: number): Tensor {
    const p = plan(model, weights, x.shape[0]);
    if (p === undefined) return fallback().predict(x);
    const { ping, at: scratch, rows, bytes: room } = layout(p, size);
    const k = preprocessKernels(room);
    if (k === null) return fallback().predict(x);
    for (const { data, at } of p.copies) new Float32Array(k.memory.buffer, at, data.length).set(data);
    for (const { tensor, bytes, at } of p.reads) {
      tensor.read(0, bytes, at);
      tensor.check(at, bytes);
    }
    const n = x.shape[0];
    const classes = model.outputShape[0];
    const logits = new Tensor([n, classes]);
    for (let s = 0; s < n; s++) {
      new Float32Array(k.memory.buffer, ping[0], size).set(x.data.subarray(s * size, (s + 1) * size));
      let cur = ping[0];
      for (const [i, step] of p.steps.entries()) {
        const next = ping[i + 1];
        step.run(k, cur, next, scratch[i], rows[i]);
        cur = next;
      }
      logits.data.set(new Float32Array(k.memory.buffer, cur, classes), s * classes);
    }
    return softmax(logits);
  }
}
