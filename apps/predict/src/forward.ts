// The CLI's forward pass: a model made of the layers of a digit classifier (Conv2d, BatchNorm1d/2d,
// ReLU, MaxPool2d, Flatten, Dropout, Dense, a final Softmax) runs through the compiled kernels of
// assembly/forward.ts, one picture at a time; any other model runs `model.predict` on the tensor
// package's js backend. Measured: the js backend's convolutions run cold on a one-shot start (most of
// 40 ms for the pretrained model), the compiled ones in about a millisecond. Probabilities agree with
// the js backend's within float32 rounding (the sums run in another order): test/forward.test.ts.
import {
  BaseLayer,
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

/** One step of the compiled forward pass of one sample, given the kernels and its input/output offsets. */
type Step = (k: PreprocessKernels, x: number, y: number) => void;

/** A step's float32 arrays, copied into the module's memory before the pass. */
interface Plan {
  steps: { run: Step; inPlace: boolean }[];
  arrays: Float32Array[];
  /** Floats of the largest activation of one sample. */
  largest: number;
}

/** The compiled plan of `model`, or undefined when one of its layers has no compiled kernel. */
function plan(model: Sequential): Plan | undefined {
  const arrays: Float32Array[] = [];
  // Offsets are assigned after planning: each array is referred to by its index until then.
  const at: number[] = [];
  const ref = (a: Float32Array): (() => number) => {
    const i = arrays.push(a) - 1;
    return () => at[i];
  };
  const steps: Plan['steps'] = [];
  let largest = model.inputShape.reduce((a, b) => a * b, 1);
  const layers = model.layers;
  const last = layers.length - (layers[layers.length - 1] instanceof Softmax ? 1 : 0);
  for (let li = 0; li < last; li++) {
    const layer = layers[li];
    if (!(layer instanceof BaseLayer)) return undefined;
    const [c, h, w] = layer.inputShape;
    const out = layer.outputShape;
    largest = Math.max(
      largest,
      out.reduce((a, b) => a * b, 1),
    );
    if (layer instanceof Conv2d) {
      const [weight, bias] = layer.parameters();
      const wt = ref(weight.value.data);
      const b = bias === undefined ? () => 0 : ref(bias.value.data);
      const [kh, kw] = layer.kernelSize;
      const [sh, sw] = layer.stride;
      const [ph, pw] = layer.resolvedPadding;
      const [f, oh, ow] = out;
      steps.push({
        inPlace: false,
        run: (k, x, y) => k.conv2d(x, wt(), b(), y, c, h, w, f, kh, kw, sh, sw, ph, pw, oh, ow),
      });
    } else if (layer instanceof BatchNorm2d || layer instanceof BatchNorm1d) {
      // The layer's own inference terms (batch-norm.ts): scale = γ·invStd, shift = β − μ·scale.
      const [gamma, beta] = layer.parameters();
      const [mean, variance] = layer.buffers();
      const scale = new Float32Array(c);
      const shift = new Float32Array(c);
      for (let ch = 0; ch < c; ch++) {
        const invStd = Math.fround(1 / Math.sqrt(variance.value.data[ch] + layer.eps));
        scale[ch] = gamma.value.data[ch] * invStd;
        shift[ch] = beta.value.data[ch] - mean.value.data[ch] * scale[ch];
      }
      const s = ref(scale);
      const t = ref(shift);
      const plane = layer.inputShape.slice(1).reduce((a, b) => a * b, 1);
      steps.push({ inPlace: true, run: (k, x) => k.channelAffine(x, s(), t(), c, plane) });
    } else if (layer instanceof ReLU) {
      const n = out.reduce((a, b) => a * b, 1);
      steps.push({ inPlace: true, run: (k, x) => k.relu(x, n) });
    } else if (layer instanceof MaxPool2d) {
      const [kh, kw] = layer.poolSize;
      const [sh, sw] = layer.stride;
      const [ph, pw] = layer.resolvedPadding;
      const [, oh, ow] = out;
      steps.push({
        inPlace: false,
        run: (k, x, y) => k.maxPool2d(x, y, c, h, w, kh, kw, sh, sw, ph, pw, oh, ow),
      });
    } else if (layer instanceof Dense) {
      const [weight, bias] = layer.parameters();
      const wt = ref(weight.value.data);
      const b = bias === undefined ? () => 0 : ref(bias.value.data);
      const n = layer.inputShape[0];
      const units = layer.units;
      steps.push({ inPlace: false, run: (k, x, y) => k.dense(x, wt(), b(), y, n, units) });
    } else if (!(layer instanceof Flatten || layer instanceof Dropout)) {
      // Flatten keeps the layout and Dropout is the identity at inference; anything else is not compiled.
      return undefined;
    }
  }
  let offset = 0;
  for (const a of arrays) {
    at.push(offset);
    offset += 4 * a.length + 15 - ((4 * a.length + 15) % 16);
  }
  return { steps, arrays, largest };
}

/** Whether every layer of `model` has a compiled kernel (its forward pass can run compiled). */
export function compilable(model: Sequential): boolean {
  return plan(model) !== undefined;
}

/**
 * `model` for `classifyPrepared`: its probabilities from the compiled kernels when every layer has
 * one (and WebAssembly runs here), else from `model.predict`.
 */
export function compiledPredictor(model: Sequential): Predictor {
  return {
    predict(x: Tensor): Tensor {
      const shape = model.inputShape;
      const size = shape.reduce((a, b) => a * b, 1);
      const fits = x.shape.length === shape.length + 1 && shape.every((d, i) => x.shape[i + 1] === d);
      const p = fits ? plan(model) : undefined;
      if (p === undefined) return model.predict(x);
      let bytes = 0;
      for (const a of p.arrays) bytes += 4 * a.length + 16;
      const act = bytes;
      bytes += 2 * 4 * p.largest + 32;
      const k = preprocessKernels(bytes);
      if (k === null) return model.predict(x);
      let offset = 0;
      for (const a of p.arrays) {
        new Float32Array(k.memory.buffer, offset, a.length).set(a);
        offset += 4 * a.length + 15 - ((4 * a.length + 15) % 16);
      }
      const ping = act;
      const pong = act + 4 * p.largest + 16 - ((4 * p.largest) % 16);
      const n = x.shape[0];
      const classes = model.outputShape[0];
      const logits = new Tensor([n, classes]);
      for (let s = 0; s < n; s++) {
        new Float32Array(k.memory.buffer, ping, size).set(x.data.subarray(s * size, (s + 1) * size));
        let cur = ping;
        for (const step of p.steps) {
          const next = step.inPlace ? cur : cur === ping ? pong : ping;
          step.run(k, cur, next);
          cur = next;
        }
        logits.data.set(new Float32Array(k.memory.buffer, cur, classes), s * classes);
      }
      return softmax(logits);
    },
  };
}
