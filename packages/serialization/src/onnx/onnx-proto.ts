/**
 * The subset of onnx.proto (proto2, https://github.com/onnx/onnx/blob/main/onnx/onnx.proto) an
 * inference graph of float tensors needs, encoded with {@link ProtoWriter}. Field numbers are
 * onnx.proto's; repeated scalars are packed only where onnx.proto says `[packed = true]`.
 */
import { ProtoWriter } from './protobuf.js';

/** `TensorProto.DataType.FLOAT`. */
export const ONNX_FLOAT = 1;

/** A node attribute (`AttributeProto`); the kind picks the value field and the `type` discriminator. */
export type OnnxAttribute =
  | { name: string; kind: 'float'; value: number }
  | { name: string; kind: 'int'; value: number }
  | { name: string; kind: 'string'; value: string }
  | { name: string; kind: 'ints'; value: readonly number[] };

/** A graph node (`NodeProto`). */
export interface OnnxNode {
  opType: string;
  name: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes?: readonly OnnxAttribute[];
}

/** A float32 constant (`TensorProto` with `float_data`). */
export interface OnnxInitializer {
  name: string;
  dims: readonly number[];
  data: Float32Array;
}

/** A float tensor graph input/output (`ValueInfoProto`); a string dimension is symbolic (`dim_param`). */
export interface OnnxValueInfo {
  name: string;
  dims: readonly (number | string)[];
}

/** A graph (`GraphProto`). */
export interface OnnxGraph {
  name: string;
  nodes: readonly OnnxNode[];
  initializers: readonly OnnxInitializer[];
  inputs: readonly OnnxValueInfo[];
  outputs: readonly OnnxValueInfo[];
}

/** A model (`ModelProto`) importing the default (`ai.onnx`) operator set. */
export interface OnnxModel {
  irVersion: number;
  opsetVersion: number;
  producerName: string;
  producerVersion?: string;
  docString?: string;
  graph: OnnxGraph;
  /** `metadata_props` key/value pairs. */
  metadata?: Readonly<Record<string, string>>;
}

// AttributeProto.AttributeType
const ATTR_TYPE = { float: 1, int: 2, string: 3, ints: 7 } as const;

/** Encodes an `AttributeProto`. */
export function encodeAttribute(a: OnnxAttribute): Uint8Array {
  const w = new ProtoWriter().string(1, a.name);
  switch (a.kind) {
    case 'float':
      w.float(2, a.value);
      break;
    case 'int':
      w.int64(3, a.value);
      break;
    case 'string':
      w.string(4, a.value);
      break;
    case 'ints':
      for (const v of a.value) w.int64(8, v); // `repeated int64 ints = 8` is not packed
      break;
  }
  return w.int64(20, ATTR_TYPE[a.kind]).finish();
}

/** Encodes a `NodeProto`. */
export function encodeNode(n: OnnxNode): Uint8Array {
  const w = new ProtoWriter();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name).string(4, n.opType);
  for (const a of n.attributes ?? []) w.message(5, encodeAttribute(a));
  return w.finish();
}

/** Encodes a float `TensorProto`: dims (1), data_type (2), float_data (4, packed), name (8). */
export function encodeInitializer(t: OnnxInitializer): Uint8Array {
  const w = new ProtoWriter();
  for (const d of t.dims) w.int64(1, d); // `repeated int64 dims = 1` is not packed
  return w.int64(2, ONNX_FLOAT).packedFloats(4, t.data).string(8, t.name).finish();
}

/** Encodes a `ValueInfoProto` of a float tensor: name, TypeProto.tensor_type { elem_type, shape }. */
export function encodeValueInfo(v: OnnxValueInfo): Uint8Array {
  const shape = new ProtoWriter();
  for (const d of v.dims) {
    const dim = new ProtoWriter();
    if (typeof d === 'number') dim.int64(1, d);
    else dim.string(2, d);
    shape.message(1, dim.finish());
  }
  const tensorType = new ProtoWriter().int64(1, ONNX_FLOAT).message(2, shape.finish()).finish();
  const type = new ProtoWriter().message(1, tensorType).finish();
  return new ProtoWriter().string(1, v.name).message(2, type).finish();
}

/** Encodes a `GraphProto`. */
export function encodeGraph(g: OnnxGraph): Uint8Array {
  const w = new ProtoWriter();
  for (const n of g.nodes) w.message(1, encodeNode(n));
  w.string(2, g.name);
  for (const t of g.initializers) w.message(5, encodeInitializer(t));
  for (const v of g.inputs) w.message(11, encodeValueInfo(v));
  for (const v of g.outputs) w.message(12, encodeValueInfo(v));
  return w.finish();
}

/** Encodes a `ModelProto`: the bytes of a `.onnx` file. */
export function encodeModel(m: OnnxModel): Uint8Array {
  const w = new ProtoWriter().int64(1, m.irVersion).string(2, m.producerName);
  if (m.producerVersion !== undefined) w.string(3, m.producerVersion);
  if (m.docString !== undefined) w.string(6, m.docString);
  w.message(7, encodeGraph(m.graph));
  // OperatorSetIdProto { version = 2 }; an absent domain means the default ai.onnx set.
  w.message(8, new ProtoWriter().int64(2, m.opsetVersion).finish());
  for (const [key, value] of Object.entries(m.metadata ?? {})) {
    w.message(14, new ProtoWriter().string(1, key).string(2, value).finish());
  }
  return w.finish();
}
