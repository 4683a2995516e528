import type { LayerConfig, Sequential } from '@scratchnet/layers';
import {
  type IntTensor,
  type Padding2d,
  type Shape,
  type Size2d,
  type Tensor,
  conv2dGeometry,
  formatShape,
  pool2dGeometry,
  sizeOf,
} from '@scratchnet/tensor';
import type { ModelMetadata } from '../model/metadata.js';
import { type OnnxAttribute, type OnnxInitializer, type OnnxNode, encodeModel } from './onnx-proto.js';

/** The ONNX operator set the export targets (opset 13: Softmax over one axis, Gemm with optional C). */
export const ONNX_OPSET = 13;
/** The IR version that goes with opset 13 (ONNX 1.8). */
export const ONNX_IR_VERSION = 7;

/** Options of {@link exportOnnx}. */
export interface OnnxExportOptions {
  /**
   * Append a Softmax so the graph outputs probabilities (output `probabilities`) instead of the
   * model's raw outputs (output `logits`). Default false: the graph computes exactly `model.forward`.
   */
  softmax?: boolean;
  /** Stored as `metadata_props` (`class_names`, `preprocessing`, `training`, as JSON). */
  metadata?: ModelMetadata;
}

const ints = (name: string, value: readonly number[]): OnnxAttribute => ({ name, kind: 'ints', value });
const int = (name: string, value: number): OnnxAttribute => ({ name, kind: 'int', value });
const float = (name: string, value: number): OnnxAttribute => ({ name, kind: 'float', value });

/** What one layer becomes in the graph. */
interface Lowered {
  opType: string;
  /** Initializer names after the layer's input (`'0.weight'`, …). */
  params: string[];
  attributes: OnnxAttribute[];
  outShape: Shape;
}

const ACTIVATIONS: Record<string, string> = {
  ReLU: 'Relu',
  Sigmoid: 'Sigmoid',
  Tanh: 'Tanh',
  Dropout: 'Identity',
};

/** Supported layer types, for the error message. */
const SUPPORTED = [
  'Conv2d',
  'MaxPool2d',
  'AvgPool2d',
  'Dense',
  'Flatten',
  'ReLU',
  'LeakyReLU',
  'Sigmoid',
  'Tanh',
  'Softmax',
  'Dropout',
  'BatchNorm1d',
  'BatchNorm2d',
];

/**
 * Exports a model as an ONNX file (opset 13, IR 7): one input `input` of shape `[N, ...inputShape]`
 * with a symbolic batch dimension `N`, one output `logits` `[N, ...outputShape]` (or `probabilities`
 * with `{ softmax: true }`), weights as initializers under their state_dict names. Layers map to
 * Conv, MaxPool, AveragePool, Gemm (transB), Flatten, Relu, LeakyRelu, Sigmoid, Tanh, Softmax,
 * BatchNormalization (inference form) and Identity (Dropout). Runs in onnxruntime, Netron, etc.
 *
 * @example
 * ```ts
 * const bytes = exportOnnx(model);          // Uint8Array, the .onnx file
 * await saveOnnx(model, 'mnist.onnx');      // same bytes, written atomically
 * ```
 */
export function exportOnnx(model: Sequential, options: OnnxExportOptions = {}): Uint8Array {
  const config = model.getConfig();
  const tensors = new Map<string, Tensor | IntTensor>();
  for (const p of model.namedParameters()) tensors.set(p.name, p.value);
  for (const b of model.namedBuffers()) tensors.set(b.name, b.value);

  const nodes: OnnxNode[] = [];
  const initializers: OnnxInitializer[] = [];
  const outputName = options.softmax ? 'probabilities' : 'logits';
  let shape: Shape = config.inputShape;
  let current = 'input';
  config.layers.forEach((layer, i) => {
    const lowered = lower(layer, i, shape, tensors);
    for (const name of lowered.params) {
      const t = tensors.get(name) as Tensor;
      initializers.push({ name, dims: t.shape, data: t.data });
    }
    const last = i === config.layers.length - 1 && !options.softmax;
    const out = last ? outputName : `${i}.${layer.type}`;
    nodes.push({
      opType: lowered.opType,
      name: `${i}.${layer.type}`,
      inputs: [current, ...lowered.params],
      outputs: [out],
      attributes: lowered.attributes,
    });
    current = out;
    shape = lowered.outShape;
  });
  if (options.softmax || nodes.length === 0) {
    nodes.push({
      opType: options.softmax ? 'Softmax' : 'Identity',
      name: options.softmax ? 'softmax' : 'identity',
      inputs: [current],
      outputs: [outputName],
      attributes: options.softmax ? [int('axis', -1)] : [],
    });
  }

  const metadata: Record<string, string> = { architecture: JSON.stringify(config) };
  const m = options.metadata ?? {};
  if (m.classNames !== undefined) metadata.class_names = JSON.stringify(m.classNames);
  if (m.preprocessing !== undefined) metadata.preprocessing = JSON.stringify(m.preprocessing);
  if (m.training !== undefined) metadata.training = JSON.stringify(m.training);

  return encodeModel({
    irVersion: ONNX_IR_VERSION,
    opsetVersion: ONNX_OPSET,
    producerName: '@scratchnet/serialization',
    docString: `scratchnet Sequential: ${config.layers.map((l) => l.type).join(' → ')}`,
    graph: {
      name: 'scratchnet',
      nodes,
      initializers,
      inputs: [{ name: 'input', dims: ['N', ...config.inputShape] }],
      outputs: [{ name: outputName, dims: ['N', ...shape] }],
    },
    metadata,
  });
}

/** Maps layer `i` (config `c`, per-sample input `inShape`) to one ONNX node. */
function lower(c: LayerConfig, i: number, inShape: Shape, tensors: Map<string, Tensor | IntTensor>): Lowered {
  const where = `exportOnnx: layer ${i} (${c.type})`;
  const param = (name: string): Tensor => {
    const t = tensors.get(`${i}.${name}`);
    if (t === undefined) throw new Error(`${where}: the model has no tensor '${i}.${name}'`);
    return t as Tensor;
  };
  const has = (name: string) => tensors.has(`${i}.${name}`);
  const withBias = (names: string[]) => (has('bias') ? [...names, `${i}.bias`] : names);

  switch (c.type) {
    case 'Conv2d': {
      const w = param('weight'); // [O, C, kH, kW]
      const stride = (c.stride ?? 1) as Size2d;
      const g = conv2dGeometry([1, ...inShape], w.shape, stride, (c.padding ?? 0) as Padding2d, where);
      return {
        opType: 'Conv',
        params: withBias([`${i}.weight`]),
        attributes: [
          ints('kernel_shape', [g.kernelH, g.kernelW]),
          ints('strides', [g.strideH, g.strideW]),
          ints('pads', [g.padH, g.padW, g.padH, g.padW]),
          ints('dilations', [1, 1]),
          int('group', 1),
        ],
        outShape: [g.outChannels, g.outHeight, g.outWidth],
      };
    }
    case 'MaxPool2d':
    case 'AvgPool2d': {
      if (inShape.length !== 3)
        throw new Error(`${where}: expects input [C, H, W], got ${formatShape(inShape)}`);
      const g = pool2dGeometry(
        [1, ...inShape],
        (c.poolSize ?? 2) as Size2d,
        (c.stride ?? undefined) as Size2d | undefined,
        (c.padding ?? 0) as Padding2d,
        where,
      );
      const attributes = [
        ints('kernel_shape', [g.kernelH, g.kernelW]),
        ints('strides', [g.strideH, g.strideW]),
        ints('pads', [g.padH, g.padW, g.padH, g.padW]),
      ];
      if (c.type === 'AvgPool2d')
        attributes.push(int('count_include_pad', c.countIncludePad === false ? 0 : 1));
      return {
        opType: c.type === 'MaxPool2d' ? 'MaxPool' : 'AveragePool',
        params: [],
        attributes,
        outShape: [g.channels, g.outHeight, g.outWidth],
      };
    }
    case 'Dense': {
      const w = param('weight'); // [units, in]
      if (inShape.length !== 1 || inShape[0] !== w.shape[1]) {
        throw new Error(`${where}: expects input [${w.shape[1]}], got ${formatShape(inShape)}`);
      }
      // y = x·Wᵀ + b: Gemm with transB, as PyTorch exports nn.Linear.
      return {
        opType: 'Gemm',
        params: withBias([`${i}.weight`]),
        attributes: [float('alpha', 1), float('beta', 1), int('transB', 1)],
        outShape: [w.shape[0]],
      };
    }
    case 'Flatten':
      return { opType: 'Flatten', params: [], attributes: [int('axis', 1)], outShape: [sizeOf(inShape)] };
    case 'LeakyReLU':
      return {
        opType: 'LeakyRelu',
        params: [],
        attributes: [float('alpha', typeof c.alpha === 'number' ? c.alpha : 0.01)],
        outShape: inShape,
      };
    case 'Softmax':
      return { opType: 'Softmax', params: [], attributes: [int('axis', -1)], outShape: inShape };
    case 'BatchNorm1d':
    case 'BatchNorm2d': {
      const eps = typeof c.eps === 'number' ? c.eps : 1e-5;
      const momentum = typeof c.momentum === 'number' ? c.momentum : 0.1;
      for (const n of ['weight', 'bias', 'running_mean', 'running_var']) param(n);
      return {
        opType: 'BatchNormalization',
        params: ['weight', 'bias', 'running_mean', 'running_var'].map((n) => `${i}.${n}`),
        // ONNX's momentum weighs the running value (PyTorch's weighs the batch): 1 − m.
        attributes: [float('epsilon', eps), float('momentum', 1 - momentum)],
        outShape: inShape,
      };
    }
    default: {
      const op = ACTIVATIONS[c.type];
      if (op === undefined) {
        throw new Error(
          `${where}: no ONNX mapping for layer type '${c.type}' (supported: ${SUPPORTED.join(', ')})`,
        );
      }
      return { opType: op, params: [], attributes: [], outShape: inShape };
    }
  }
}
