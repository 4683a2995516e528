import { describe, expect, it } from 'vitest';
import {
  encodeAttribute,
  encodeInitializer,
  encodeModel,
  encodeNode,
  encodeValueInfo,
} from '../src/onnx/onnx-proto.js';
import { ProtoWriter } from '../src/onnx/protobuf.js';

const hex = (b: Uint8Array) =>
  Buffer.from(b)
    .toString('hex')
    .replace(/(..)(?!$)/g, '$1 ');
const ascii = (s: string) => hex(new TextEncoder().encode(s));

describe('ProtoWriter (hand-worked bytes from the protobuf encoding guide)', () => {
  it('varints', () => {
    expect(hex(new ProtoWriter().varint(0).finish())).toBe('00');
    expect(hex(new ProtoWriter().varint(1).finish())).toBe('01');
    expect(hex(new ProtoWriter().varint(127).finish())).toBe('7f');
    expect(hex(new ProtoWriter().varint(128).finish())).toBe('80 01');
    // 300 = 0b10_0101100 → low group 0101100 | 0x80 = 0xac, then 0b10 = 0x02
    expect(hex(new ProtoWriter().varint(300).finish())).toBe('ac 02');
    // 2^32 = 7-bit groups 0,0,0,0,16
    expect(hex(new ProtoWriter().varint(2 ** 32).finish())).toBe('80 80 80 80 10');
    // Negative int64: 64-bit two's complement, always 10 bytes.
    expect(hex(new ProtoWriter().varint(-1).finish())).toBe('ff ff ff ff ff ff ff ff ff 01');
    expect(hex(new ProtoWriter().varint(-2).finish())).toBe('fe ff ff ff ff ff ff ff ff 01');
    expect(() => new ProtoWriter().varint(0.5)).toThrow(/not a safe integer/);
  });

  it('fields of every wire type', () => {
    // The guide's first example: message Test1 { int32 a = 1; } with a = 150 → 08 96 01.
    expect(hex(new ProtoWriter().int64(1, 150).finish())).toBe('08 96 01');
    // message Test2 { string b = 2; } with b = "testing" → 12 07 74 65 73 74 69 6e 67.
    expect(hex(new ProtoWriter().string(2, 'testing').finish())).toBe('12 07 74 65 73 74 69 6e 67');
    // Embedded: message Test3 { Test1 c = 3; } with c.a = 150 → 1a 03 08 96 01.
    const inner = new ProtoWriter().int64(1, 150).finish();
    expect(hex(new ProtoWriter().message(3, inner).finish())).toBe('1a 03 08 96 01');
    // float field 2 (wire type 5): key 0x15, 1.0f = 00 00 80 3f.
    expect(hex(new ProtoWriter().float(2, 1).finish())).toBe('15 00 00 80 3f');
    // Packed floats, field 4: key 0x22, length 8, 1.0f, -2.0f.
    expect(hex(new ProtoWriter().packedFloats(4, new Float32Array([1, -2])).finish())).toBe(
      '22 08 00 00 80 3f 00 00 00 c0',
    );
    // Packed varints: the guide's `repeated int32 f = 6 [packed=true]` with 3, 270, 86942 → 32 06 03 8e 02 9e a7 05.
    expect(hex(new ProtoWriter().packedInt64s(6, [3, 270, 86942]).finish())).toBe('32 06 03 8e 02 9e a7 05');
    // Field numbers ≥ 16 take a two-byte key: field 20, varint → (20 << 3) = 160 = a0 01.
    expect(hex(new ProtoWriter().int64(20, 7).finish())).toBe('a0 01 07');
  });

  it('grows its buffer across many writes', () => {
    const w = new ProtoWriter();
    for (let i = 0; i < 1000; i++) w.int64(1, 300);
    const bytes = w.finish();
    expect(bytes.length).toBe(3000);
    expect(hex(bytes.subarray(2997))).toBe('08 ac 02');
  });
});

describe('ONNX messages (hand-worked against onnx.proto)', () => {
  it('AttributeProto: int, float, ints (unpacked), string', () => {
    // name (1) "axis", i (3) = 1, type (20) = INT (2)
    expect(hex(encodeAttribute({ name: 'axis', kind: 'int', value: 1 }))).toBe(
      `0a 04 ${ascii('axis')} 18 01 a0 01 02`,
    );
    // f (2) = 0.5f = 00 00 00 3f, type FLOAT (1)
    expect(hex(encodeAttribute({ name: 'alpha', kind: 'float', value: 0.5 }))).toBe(
      `0a 05 ${ascii('alpha')} 15 00 00 00 3f a0 01 01`,
    );
    // ints (8): one key per element, type INTS (7)
    expect(hex(encodeAttribute({ name: 'pads', kind: 'ints', value: [1, 0] }))).toBe(
      `0a 04 ${ascii('pads')} 40 01 40 00 a0 01 07`,
    );
    expect(hex(encodeAttribute({ name: 'mode', kind: 'string', value: 'x' }))).toBe(
      `0a 04 ${ascii('mode')} 22 01 78 a0 01 03`,
    );
  });

  it('NodeProto', () => {
    const bytes = encodeNode({
      opType: 'Relu',
      name: 'r',
      inputs: ['a'],
      outputs: ['b'],
    });
    // input (1) "a", output (2) "b", name (3) "r", op_type (4) "Relu"
    expect(hex(bytes)).toBe(`0a 01 61 12 01 62 1a 01 72 22 04 ${ascii('Relu')}`);
  });

  it('TensorProto with packed float_data', () => {
    const bytes = encodeInitializer({ name: 'w', dims: [2, 1], data: new Float32Array([1, 2]) });
    // dims (1) 2, dims (1) 1, data_type (2) FLOAT, float_data (4) packed, name (8) "w"
    expect(hex(bytes)).toBe('08 02 08 01 10 01 22 08 00 00 80 3f 00 00 00 40 42 01 77');
  });

  it('ValueInfoProto with a symbolic batch dimension', () => {
    const bytes = encodeValueInfo({ name: 'x', dims: ['N', 3] });
    // dim { dim_param (2) "N" } = 12 01 4e; dim { dim_value (1) 3 } = 08 03
    const shape = '0a 03 12 01 4e 0a 02 08 03'; // TensorShapeProto: dim (1) ×2
    const tensorType = `08 01 12 09 ${shape}`; // elem_type (1) FLOAT, shape (2)
    const type = `0a 0d ${tensorType}`; // TypeProto.tensor_type (1)
    expect(hex(bytes)).toBe(`0a 01 78 12 0f ${type}`);
  });

  it('ModelProto: ir_version, producer, graph, opset_import, metadata_props', () => {
    const bytes = encodeModel({
      irVersion: 7,
      opsetVersion: 13,
      producerName: 'p',
      producerVersion: '1',
      graph: { name: 'g', nodes: [], initializers: [], inputs: [], outputs: [] },
      metadata: { k: 'v' },
    });
    expect(hex(bytes)).toBe(
      [
        '08 07', // ir_version (1) = 7
        '12 01 70', // producer_name (2) "p"
        '1a 01 31', // producer_version (3) "1"
        '3a 03 12 01 67', // graph (7) { name (2) "g" }
        '42 02 10 0d', // opset_import (8) { version (2) = 13 }
        '72 06 0a 01 6b 12 01 76', // metadata_props (14) { key "k", value "v" }
      ].join(' '),
    );
  });
});
